"""Which of one calendar's open hours another calendar leaves uncovered (a 9-5 supplier under a 24x7 SLA).

The answer is a weekly pattern in words plus the dates beyond it, with their reasons.
It reads the calendars' own day layout (their private day and zone helpers), being
the one other part of the same algorithm.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.calendars.business_time import _DAY, _FULL_DAY, _SECOND, BusinessCalendar, Interval
from bot.parsing import format_days, merge_spans

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Spans = list[tuple[int, int]]  # minute spans of a local day, 0..1440


@dataclass(frozen=True)
class Uncovered:
    """The part of one calendar's hours that another calendar leaves uncovered.

    ``weekly`` is the recurring pattern, in ``tz`` (the needing calendar's
    zone), as (weekday, start, end) with end None for 24:00; ``dates`` are
    specific local dates with gaps beyond that pattern, with the reason.
    """

    weekly: tuple[tuple[int, time, time | None], ...] = ()
    dates: tuple[tuple[date, str], ...] = ()
    tz: str = "UTC"

    @property
    def is_empty(self) -> bool:
        return not self.weekly and not self.dates

    def describe(self, max_dates: int = 10) -> str:
        """Plain words, e.g. "Sat-Sun 00:00-24:00 and Mon-Fri 00:00-09:00, 17:00-24:00
        Europe/London; also 25 Dec 2026 (public holiday: Christmas Day)".

        At most ``max_dates`` dates are named, then "and N more days".
        """
        parts = []
        if self.weekly:
            by_day: dict[int, list[tuple[int, int]]] = {}
            for weekday, start, end in self.weekly:
                by_day.setdefault(weekday, []).append(
                    (start.hour * 60 + start.minute, _FULL_DAY if end is None else end.hour * 60 + end.minute)
                )
            groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
            for weekday in sorted(by_day):
                groups.setdefault(tuple(by_day[weekday]), []).append(weekday)
            # Whole days first: "Sat-Sun 00:00-24:00" is what a reader notices first.
            ordered = sorted(groups.items(), key=lambda g: (g[0] != ((0, _FULL_DAY),), g[1][0]))
            text = " and ".join(
                f"{_days_text(days)} " + ", ".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in spans)
                for spans, days in ordered
            )
            parts.append(f"{text} {self.tz}")
        if self.dates:
            named = [f"{_date_text(d)} ({reason})" if reason else _date_text(d) for d, reason in self.dates[:max_dates]]
            text = ", ".join(named)
            more = len(self.dates) - len(named)
            if more:
                text += f" and {more} more day{'s' if more != 1 else ''}"
            parts.append(("also " if self.weekly else "") + text)
        return "; ".join(parts) if parts else "nothing"

    def __str__(self) -> str:
        return self.describe()


@functools.lru_cache(maxsize=64)
def uncovered(need: BusinessCalendar, have: BusinessCalendar, start: date, end: date) -> Uncovered:
    """The times inside ``need``'s open hours, on its local dates [start, end], when ``have`` is closed.

    The weekly pattern is the union of the gaps found on each weekday of
    the range with both calendars' holidays and closures set aside, written
    in ``need``'s zone. When the two zones change clocks on different dates
    the pattern therefore names the widest gap of the range (e.g. 12:30-17:00
    where it is 13:30-17:00 in summer), never less than the truth. Dates
    whose real gaps go beyond the pattern (a supplier holiday, a closure)
    are listed with ``have``'s reason, prefixed by its name when it has one
    ("Carrier X's public holiday: Diwali").

    Remembered (calendars are immutable values): the legs of an SLA's targets mostly share a few calendars,
    and the answer for a year's term costs a walk over every day of it.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    plain_need = dataclasses.replace(need, holidays_country=None, holidays_subdiv=None, closures=frozenset())
    plain_have = dataclasses.replace(have, holidays_country=None, holidays_subdiv=None, closures=frozenset())
    span = (need._local_minute(start, 0), need._local_minute(end, _FULL_DAY))
    have_open = _Cover(have.open_intervals(*span))
    plain_open = _Cover(plain_have.open_intervals(*span))

    weekly: dict[int, Spans] = {}
    day_gaps: list[tuple[date, list[Interval], list[Interval]]] = []
    day = start
    while day <= end:
        usual = [g for a, b in plain_need._day_intervals(day) for g in plain_open.gaps(a, b)]
        if usual:
            weekly[day.weekday()] = merge_spans(weekly.get(day.weekday(), []) + _wall_spans(need, day, usual))
        real = [g for a, b in need._day_intervals(day) for g in have_open.gaps(a, b)]
        if real:
            day_gaps.append((day, real, usual))
        day += _DAY

    dates: list[tuple[date, str]] = []
    for day, real, usual in day_gaps:
        if not _minus(_wall_spans(need, day, real), weekly.get(day.weekday(), [])):
            continue
        # Blame the days of ``have`` on which the extra gaps fall.
        extra = [g for a, b in real for g in _Cover(usual).gaps(a, b)] or real
        reasons = dict.fromkeys(
            r for a, b in extra for d in _local_dates(have, a, b) if (r := have.closed_reason(d))
        )
        reason = "; ".join(reasons)
        if reason and have.name:
            reason = f"{have.name}'s {reason}"
        dates.append((day, reason))

    return Uncovered(
        weekly=tuple(
            (wd, time(s // 60, s % 60), None if e == _FULL_DAY else time(e // 60, e % 60))
            for wd in sorted(weekly)
            for s, e in weekly[wd]
        ),
        dates=tuple(dates),
        tz=need.tz,
    )


class _Cover:
    """Sorted, disjoint UTC intervals, answering "what of [a, b) is outside them"."""

    def __init__(self, intervals: list[Interval]) -> None:
        self.intervals = intervals
        self.starts = [a for a, _ in intervals]

    def gaps(self, a: datetime, b: datetime) -> list[Interval]:
        out = []
        cur = a
        i = max(bisect.bisect_right(self.starts, a) - 1, 0)
        for ca, cb in self.intervals[i:]:
            if ca >= b:
                break
            if cb <= cur:
                continue
            if ca > cur:
                out.append((cur, ca))
            cur = max(cur, cb)
            if cur >= b:
                break
        if cur < b:
            out.append((cur, b))
        return out


def _local_dates(cal: BusinessCalendar, a: datetime, b: datetime) -> list[date]:
    """The local dates of ``cal`` that the interval [a, b) touches."""
    first, last = cal._local_date(a), cal._local_date(b - _SECOND)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _wall_spans(cal: BusinessCalendar, day: date, intervals: list[Interval]) -> Spans:
    """UTC intervals within local ``day`` as wall-clock minute spans of that day."""
    zone = cal._zone  # type: ignore[attr-defined]

    def minute(t: datetime) -> int:
        local = t.astimezone(zone)
        return min(max((local.date() - day).days * _FULL_DAY + local.hour * 60 + local.minute, 0), _FULL_DAY)

    spans = []
    for a, b in intervals:
        s, e = minute(a), minute(b)
        if e <= s:  # an interval inside the repeated hour of a fall-back day
            e = min(s + max(int((b - a).total_seconds()) // 60, 1), _FULL_DAY)
        if s < e:
            spans.append((s, e))
    return merge_spans(spans)


def _minus(spans: Spans, cover: Spans) -> Spans:
    """The parts of ``spans`` outside ``cover`` (both merged minute spans)."""
    out: Spans = []
    for s, e in spans:
        cur = s
        for cs, ce in cover:
            if ce <= cur or cs >= e:
                continue
            if cs > cur:
                out.append((cur, cs))
            cur = max(cur, ce)
        if cur < e:
            out.append((cur, e))
    return out


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _days_text(days: list[int]) -> str:
    """Sorted weekdays as runs: [0, 1, 2, 4] -> "Mon-Wed, Fri"."""
    return format_days(days)


def _date_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
