"""The words of the benchmark library: its metrics and their units, priorities, clocks, and what people call them."""
from __future__ import annotations

import re
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Mapping

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

#: What a value may be in each unit: (exclusive lower bound, inclusive upper bound).
VALUE_LIMITS: Mapping[str, tuple[Decimal, Decimal]] = MappingProxyType(
    {
        "percent": (Decimal(0), Decimal(100)),
        "minutes": (Decimal(0), Decimal(60 * 24 * 366)),
        "hours_per_week": (Decimal(0), Decimal(168)),
    }
)

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


def normalise_text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-]+", " ", text)).strip().casefold()


def resolve_metric(text: str | None) -> str | None:
    """Map a user's wording ("uptime", "first response", "fix time" ...) to a metric.

    Canonical names (``response_time``) and their spaced forms are accepted too.
    Returns ``None`` when the text names no known metric.
    """
    if not text or not isinstance(text, str):
        return None
    key = normalise_text(text)
    if key in metric_aliases:
        return metric_aliases[key]
    if key.replace(" ", "_") in METRICS:
        return key.replace(" ", "_")
    return None


def normalise_priority(value: Any) -> str | None:
    """"P1", "p1" or 1 as "P1"; None stays None; anything else is refused."""
    if value is None:
        return None
    text = str(value).strip().upper()
    if text in PRIORITIES:
        return text
    if text.isdigit() and f"P{text}" in PRIORITIES:
        return f"P{text}"
    raise ValueError(f"priority {value!r} is not one of {', '.join(PRIORITIES)} (or null)")
