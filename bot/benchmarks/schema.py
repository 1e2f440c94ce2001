"""The schema of a benchmark YAML file, as pydantic models, and its errors said in plain words.

A file is a mapping with a ``benchmarks`` list; each entry (a group: metric, tier,
priority, unit, period, notes, points) is checked on its own, then each of its points
with the entry's unit (``context={"unit": ...}``), so that a problem is named by its
entry and point. Pydantic reports every problem it finds, in its own words and by
location; `entry_problem` and `point_problem` pick the one problem to show (unknown
fields first, then the first field in file order, and within a source a missing field
first) and say it in the words the library has always used, which organisations'
authors have learnt ("missing source field 'url'").
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Callable, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from bot.benchmarks.vocabulary import CLOCKS, METRICS, UNITS, VALUE_LIMITS, normalise_priority

Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
HttpsUrl = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^(?i:https://)\S")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceEntry(_Strict):
    publisher: Text
    document: Text
    year: Annotated[StrictInt, Field(ge=1990, le=2100)]
    url: HttpsUrl
    #: What the document says about its own date ("Last Updated: ...") or that it is undated.
    dated: StrictStr | None = None


class PointEntry(_Strict):
    value: Decimal
    as_stated: Text
    source: SourceEntry
    period: Text | None = None
    clock: Literal[CLOCKS] | None = None  # type: ignore[valid-type]
    note: StrictStr | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _number_in_unit(cls, raw: Any, info: ValidationInfo) -> Decimal:
        """A number (or "99.9%") within what the entry's unit allows."""
        if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
            raise ValueError(f"value {raw!r} is not numeric")
        text = raw.strip().rstrip("%").strip() if isinstance(raw, str) else str(raw)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"value {raw!r} is not numeric") from None
        if not value.is_finite():
            raise ValueError(f"value {raw!r} is not a finite number")
        unit = (info.context or {})["unit"]
        lower, upper = VALUE_LIMITS[unit]
        if not (lower < value <= upper):
            raise ValueError(f"value {raw!r} is outside ({lower}, {upper}] for unit {unit!r}")
        return value


class GroupEntry(_Strict):
    """One comparison class; its points are checked after it (see `PointEntry`), with its unit."""

    metric: Literal[METRICS]  # type: ignore[valid-type]
    tier: Text
    priority: str | None = Field(None, validate_default=True)
    unit: str = Field(None, validate_default=True)
    period: Text | None = None
    notes: StrictStr | None = None
    points: Annotated[list[Any], Field(min_length=1)]

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, raw: Any, info: ValidationInfo) -> str | None:
        priority = normalise_priority(raw)
        if info.data.get("metric") == "availability" and priority is not None:
            raise ValueError("availability entries take no priority (use null)")
        return priority

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_of_metric(cls, unit: Any, info: ValidationInfo) -> str:
        metric = info.data.get("metric")
        if metric is not None and unit != UNITS[metric]:
            raise ValueError(f"unit {unit!r} does not match metric {metric!r} (expected {UNITS[metric]!r})")
        return unit


class BenchmarkFile(BaseModel):
    """The top of a file: other keys are the author's (comments, metadata) and are left alone."""

    benchmarks: list[Any]


# ---- saying a problem the way the library always has -------------------------------------------
Say = Callable[[ErrorDetails], str]


def _text(what: str, key: str) -> Say:
    def say(error: ErrorDetails) -> str:
        given = error.get("input")
        if error["type"] == "string_type" and given is not None:
            return f"{what} field {key!r} must be text, got {type(given).__name__}"
        return f"missing {what} field {key!r}"
    return say


def _absent(error: ErrorDetails) -> bool:
    return error["type"] == "missing" or error.get("input") in (None, "")


WORDS: dict[type[BaseModel], dict[str | None, Say]] = {
    GroupEntry: {
        None: lambda e: "entry must be a mapping",
        "metric": lambda e: f"unknown metric {e.get('input') if e['type'] != 'missing' else None!r} "
                            f"(expected one of {', '.join(METRICS)})",
        "tier": _text("entry", "tier"),
        "period": lambda e: "'period' must be text or null",
        "notes": lambda e: "'notes' must be text",
        "points": lambda e: "'points' must be a non-empty list",
    },
    PointEntry: {
        None: lambda e: "point must be a mapping with value, as_stated and source",
        "value": lambda e: "missing 'value'",
        "as_stated": _text("point", "as_stated"),
        "source": lambda e: "missing source (a mapping with publisher, document, year, url)",
        "period": lambda e: "point 'period' must be text",
        "clock": lambda e: f"clock {e.get('input')!r} is not one of {', '.join(CLOCKS)}",
        "note": lambda e: "point 'note' must be text",
    },
    SourceEntry: {
        None: lambda e: "missing source (a mapping with publisher, document, year, url)",
        "publisher": _text("source", "publisher"),
        "document": _text("source", "document"),
        "year": lambda e: ("missing source field 'year'" if _absent(e)
                           else f"source year {e.get('input')!r} must be a four-digit year"),
        "url": lambda e: (_text("source", "url")(e) if e["type"] != "string_pattern_mismatch"
                          else f"source url {str(e.get('input')).strip()!r} must be an https URL"),
        "dated": lambda e: "source field 'dated' must be text",
    },
}
NESTED: dict[tuple[type[BaseModel], str], type[BaseModel]] = {(PointEntry, "source"): SourceEntry}
LABELS: dict[type[BaseModel], str] = {GroupEntry: "", PointEntry: "point ", SourceEntry: "source "}


def _model_at(model: type[BaseModel], loc: tuple) -> tuple[type[BaseModel], tuple]:
    """The (nested) model an error location points into, and the location within it."""
    while len(loc) > 1 and (model, loc[0]) in NESTED:
        model, loc = NESTED[(model, loc[0])], loc[1:]
    return model, loc


def _rank(model: type[BaseModel], index: int, error: ErrorDetails) -> tuple:
    """Unknown fields first, then by field in file order; within a source, a missing field before the rest."""
    loc = error["loc"]
    fields = list(model.model_fields)
    top_unknown = error["type"] == "extra_forbidden" and len(loc) == 1
    position = fields.index(loc[0]) if loc and loc[0] in fields else -1
    inner, _ = _model_at(model, loc)
    within = 0 if error["type"] == "extra_forbidden" else 1 if inner is SourceEntry and _absent(error) else 2
    return (0 if top_unknown else 1, position, within, index)


def problem(model: type[BaseModel], exc: ValidationError) -> str:
    """The one problem to show for a failed validation of `model`, in the library's words."""
    errors = exc.errors(include_url=False)
    first = min(enumerate(errors), key=lambda ie: _rank(model, *ie))[1]
    inner, loc = _model_at(model, first["loc"])
    if first["type"] == "extra_forbidden":
        unknown = sorted(str(e["loc"][-1]) for e in errors
                         if e["type"] == "extra_forbidden" and e["loc"][:-1] == first["loc"][:-1])
        return f"unknown {LABELS[inner]}field(s): {', '.join(unknown)}"
    if first["type"] == "value_error":  # our own validators' sentences
        return str(first["ctx"]["error"])
    say = WORDS[inner].get(loc[0] if loc else None)
    return say(first) if say else f"{'.'.join(map(str, loc))}: {first['msg']}"  # not one the library words
