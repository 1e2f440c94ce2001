"""Service-hours calendars: when a clock runs, and when a target falls due.

A :class:`Calendar` is a weekly pattern of working windows (wall-clock time
in one zone, from :class:`~bot.parsing.ServiceHours`) minus the public
holidays of a country (from the ``holidays`` package) and the organisation's
own closure days. It answers four questions:

* is the service open at an instant (:meth:`Calendar.is_open`),
* which stretches of a period are open (:meth:`Calendar.open_intervals`) and
  how much open time lies between two instants
  (:meth:`Calendar.business_time_between`),
* when a target such as "4 business hours" falls due (:meth:`Calendar.deadline`),
* and, with :func:`uncovered`, which of one calendar's hours another
  calendar leaves uncovered (a 9-5 supplier under a 24x7 SLA).

Conventions:

* Every instant is timezone-aware; a naive datetime raises ``ValueError``
  because it does not name a single instant. Results are in UTC.
* Windows are local wall-clock time, so "09:00-17:00 Europe/London" follows
  GMT and BST. On the spring-forward day a window edge that falls in the
  skipped hour is taken as the moment the clocks jump; on the fall-back day a
  window edge in the repeated hour is taken at its first occurrence.
* Work is done day by day (never minute by minute), with each calendar
  remembering the open intervals of the days it has already worked out,
  and laying them out end to end with their running total of open time
  for business-minute deadlines, which are then two binary searches.

Pure domain logic: standard library, ``zoneinfo``, ``holidays`` and
``bot.parsing`` only.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from bot.parsing import Duration, ServiceHours, format_days, merge_spans

__all__ = ["Calendar", "CALENDAR_24X7_UTC", "Uncovered", "uncovered"]

UTC = timezone.utc
_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_FULL_DAY = 24 * 60
# A calendar with no open time for this many days in a row is treated as
# never opening, so a deadline search ends with an error instead of looping
# forever (weekly windows plus a few holidays never come close to this).
_MAX_CLOSED_RUN = 400
# Per-calendar memory of worked-out days; cleared when full, which keeps a
# long-running bot's memory bounded while back-to-back checks stay fast.
_DAY_CACHE_LIMIT = 4096
# Business-minute deadlines are answered from a timeline of open intervals laid out this many days at a time,
# started afresh (bounding memory) when it grows past the limit or a question comes from before its first day.
_TIMELINE_CHUNK_DAYS = 120
_TIMELINE_MAX_DAYS = 3 * 366

Interval = tuple[datetime, datetime]


def _utc(dt: datetime, what: str = "datetime") -> datetime:
    """``dt`` as UTC, refusing naive datetimes (they name no single instant)."""
    if type(dt) is datetime and dt.tzinfo is UTC:  # already UTC (what the check passes, many thousand times)
        return dt
    if not isinstance(dt, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {dt!r}")
    return dt.astimezone(UTC)


# --------------------------------------------------------------------------
# Public holidays
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _holiday_language(country: str, subdiv: str | None) -> str | None:
    """An English name list for the country, if the package has one.

    Reasons are read by English-speaking service managers, so "Christmas
    Day" beats "Noël"; countries without English names keep their default.
    Raises ValueError for a country or subdivision the package does not know.
    """
    try:
        entity = holidays_lib.country_holidays(country, subdiv=subdiv, years=())
    except NotImplementedError as exc:
        if subdiv is not None and "subdivision" in str(exc).lower():
            raise ValueError(
                f"unknown holiday subdivision {subdiv!r} for {country}; "
                f"use a code such as ENG for GB or CA for US"
            ) from None
        raise ValueError(
            f"unknown holiday country {country!r}; use an ISO 3166 code such as GB, FR, US or IN"
        ) from None
    languages = getattr(entity, "supported_languages", ()) or ()
    for preferred in ("en_GB", "en_US", "en_IN"):
        if preferred in languages:
            return preferred
    return None


@functools.lru_cache(maxsize=1024)
def _holidays_in(country: str, subdiv: str | None, year: int) -> dict[date, str]:
    """Public holidays of one year as a plain dict (cached per country, subdivision, year)."""
    language = _holiday_language(country, subdiv)
    # Neighbouring years too: a holiday observed on 31 Dec may belong to the next year's list.
    entity = holidays_lib.country_holidays(
        country, subdiv=subdiv, years=(year - 1, year, year + 1), language=language
    )
    # A plain dict: the package's own object silently adds years on lookup.
    return {day: name for day, name in entity.items() if day.year == year}


# --------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """Service hours in one zone, minus public holidays and closure days.

    ``holidays_country``/``holidays_subdiv`` are codes for the ``holidays``
    package ("GB"/"ENG", "US"/"CA", "IN"); an unknown code raises ValueError.
    ``closures`` are whole local days on which the organisation is closed.
    """

    hours: ServiceHours  # weekly working windows, in hours.tz
    holidays_country: str | None = None  # ISO code for the `holidays` package, e.g. "GB", "FR", "US", "IN"
    holidays_subdiv: str | None = None  # e.g. "ENG", "CA"
    closures: frozenset[date] = frozenset()  # the organisation's own closure days (whole local days)
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.hours, ServiceHours):
            raise TypeError(f"Calendar.hours must be ServiceHours, got {type(self.hours).__name__}")
        country = (self.holidays_country or "").strip().upper() or None
        subdiv = (self.holidays_subdiv or "").strip() or None
        if subdiv and not country:
            raise ValueError(f"holiday subdivision {subdiv!r} needs a holiday country")
        if country:
            _holiday_language(country, subdiv)  # validates both codes
        closures = frozenset(self.closures)
        for day in closures:
            # datetime is a subclass of date, but a closure is a whole local day.
            if isinstance(day, datetime) or not isinstance(day, date):
                raise ValueError(f"closures must be dates, got {day!r}")
        spans: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for weekday, start, end in self.hours.windows:
            spans[weekday].append(
                (start.hour * 60 + start.minute, _FULL_DAY if end is None else end.hour * 60 + end.minute)
            )
        object.__setattr__(self, "holidays_country", country)
        object.__setattr__(self, "holidays_subdiv", subdiv)
        object.__setattr__(self, "closures", closures)
        # Private helpers, not dataclass fields: equality and hashing ignore them.
        object.__setattr__(self, "_zone", ZoneInfo(self.hours.tz))
        object.__setattr__(self, "_spans", tuple(tuple(s) for s in spans))
        object.__setattr__(self, "_day_cache", {})
        object.__setattr__(self, "_timeline", None)

    @property
    def tz(self) -> str:
        """The IANA zone the windows are written in."""
        return self.hours.tz

    def __str__(self) -> str:
        return self.name or str(self.hours)

    # --- days -------------------------------------------------------------

    def closed_reason(self, day: date) -> str | None:
        """Why the whole local ``day`` is closed: "public holiday: <name>", "closure", or None."""
        if self.holidays_country:
            holiday = _holidays_in(self.holidays_country, self.holidays_subdiv, day.year).get(day)
            if holiday:
                return f"public holiday: {holiday}"
        if day in self.closures:
            return "closure"
        return None

    def closed_days(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays and closures on the local dates [start, end], with their reasons."""
        out = []
        day = start
        while day <= end:
            reason = self.closed_reason(day)
            if reason:
                out.append((day, reason))
            day += _DAY
        return out

    def _wall_to_utc(self, wall: datetime) -> datetime:
        """The instant of a naive local wall-clock time (see the module notes on DST)."""
        first = wall.replace(tzinfo=self._zone, fold=0)  # fold=0: first of a repeated time
        instant = first.astimezone(UTC)
        if instant.astimezone(self._zone).replace(tzinfo=None) == wall:
            return instant
        # The wall time was skipped by a spring-forward jump: use the jump
        # itself, found by bisection between the instants either side of it.
        before = wall.replace(tzinfo=self._zone, fold=1).astimezone(UTC)
        after_offset = instant.astimezone(self._zone).utcoffset()
        lo, hi = min(before, instant), max(before, instant)
        while hi - lo > _SECOND:
            mid = lo + (hi - lo) / 2
            if mid.astimezone(self._zone).utcoffset() == after_offset:
                hi = mid
            else:
                lo = mid
        return hi.replace(microsecond=0)

    def _local_minute(self, day: date, minute: int) -> datetime:
        """UTC instant of ``minute`` minutes after local midnight of ``day`` (1440 = next midnight)."""
        extra, minute = divmod(minute, _FULL_DAY)
        day = day + timedelta(days=extra)
        return self._wall_to_utc(datetime(day.year, day.month, day.day, minute // 60, minute % 60))

    def _day_intervals(self, day: date) -> tuple[Interval, ...]:
        """The open intervals (UTC) of one local day; empty on holidays and closures."""
        cache: dict[date, tuple[Interval, ...]] = self._day_cache  # type: ignore[attr-defined]
        found = cache.get(day)
        if found is not None:
            return found
        out: list[Interval] = []
        spans = self._spans[day.weekday()]  # type: ignore[attr-defined]
        if spans and self.closed_reason(day) is None:
            for s, e in spans:
                a, b = self._local_minute(day, s), self._local_minute(day, e)
                if a < b:
                    out.append((a, b))
        if len(cache) >= _DAY_CACHE_LIMIT:
            cache.clear()
        cache[day] = result = tuple(out)
        return result

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self._zone).date()  # type: ignore[attr-defined]

    def _intervals_from(self, at: datetime) -> Iterator[Interval]:
        """Open intervals ending after ``at`` (UTC), in order, one local day at a time.

        Touching intervals of consecutive days are not merged, so the
        iterator never stalls on a 24x7 calendar.
        """
        # Intervals of a local day lie inside that day, so nothing before
        # the local date of ``at`` can end after it.
        day = self._local_date(at)
        closed_run = 0
        while True:
            intervals = self._day_intervals(day)
            if intervals:
                closed_run = 0
            else:
                closed_run += 1
                if closed_run > _MAX_CLOSED_RUN:
                    raise ValueError(f"calendar {self} has no open time for over a year after {day - closed_run * _DAY}")
            for a, b in intervals:
                if b > at:
                    yield a, b
            day += _DAY

    # --- instants and periods ------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Whether the service is open at the aware instant ``at``."""
        instant = _utc(at, "at")
        return any(a <= instant < b for a, b in self._day_intervals(self._local_date(instant)))

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself if open, else the next opening (UTC)."""
        instant = _utc(at, "at")
        a, _ = next(self._intervals_from(instant))
        return max(a, instant)

    def open_intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """The open stretches within [start, end), in UTC: sorted, disjoint, touching ones merged."""
        s, e = _utc(start, "start"), _utc(end, "end")
        out: list[Interval] = []
        if e <= s:
            return out
        day, last = self._local_date(s), self._local_date(e)
        while day <= last:
            for a, b in self._day_intervals(day):
                a, b = max(a, s), min(b, e)
                if a >= b:
                    continue
                if out and out[-1][1] >= a:
                    out[-1] = (out[-1][0], max(out[-1][1], b))
                else:
                    out.append((a, b))
            day += _DAY
        return out

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time within [start, end); zero when ``end`` is not after ``start``."""
        return sum((b - a for a, b in self.open_intervals(start, end)), timedelta())

    def deadline(self, start: datetime, duration: Duration) -> datetime:
        """When a target of ``duration`` started at ``start`` falls due (UTC).

        * Clock time ("4h"): ``start`` plus the minutes, ignoring the calendar
          (a 24x7 clock), in real elapsed time across DST changes.
        * Business minutes ("4 business hours"): the instant at which that
          much open time has passed since ``start``; a clock started outside
          hours starts at the next opening, and a deadline landing exactly
          on a closing time is that closing time.
        * Business days ("2 business days"): the same local time of day N
          open days later. Open days are days with some open time; a clock
          started outside hours starts at the next opening. When that time
          of day is not open on the target day, the deadline is the last
          open instant of that day before it (its closing time), or the
          day's first opening if the day opens later.
        """
        s = _utc(start, "start")
        if not isinstance(duration, Duration):
            raise TypeError(f"duration must be a Duration, got {type(duration).__name__}")
        if duration.business_days:
            return self._add_business_days(s, duration.business_days)
        if not duration.business:
            # Add in UTC: aware arithmetic in a local zone is wall-clock
            # arithmetic and would be an hour off across a DST change.
            return s + timedelta(minutes=duration.minutes)
        return self._business_deadline(s, timedelta(minutes=duration.minutes))[0]

    def deadline_piece(self, start: datetime, duration: Duration) -> tuple[datetime, object]:
        """:meth:`deadline`, and which piece of its map from start to deadline ``start`` lies on.

        Two starts whose pieces are equal, and every start between them, map alike: all by one shift (a clock
        duration; business minutes started open in one interval and due in one interval) or all to one instant
        (business minutes started while closed, before one opening). A business-days deadline makes no such
        promise: its piece is the start itself. The back-to-back check uses this to skip the tickets between two
        that map alike (see bot.backtoback_calc.tightest_ticket).
        """
        s = _utc(start, "start")
        if duration.business and not duration.business_days:
            return self._business_deadline(s, timedelta(minutes=duration.minutes))
        return self.deadline(s, duration), ("clock" if not duration.business else s)

    def _business_deadline(self, start: datetime, remaining: timedelta) -> tuple[datetime, object]:
        """The instant by which ``remaining`` open time has passed since ``start`` (UTC), by two binary searches,
        and its piece (see :meth:`deadline_piece`).

        The back-to-back check asks this tens of thousands of times over the same few months, so the open
        intervals are laid out once in a :class:`_Timeline` with their running total of open time, rather than
        walked day by day on every call. The answer is the one walking the intervals gives.
        """
        line = self._timeline_for(start)
        i = bisect.bisect_right(line.ends, start)  # the first interval still open after start
        while i >= len(line.ends):
            line = self._extend_timeline(line)
            i = bisect.bisect_right(line.ends, start, lo=i)
        a = max(line.starts[i], start)
        target = line.before[i] + (a - line.starts[i]) + remaining  # open time from the timeline's first day
        # The first interval whose end reaches the target; one ending exactly on it wins (a deadline on a
        # closing time is that closing time).
        j = bisect.bisect_left(line.before, target, lo=i + 1)
        while j >= len(line.before):
            line = self._extend_timeline(line)
            j = bisect.bisect_left(line.before, target, lo=i + 1)
        piece = (line.starts[i], start >= line.starts[i], line.starts[j - 1])  # started in, open or not, due in
        return line.starts[j - 1] + (target - line.before[j - 1]), piece

    def _timeline_for(self, instant: datetime) -> _Timeline:
        line: _Timeline | None = self._timeline  # type: ignore[attr-defined]
        if line is None or instant < line.begins or line.days > _TIMELINE_MAX_DAYS:
            day = self._local_date(instant)
            line = self._extend_timeline(_Timeline(day, self._local_minute(day, 0)))
        return line

    def _extend_timeline(self, line: _Timeline) -> _Timeline:
        """``line`` with more local days laid out, made this calendar's; stops with the same error as a walk would
        when the calendar never opens again. A new timeline, never changed once made: threads share calendars."""
        longer = _Timeline(line.first, line.begins, line.next_day, list(line.starts), list(line.ends),
                           list(line.before), line.closed_run)
        for _ in range(_TIMELINE_CHUNK_DAYS):
            intervals = self._day_intervals(longer.next_day)
            if intervals:
                longer.closed_run = 0
            else:
                longer.closed_run += 1
                if longer.closed_run > _MAX_CLOSED_RUN:
                    raise ValueError(f"calendar {self} has no open time for over a year after "
                                     f"{longer.next_day - longer.closed_run * _DAY}")
            for a, b in intervals:
                longer.starts.append(a)
                longer.ends.append(b)
                longer.before.append(longer.before[-1] + (b - a))
            longer.next_day += _DAY
        object.__setattr__(self, "_timeline", longer)
        return longer

    def _add_business_days(self, start: datetime, days: int) -> datetime:
        first = self.next_open(start)
        local = first.astimezone(self._zone)  # type: ignore[attr-defined]
        day, time_of_day = local.date(), local.time().replace(tzinfo=None, fold=0)
        counted = closed_run = 0
        while counted < days:
            day += _DAY
            if self._day_intervals(day):
                counted += 1
                closed_run = 0
            else:
                closed_run += 1
                if closed_run > _MAX_CLOSED_RUN:
                    raise ValueError(f"calendar {self} has no open time for over a year after {day - closed_run * _DAY}")
        intervals = self._day_intervals(day)
        target = self._wall_to_utc(datetime.combine(day, time_of_day))
        latest = intervals[0][0]  # the day's first opening when it opens after the target time
        for a, b in intervals:
            if a <= target < b:
                return target
            if b <= target:
                latest = b
        return latest


@dataclass
class _Timeline:
    """A calendar's open intervals (UTC) from one local day on, each with the open time before it.

    ``before`` has one more entry than the intervals: ``before[k]`` is the open time from ``first`` up to the
    start of interval ``k``, and its last entry the total, so a deadline is found by bisecting it.
    """

    first: date
    begins: datetime  # the first day's local midnight: nothing open before it is laid out
    next_day: date = None  # type: ignore[assignment]  # the first local day not laid out yet
    starts: list[datetime] = dataclasses.field(default_factory=list)
    ends: list[datetime] = dataclasses.field(default_factory=list)
    before: list[timedelta] = dataclasses.field(default_factory=lambda: [timedelta(0)])
    closed_run: int = 0  # closed days in a row at the end

    def __post_init__(self) -> None:
        if self.next_day is None:
            self.next_day = self.first

    @property
    def days(self) -> int:
        return (self.next_day - self.first).days


CALENDAR_24X7_UTC = Calendar(ServiceHours("UTC", tuple((d, time(0, 0), None) for d in range(7))), name="24x7 UTC")


# --------------------------------------------------------------------------
# Coverage of one calendar by another
# --------------------------------------------------------------------------

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
def uncovered(need: Calendar, have: Calendar, start: date, end: date) -> Uncovered:
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


def _local_dates(cal: Calendar, a: datetime, b: datetime) -> list[date]:
    """The local dates of ``cal`` that the interval [a, b) touches."""
    first, last = cal._local_date(a), cal._local_date(b - _SECOND)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _wall_spans(cal: Calendar, day: date, intervals: list[Interval]) -> Spans:
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
