"""Benchmark library of comparable, publicly sourced service level targets.

A service manager negotiating targets with a customer can ask the bot "what do
comparable services commit to?" and get low / typical / high values for a
metric, each value traceable to a named public source (publisher, document,
year, URL and what the document states).  The shipped library lives in
``bot/data/benchmarks.yml``; an organisation may add its own YAML files of the
same schema (see the comment at the top of that file).

This module is pure Python: it imports nothing from Slack or the database.

Direction of "better"
---------------------
For ``availability`` and ``support_hours`` a *higher* value is stricter (more
demanding for the provider).  For ``response_time`` and ``resolution_time`` a
*lower* value is stricter.  :attr:`Benchmark.low` / :attr:`Benchmark.high` are
always the numeric minimum / maximum; :attr:`Benchmark.strictest` /
:attr:`Benchmark.loosest` take the direction into account, so callers that want
"the most demanding published target" should use ``strictest``.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

import yaml

__all__ = [
    "METRICS",
    "UNITS",
    "PRIORITIES",
    "LOWER_IS_STRICTER",
    "metric_aliases",
    "resolve_metric",
    "BenchmarkFileError",
    "Source",
    "Point",
    "Benchmark",
    "BenchmarkLibrary",
    "load_benchmarks",
    "shipped_benchmarks_path",
]

# --------------------------------------------------------------------------- vocab

METRICS: tuple[str, ...] = ("availability", "response_time", "resolution_time", "support_hours")

#: The one unit each metric is recorded in.
UNITS: Mapping[str, str] = MappingProxyType(
    {
        "availability": "percent",
        "response_time": "minutes",
        "resolution_time": "minutes",
        "support_hours": "hours_per_week",
    }
)

PRIORITIES: tuple[str, ...] = ("P1", "P2", "P3", "P4")

#: Metrics for which a smaller number is the more demanding target.
LOWER_IS_STRICTER: frozenset[str] = frozenset({"response_time", "resolution_time"})

CLOCKS: tuple[str, ...] = ("24x7", "business_hours")

#: Free-text names (normalised: lower case, single spaces) -> canonical metric.
metric_aliases: Mapping[str, str] = MappingProxyType(
    {
        "availability": "availability",
        "uptime": "availability",
        "response time": "response_time",
        "response": "response_time",
        "first response": "response_time",
        "resolution time": "resolution_time",
        "resolution": "resolution_time",
        "fix time": "resolution_time",
        "support hours": "support_hours",
        "hours": "support_hours",
    }
)

_GROUP_KEYS = frozenset({"metric", "tier", "priority", "unit", "period", "points", "notes"})
_POINT_KEYS = frozenset({"value", "as_stated", "source", "period", "clock", "note"})
_SOURCE_REQUIRED = ("publisher", "document", "year", "url")
_SOURCE_KEYS = frozenset(_SOURCE_REQUIRED) | {"dated"}

_VALUE_LIMITS: Mapping[str, tuple[Decimal, Decimal]] = MappingProxyType(
    {
        # (exclusive lower bound, inclusive upper bound)
        "percent": (Decimal(0), Decimal(100)),
        "minutes": (Decimal(0), Decimal(60 * 24 * 366)),
        "hours_per_week": (Decimal(0), Decimal(168)),
    }
)


def _normalise_text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-]+", " ", text)).strip().casefold()


def resolve_metric(text: str | None) -> str | None:
    """Map a user's wording ("uptime", "first response", "fix time" ...) to a metric.

    Canonical names (``response_time``) and their spaced forms are accepted too.
    Returns ``None`` when the text names no known metric.
    """
    if not text or not isinstance(text, str):
        return None
    key = _normalise_text(text)
    if key in metric_aliases:
        return metric_aliases[key]
    if key.replace(" ", "_") in METRICS:
        return key.replace(" ", "_")
    return None


def _normalise_priority(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip().upper()
    if text in PRIORITIES:
        return text
    if text.isdigit() and f"P{text}" in PRIORITIES:
        return f"P{text}"
    raise ValueError(f"priority {value!r} is not one of {', '.join(PRIORITIES)} (or null)")


# ------------------------------------------------------------------------- errors


class BenchmarkFileError(ValueError):
    """A benchmark YAML file is unreadable or an entry in it is invalid.

    The message names the file, the entry index (0-based, in the file's
    ``benchmarks`` list), the point index where relevant, and the problem.
    """

    def __init__(self, path: Path | str, problem: str, entry: int | None = None, point: int | None = None):
        self.path = str(path)
        self.entry = entry
        self.point = point
        self.problem = problem
        where = self.path
        if entry is not None:
            where += f": entry {entry}"
            if point is not None:
                where += f", point {point}"
        super().__init__(f"{where}: {problem}")


# -------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Source:
    publisher: str
    document: str
    year: int
    url: str
    #: What the document says about its own date ("Last Updated: ...") or that
    #: it is undated and the year is estimated.
    dated: str | None = None

    def cite(self) -> str:
        return f"{self.publisher}, {self.document} ({self.year}), {self.url}"


@dataclass(frozen=True)
class Point:
    value: Decimal
    as_stated: str
    source: Source
    #: Measurement period if it differs from the group's (e.g. quarterly uptime).
    period: str | None = None
    #: "24x7" or "business_hours" when the source says which clock applies.
    clock: str | None = None
    note: str | None = None
    #: File the point was loaded from (shipped library or an organisation file).
    origin: str = ""


@dataclass(frozen=True)
class Benchmark:
    """A comparison class (metric + tier + priority) and its sourced points."""

    metric: str
    tier: str
    priority: str | None
    unit: str
    period: str | None
    points: tuple[Point, ...]
    notes: str | None = None

    # -- numbers -------------------------------------------------------------
    @property
    def values(self) -> list[Decimal]:
        return sorted(p.value for p in self.points)

    @property
    def low(self) -> Decimal:
        """Numeric minimum of the points' values (see :attr:`strictest`)."""
        return min(p.value for p in self.points)

    @property
    def high(self) -> Decimal:
        """Numeric maximum of the points' values (see :attr:`loosest`)."""
        return max(p.value for p in self.points)

    @property
    def typical(self) -> Decimal:
        """Median of the points' values (mean of the middle two for an even count)."""
        return Decimal(statistics.median(self.values))

    @property
    def lower_is_stricter(self) -> bool:
        return self.metric in LOWER_IS_STRICTER

    @property
    def strictest(self) -> Decimal:
        """Most demanding published value: the minimum for times, else the maximum."""
        return self.low if self.lower_is_stricter else self.high

    @property
    def loosest(self) -> Decimal:
        """Least demanding published value: the maximum for times, else the minimum."""
        return self.high if self.lower_is_stricter else self.low

    # -- sources -------------------------------------------------------------
    @property
    def sources(self) -> list[Source]:
        seen: dict[tuple[str, str, int, str], Source] = {}
        for p in self.points:
            key = (p.source.publisher, p.source.document, p.source.year, p.source.url)
            seen.setdefault(key, p.source)
        return list(seen.values())

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.metric, self.tier.casefold(), self.priority)

    def summary(self) -> str:
        """One line for a chat reply, e.g. ``P1 response_time, ...: 15-60 minutes (typical 30, n=6)``."""
        label = f"{self.priority} {self.metric}" if self.priority else self.metric
        return (
            f"{label}, {self.tier}: {_fmt(self.low)}-{_fmt(self.high)} {self.unit} "
            f"(typical {_fmt(self.typical)}, strictest {_fmt(self.strictest)}, n={len(self.points)})"
        )


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


# ------------------------------------------------------------------------ library


@dataclass
class BenchmarkLibrary:
    benchmarks: list[Benchmark] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Benchmark]:
        return iter(self.benchmarks)

    def __len__(self) -> int:
        return len(self.benchmarks)

    @property
    def points(self) -> list[Point]:
        return [p for b in self.benchmarks for p in b.points]

    def metrics(self) -> list[str]:
        """Metrics that have at least one group, in canonical order."""
        present = {b.metric for b in self.benchmarks}
        return [m for m in METRICS if m in present]

    def tiers(self, metric: str | None = None) -> list[str]:
        wanted = resolve_metric(metric) if metric else None
        out: list[str] = []
        for b in self.benchmarks:
            if (wanted is None or b.metric == wanted) and b.tier not in out:
                out.append(b.tier)
        return out

    def find(self, metric: str, priority: str | None = None, tier: str | None = None) -> list[Benchmark]:
        """Groups for ``metric`` (canonical name or alias).

        ``priority`` ("P1" / "p1" / 1) keeps only groups of that priority;
        ``tier`` keeps groups whose tier contains that text (case-insensitive).
        Unknown metric -> empty list.  Results keep the file order.
        """
        canonical = resolve_metric(metric)
        if canonical is None:
            return []
        wanted_priority = None
        if priority is not None:
            try:
                wanted_priority = _normalise_priority(priority)
            except ValueError:
                return []
        needle = _normalise_text(tier) if tier else None
        out = []
        for b in self.benchmarks:
            if b.metric != canonical:
                continue
            if wanted_priority is not None and b.priority != wanted_priority:
                continue
            if needle is not None and needle not in _normalise_text(b.tier):
                continue
            out.append(b)
        return out


# ------------------------------------------------------------------------ loading


def shipped_benchmarks_path() -> Path:
    """Path of the benchmark file shipped with the bot."""
    try:
        candidate = resources.files("bot").joinpath("data", "benchmarks.yml")
        path = Path(str(candidate))
        if path.is_file():
            return path
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - unusual packaging
        pass
    return Path(__file__).resolve().parents[1] / "data" / "benchmarks.yml"


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".yml", ".yaml")))
        elif path.is_file():
            out.append(path)
        else:
            raise BenchmarkFileError(path, "no such file or directory")
    return out


def _require_text(mapping: Mapping[str, Any], key: str, what: str) -> str:
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"missing {what} field {key!r}")
    if not isinstance(value, str):
        raise ValueError(f"{what} field {key!r} must be text, got {type(value).__name__}")
    return value.strip()


def _parse_value(raw: Any, unit: str) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"value {raw!r} is not numeric")
    if isinstance(raw, (int, float, Decimal)):
        text = str(raw)
    elif isinstance(raw, str):
        text = raw.strip().rstrip("%").strip()
    else:
        raise ValueError(f"value {raw!r} is not numeric")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"value {raw!r} is not numeric") from None
    if not value.is_finite():
        raise ValueError(f"value {raw!r} is not a finite number")
    lower, upper = _VALUE_LIMITS[unit]
    if not (lower < value <= upper):
        raise ValueError(f"value {raw!r} is outside ({lower}, {upper}] for unit {unit!r}")
    return value


def _parse_source(raw: Any) -> Source:
    if not isinstance(raw, Mapping):
        raise ValueError("missing source (a mapping with publisher, document, year, url)")
    unknown = set(raw) - _SOURCE_KEYS
    if unknown:
        raise ValueError(f"unknown source field(s): {', '.join(sorted(map(str, unknown)))}")
    for key in _SOURCE_REQUIRED:
        if raw.get(key) in (None, ""):
            raise ValueError(f"missing source field {key!r}")
    publisher = _require_text(raw, "publisher", "source")
    document = _require_text(raw, "document", "source")
    url = _require_text(raw, "url", "source")
    if not url.lower().startswith("https://") or len(url) <= len("https://"):
        raise ValueError(f"source url {url!r} must be an https URL")
    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not (1990 <= year <= 2100):
        raise ValueError(f"source year {year!r} must be a four-digit year")
    dated = raw.get("dated")
    if dated is not None and not isinstance(dated, str):
        raise ValueError("source field 'dated' must be text")
    return Source(publisher=publisher, document=document, year=year, url=url, dated=dated)


def _parse_point(raw: Any, unit: str, origin: str) -> Point:
    if not isinstance(raw, Mapping):
        raise ValueError("point must be a mapping with value, as_stated and source")
    unknown = set(raw) - _POINT_KEYS
    if unknown:
        raise ValueError(f"unknown point field(s): {', '.join(sorted(map(str, unknown)))}")
    if "value" not in raw:
        raise ValueError("missing 'value'")
    value = _parse_value(raw["value"], unit)
    as_stated = _require_text(raw, "as_stated", "point")
    source = _parse_source(raw.get("source"))
    period = raw.get("period")
    if period is not None and (not isinstance(period, str) or not period.strip()):
        raise ValueError("point 'period' must be text")
    clock = raw.get("clock")
    if clock is not None and clock not in CLOCKS:
        raise ValueError(f"clock {clock!r} is not one of {', '.join(CLOCKS)}")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise ValueError("point 'note' must be text")
    return Point(
        value=value,
        as_stated=" ".join(as_stated.split()),
        source=source,
        period=period.strip() if isinstance(period, str) else None,
        clock=clock,
        note=note,
        origin=origin,
    )


def _parse_group(raw: Any, path: Path, index: int) -> Benchmark:
    if not isinstance(raw, Mapping):
        raise BenchmarkFileError(path, "entry must be a mapping", entry=index)
    try:
        unknown = set(raw) - _GROUP_KEYS
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")
        metric = raw.get("metric")
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r} (expected one of {', '.join(METRICS)})")
        tier = _require_text(raw, "tier", "entry")
        priority = _normalise_priority(raw.get("priority"))
        if metric == "availability" and priority is not None:
            raise ValueError("availability entries take no priority (use null)")
        unit = raw.get("unit")
        if unit != UNITS[metric]:
            raise ValueError(f"unit {unit!r} does not match metric {metric!r} (expected {UNITS[metric]!r})")
        period = raw.get("period")
        if period is not None and (not isinstance(period, str) or not period.strip()):
            raise ValueError("'period' must be text or null")
        notes = raw.get("notes")
        if notes is not None and not isinstance(notes, str):
            raise ValueError("'notes' must be text")
        raw_points = raw.get("points")
        if not isinstance(raw_points, list) or not raw_points:
            raise ValueError("'points' must be a non-empty list")
    except ValueError as exc:
        raise BenchmarkFileError(path, str(exc), entry=index) from None

    points = []
    for j, raw_point in enumerate(raw_points):
        try:
            points.append(_parse_point(raw_point, unit, str(path)))
        except ValueError as exc:
            raise BenchmarkFileError(path, str(exc), entry=index, point=j) from None
    return Benchmark(
        metric=metric,
        tier=tier,
        priority=priority,
        unit=unit,
        period=period.strip() if isinstance(period, str) else None,
        points=tuple(points),
        notes=notes,
    )


def _read_file(path: Path) -> list[Benchmark]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BenchmarkFileError(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise BenchmarkFileError(path, f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("benchmarks"), list):
        raise BenchmarkFileError(path, "expected a top-level mapping with a 'benchmarks' list")
    return [_parse_group(raw, path, i) for i, raw in enumerate(data["benchmarks"])]


def load_benchmarks(extra_paths: Iterable[Path | str] = (), *, include_shipped: bool = True) -> BenchmarkLibrary:
    """Load the shipped library plus any organisation files or directories.

    Directories contribute their ``*.yml`` / ``*.yaml`` files in name order.
    A later entry with the same metric, tier (case-insensitive) and priority as
    an existing group adds its points to that group; otherwise it is a new
    group.  Raises :class:`BenchmarkFileError` naming the file, entry index and
    problem for any invalid content.
    """
    paths: list[Path] = []
    if include_shipped:
        paths.append(shipped_benchmarks_path())
    paths.extend(_expand(extra_paths))

    merged: dict[tuple[str, str, str | None], Benchmark] = {}
    order: list[tuple[str, str, str | None]] = []
    for path in paths:
        for index, group in enumerate(_read_file(path)):
            existing = merged.get(group.key)
            if existing is None:
                merged[group.key] = group
                order.append(group.key)
                continue
            if existing.period and group.period and existing.period != group.period:
                raise BenchmarkFileError(
                    path,
                    f"period {group.period!r} conflicts with {existing.period!r} of the existing group "
                    f"{existing.metric}/{existing.tier}/{existing.priority}; give points their own 'period' instead",
                    entry=index,
                )
            merged[group.key] = Benchmark(
                metric=existing.metric,
                tier=existing.tier,
                priority=existing.priority,
                unit=existing.unit,
                period=existing.period or group.period,
                points=existing.points + group.points,
                notes=existing.notes or group.notes,
            )
    return BenchmarkLibrary(benchmarks=[merged[k] for k in order], files=[str(p) for p in paths])
