"""Period compliance: for a target and a period (week, calendar month, quarter or year of the financial year), the
achieved value against the goal, so far and at the end.

* Availability is counted within the target's service hours: the share of the period's open time (so far) in
  which the service was not down. A degraded service is up (it is recorded, not counted); overlapping outages
  count once. The error budget is the downtime the goal allows over the whole period's open time.
* Ticket targets: the share of tickets whose clock ended within the target (a ticket still running without a
  breach is not counted yet; one already breached counts as missed).
* Metric targets: the share of samples at or under the threshold.

Pure logic: no database.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.calendars import BusinessCalendar

UTC = timezone.utc
PERIOD_WORDS = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}
_TIME_UNITS = {"ms": Decimal("0.001"), "s": Decimal(1), "min": Decimal(60), "h": Decimal(3600)}


@dataclass(frozen=True)
class Period:
    kind: str        # weekly / monthly / quarterly / yearly
    start: datetime  # local midnight of its first day, as UTC
    end: datetime    # local midnight after its last day, as UTC
    label: str       # "Dec 2026", "Q3 2026/27 (Oct-Dec)", "FY 2026/27", "week of 7 Dec 2026"

    @property
    def word(self) -> str:
        return PERIOD_WORDS.get(self.kind, self.kind)

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def period_of(kind: str, at: datetime, tz: str = "UTC", fy_start_month: int = 1) -> Period:
    """The period of this kind that ``at`` falls in, in the zone ``tz``. Quarters and years follow the financial
    year, which starts on the first of ``fy_start_month``."""
    zone = ZoneInfo(tz)
    day = at.astimezone(zone).date()
    if kind == "weekly":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
        label = f"week of {first.day} {first:%b %Y}"
    elif kind == "monthly":
        first = day.replace(day=1)
        last = _add_months(first, 1)
        label = f"{first:%b %Y}"
    elif kind in ("quarterly", "yearly"):
        fy_first = date(day.year if day.month >= fy_start_month else day.year - 1, fy_start_month, 1)
        fy_name = str(fy_first.year) if fy_start_month == 1 else f"{fy_first.year}/{(fy_first.year + 1) % 100:02d}"
        if kind == "yearly":
            first, last, label = fy_first, _add_months(fy_first, 12), f"FY {fy_name}"
        else:
            months_in = (day.year - fy_first.year) * 12 + day.month - fy_first.month
            first = _add_months(fy_first, months_in // 3 * 3)
            last = _add_months(first, 3)
            label = f"Q{months_in // 3 + 1} {fy_name} ({first:%b}-{_add_months(first, 2):%b})"
    else:
        raise ValueError(f"unknown period {kind!r}")
    return Period(kind, _midnight(first, zone), _midnight(last, zone), label)


def previous(period: Period, tz: str = "UTC", fy_start_month: int = 1, count: int = 3) -> list[Period]:
    """The ``count`` periods before this one, oldest first."""
    out = []
    cursor = period
    for _ in range(count):
        cursor = period_of(cursor.kind, cursor.start - timedelta(seconds=1), tz, fy_start_month)
        out.append(cursor)
    return out[::-1]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


# ---- availability ------------------------------------------------------------------------------------------------------
Window = tuple[datetime, datetime | None]  # an outage: start, end (None: still down)


@dataclass(frozen=True)
class Availability:
    period: Period
    goal: Decimal                 # percent
    open_so_far: timedelta        # service hours from the period's start to now
    open_total: timedelta         # service hours of the whole period
    down_so_far: timedelta        # within service hours
    ended: bool

    @property
    def achieved(self) -> Decimal | None:
        """Percent of the open time so far the service was up; None before any open time."""
        if self.open_so_far <= timedelta(0):
            return None
        return _percent(1 - _ratio(self.down_so_far, self.open_so_far))

    @property
    def at_best(self) -> Decimal | None:
        """What the period ends at if nothing more goes down."""
        if self.open_total <= timedelta(0):
            return None
        return _percent(1 - _ratio(self.down_so_far, self.open_total))

    @property
    def budget(self) -> timedelta:
        """The downtime the goal allows over the whole period's service hours."""
        return self.open_total * float((100 - self.goal) / 100)

    @property
    def budget_used_percent(self) -> float:
        if self.budget <= timedelta(0):
            return 100.0 if self.down_so_far > timedelta(0) else 0.0
        return round(100 * (self.down_so_far / self.budget), 2)

    @property
    def met(self) -> bool | None:
        """Met or missed once the period is over, or once the budget is gone; None while it can still go either way."""
        if self.budget_used_percent > 100:
            return False
        return True if self.ended else None


def downtime(calendar: BusinessCalendar, outages: Iterable[Window], start: datetime, end: datetime) -> timedelta:
    """Down time within the calendar's open hours in [start, end); overlapping outages count once."""
    spans = sorted((max(s, start), min(e or end, end)) for s, e in outages)
    merged: list[list[datetime]] = []
    for s, e in spans:
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return sum((calendar.business_time_between(s, e) for s, e in merged), timedelta())


def availability(calendar: BusinessCalendar, outages: Sequence[Window], goal: Decimal, period: Period,
                 now: datetime, excluded: Sequence[tuple[datetime, datetime, str]] = ()) -> Availability:
    """``excluded``: maintenance windows and agreed exclusions (bot.measurements.exclusions): their downtime is not
    counted, and their open time is taken out of the period's length too."""
    so_far_end = min(max(now, period.start), period.end)
    spans = [(s, e) for s, e, _ in excluded]
    return Availability(period=period, goal=goal,
                        open_so_far=calendar.business_time_between(period.start, so_far_end)
                        - downtime(calendar, spans, period.start, so_far_end),
                        open_total=calendar.business_time_between(period.start, period.end)
                        - downtime(calendar, spans, period.start, period.end),
                        down_so_far=downtime(calendar, without(outages, spans), period.start, so_far_end),
                        ended=now >= period.end)


def without(outages: Iterable[Window], spans: Sequence[tuple[datetime, datetime]]) -> list[Window]:
    """The outages with the parts inside ``spans`` cut out (an open outage stays open after the last span)."""
    out: list[Window] = list(outages)
    for a, b in spans:
        cut: list[Window] = []
        for s, e in out:
            if (e is not None and e <= a) or s >= b:
                cut.append((s, e))
                continue
            if s < a:
                cut.append((s, a))
            if e is None or e > b:
                cut.append((b, e))
        out = cut
    return out


# ---- tickets and metrics -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Share:
    """How many of the counted things met the target."""

    met: int
    counted: int
    goal: Decimal | None

    @property
    def achieved(self) -> Decimal | None:
        return _percent(Decimal(self.met) / self.counted) if self.counted else None

    @property
    def below_goal(self) -> bool:
        return self.achieved is not None and self.goal is not None and self.achieved < self.goal


def ticket_share(outcomes: Iterable[bool | None], goal: Decimal | None) -> Share:
    """From each ticket's clock: met (True), missed (False) or still running (None, not counted yet)."""
    counted = [o for o in outcomes if o is not None]
    return Share(sum(counted), len(counted), goal)


def in_threshold_unit(value: float, unit: str, threshold_unit: str) -> Decimal | None:
    """A sample's value in the threshold's unit: as is for the same (or no) unit, converted between time units,
    None when the units cannot be compared."""
    value_ = Decimal(str(value))
    if not unit or unit == threshold_unit:
        return value_
    if unit in _TIME_UNITS and threshold_unit in _TIME_UNITS:
        return value_ * _TIME_UNITS[unit] / _TIME_UNITS[threshold_unit]
    return None


def metric_share(samples: Iterable[tuple[float, str]], threshold_value: Decimal, threshold_unit: str,
                 goal: Decimal | None) -> Share:
    values = [v for value, unit in samples if (v := in_threshold_unit(value, unit, threshold_unit)) is not None]
    return Share(sum(1 for v in values if v <= threshold_value), len(values), goal if goal is not None else Decimal(100))


def _ratio(a: timedelta, b: timedelta) -> Decimal:
    return Decimal(a.total_seconds()) / Decimal(b.total_seconds())


def _percent(fraction: Decimal) -> Decimal:
    return (fraction * 100).quantize(Decimal("0.001"))
