"""A requirement beside comparable data: what public sources state for the same metric (bot.benchmarks)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot import parsing
from bot.benchmarks import BenchmarkLibrary
from models import Requirement


@dataclass
class Comparison:
    asked: str
    low: str
    typical: str
    high: str
    count: int
    metric: str


def _hours_per_week(hours: parsing.ServiceHours) -> Decimal:
    minutes = 0
    for _day, start, end in hours.windows:
        end_min = 24 * 60 if end is None else end.hour * 60 + end.minute
        minutes += end_min - (start.hour * 60 + start.minute)
    return Decimal(minutes) / 60


def _fmt_minutes(value: Decimal) -> str:
    return parsing.format_duration(parsing.Duration(minutes=max(1, int(value))))


def compare(library: BenchmarkLibrary, req: Requirement) -> Comparison | None:
    """The requirement beside what public sources state for the same metric, or None when they state nothing."""
    if req.metric == "availability":
        groups, fmt = library.find("availability"), (lambda v: parsing.format_percentage(Decimal(v).normalize()))
        asked = req.target
    elif req.metric in ("response_time", "resolution_time") and req.level:
        groups, fmt = library.find(req.metric, priority=req.level), _fmt_minutes
        asked = req.target
    elif req.metric == "support_hours" and req.target:
        groups = library.find("support_hours")
        fmt = lambda v: f"{Decimal(v).normalize():f}h a week"  # noqa: E731
        asked = f"{req.target} ({fmt(_hours_per_week(parsing.parse_service_hours(req.target)))})"
    else:
        return None
    values = sorted(p.value for g in groups for p in g.points)
    if not values or not asked:
        return None
    mid = len(values) // 2
    typical = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return Comparison(asked=asked, low=fmt(values[0]), typical=fmt(typical), high=fmt(values[-1]), count=len(values),
                      metric=req.metric)

