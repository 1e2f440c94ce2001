"""The calculations behind the back-to-back rules in :mod:`bot.cover.rules`.

Kept apart from the rules and their wording so each can be read on its own:
which ticket start instants to simulate, when a chain of legs finishes, the
availability of legs in series and in parallel, and which metric units
convert into one another. Plain values in, plain values out.

Pure domain logic: standard library, ``zoneinfo``, numpy (the simulation of every sampled ticket at once),
``bot.calendars`` and ``bot.parsing`` only.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

from bot.calendars import BusinessCalendar, deadline_arrays
from bot.parsing import Duration

__all__ = ["sample_starts", "chain_finish", "tightest_ticket", "combined_availability", "unit_basis"]

UTC = timezone.utc
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --------------------------------------------------------------------------
# Ticket clocks
# --------------------------------------------------------------------------


def sample_starts(
    sla_calendar: BusinessCalendar, first: date, last: date, calendars: Sequence[BusinessCalendar], weeks: int, step: timedelta
) -> list[datetime]:
    """Start instants (UTC, sorted; an immutable `Samples`) at which to simulate a ticket over the term [first, last]:
    see _sample_starts.

    Remembered for the last few sets of calendars, since every target of an SLA whose legs share calendars
    samples the same instants (calendars are immutable values, so equal ones give equal samples).
    """
    return _sample_starts(sla_calendar, first, last, tuple(calendars), weeks, step)


@functools.lru_cache(maxsize=64)
def _sample_starts(
    sla_calendar: BusinessCalendar, first: date, last: date, calendars: tuple[BusinessCalendar, ...], weeks: int, step: timedelta
) -> Samples:
    """Start instants (UTC, sorted) at which to simulate a ticket over the term [first, last].

    Every ``step`` over the first ``weeks`` weeks of the term (at least one)
    and over the seven days up to and including each holiday or closure of
    any calendar and each clock change of any of their zones inside the
    term; plus one minute either side of every opening and closing in those
    days, where the worst cases sit (a ticket raised at 16:59). Days are
    the SLA calendar's local dates.
    """
    involved = list(dict.fromkeys([sla_calendar, *calendars]))
    windows = [(first, first + timedelta(days=7 * max(weeks, 1) - 1))]
    special = {day for cal in involved for day, _ in cal.closed_days(first, last)}
    special |= {day for zone in {cal.tz for cal in involved} for day in _clock_changes(zone, first, last)}
    # The week before a special day matters as much as the day itself: a
    # ticket raised on the Thursday before Good Friday runs into it.
    windows += [(day - timedelta(days=6), day) for day in special]
    windows = _merge_dates([(max(a, first), min(b, last)) for a, b in windows])

    zone = ZoneInfo(sla_calendar.tz)
    samples: set[datetime] = set()
    for a, b in windows:
        begin = datetime.combine(a, time(), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(b + _ONE_DAY, time(), tzinfo=zone).astimezone(UTC)
        t = begin
        while t < end:
            samples.add(t)
            t += step
        for cal in involved:
            for opens, closes in cal.open_intervals(begin, end):
                edges = (opens - _ONE_MINUTE, opens, closes - _ONE_MINUTE, closes)
                samples.update(x for x in edges if begin <= x < end)
    found = Samples(sorted(samples))
    found.seconds = deadline_arrays.to_seconds(found)
    return found


def _clock_changes(zone_name: str, first: date, last: date) -> list[date]:
    """Local dates in [first, last] on which the zone's UTC offset differs from the day before."""
    zone = ZoneInfo(zone_name)
    out = []
    day = first
    offset = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
    while day < last:
        day += _ONE_DAY
        new = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        if new != offset:
            out.append(day)
            offset = new
    return out


def _merge_dates(windows: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Union of inclusive date ranges; empty ranges dropped, adjacent ones joined."""
    out: list[tuple[date, date]] = []
    for a, b in sorted(w for w in windows if w[0] <= w[1]):
        if out and a <= out[-1][1] + _ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def chain_finish(
    start: datetime,
    stages: Sequence[Sequence[tuple[BusinessCalendar, Duration]]],
    handoff: Duration,
    handoff_calendar: BusinessCalendar,
) -> tuple[datetime, list[int]]:
    """When a ticket raised at ``start`` leaves the last stage, and the slowest leg of each stage.

    Stages run one after another with ``handoff`` between consecutive
    stages (counted in ``handoff_calendar``: plain minutes for a clock
    hand-off); the legs of a stage, each a (calendar, duration), start
    together and the stage ends when the slowest one does.
    """
    now, slowest = start, []
    for i, stage in enumerate(stages):
        if i:
            now = handoff_calendar.deadline(now, handoff)
        ends = [cal.deadline(now, duration) for cal, duration in stage]
        now = max(ends)
        slowest.append(ends.index(now))
    return now, slowest


def tightest_ticket(
    samples: Sequence[datetime],
    sla_calendar: BusinessCalendar,
    sla_duration: Duration,
    stages: Sequence[Sequence[tuple[BusinessCalendar, Duration]]],
    handoff: Duration,
) -> tuple[timedelta, datetime, datetime, datetime, list[int]]:
    """Of tickets raised at ``samples`` (sorted), the one with least time to spare: (spare, start, due, finish,
    slowest leg of each stage); of equally tight ones, the earliest.

    Every sample is simulated, all at once: each step (the SLA's deadline, each leg's, each hand-off, counted in
    the SLA's calendar) is one vectorised `deadlines` over every start (bot.calendars.deadline_arrays), which costs
    what a few dozen single deadlines do. tests/unit/test_backtoback_calc.py holds it to simulating them one by one
    (and to main's method, which simulated only the ends of runs that map alike).
    """
    import numpy as np

    assert len(samples), "no samples"
    starts = getattr(samples, "seconds", None)
    if starts is None:
        starts = deadline_arrays.to_seconds(samples)
    due = deadline_arrays.deadlines(sla_calendar, starts, sla_duration)
    now, slowest = starts, []
    for i, stage in enumerate(stages):
        if i:
            now = deadline_arrays.deadlines(sla_calendar, now, handoff)
        ends = np.stack([deadline_arrays.deadlines(cal, now, duration) for cal, duration in stage])
        slowest.append(ends.argmax(axis=0))  # the first of equally slow legs, as list.index(max) names it
        now = ends.max(axis=0)
    spare = due - now
    k = int(spare.argmin())  # the first of equally tight tickets: the earliest (samples are sorted)
    return (timedelta(seconds=int(spare[k])), samples[k], _instant(due[k]), _instant(now[k]),
            [int(s[k]) for s in slowest])


def _instant(seconds) -> datetime:
    return _EPOCH + timedelta(seconds=int(seconds))


class Samples(tuple):
    """Sorted UTC start instants, with the same as int64 seconds (``seconds``) for the vectorised simulation."""

    seconds: object


# --------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------


def combined_availability(stages: Sequence[Sequence[Decimal]]) -> Decimal:
    """Availability (percent) of stages in series, each stage's legs redundant.

    Series stages multiply; a stage of redundant legs is down only when all
    of them are, so it is 1 - Π(1 - a). Exact Decimal arithmetic.
    """
    with localcontext() as ctx:
        ctx.prec = 60  # plenty for products of a few 4-decimal percentages: nothing is rounded
        total = Decimal(1)
        for stage in stages:
            down = Decimal(1)
            for percent in stage:
                down *= 1 - percent / 100
            total *= 1 - down
        return total * 100


# --------------------------------------------------------------------------
# Metric units
# --------------------------------------------------------------------------

# Units that convert into one another: (dimension, factor to the base unit).
# The spellings are parse_quantity's canonical ones; any other unit
# ("tickets", "%") compares only with itself.
_UNITS: dict[str, tuple[str, Decimal]] = {
    "ms": ("time", Decimal("0.001")), "s": ("time", Decimal(1)),
    "min": ("time", Decimal(60)), "h": ("time", Decimal(3600)),
    "KB": ("bytes", Decimal(10) ** 3), "MB": ("bytes", Decimal(10) ** 6),
    "GB": ("bytes", Decimal(10) ** 9), "TB": ("bytes", Decimal(10) ** 12), "PB": ("bytes", Decimal(10) ** 15),
    "KiB": ("bytes", Decimal(2) ** 10), "MiB": ("bytes", Decimal(2) ** 20),
    "GiB": ("bytes", Decimal(2) ** 30), "TiB": ("bytes", Decimal(2) ** 40),
    "kbps": ("bits/s", Decimal(10) ** 3), "Mbps": ("bits/s", Decimal(10) ** 6), "Gbps": ("bits/s", Decimal(10) ** 9),
}


def unit_basis(unit: str) -> tuple[tuple[str, ...], Decimal]:
    """A unit's dimensions and its factor to base units.

    "1500 ms" and "2 s" share the dimensions ("time",) with factors 0.001
    and 1; "requests/min" is (("requests", "time"), 1/60), so it compares
    with "requests/s". Values compare after multiplying by the factor.
    """
    dims, factor = [], Decimal(1)
    for i, part in enumerate(unit.split("/")):
        dim, f = _UNITS.get(part, (part, Decimal(1)))
        dims.append(dim)
        factor = factor * f if i == 0 else factor / f
    return tuple(dims), factor
