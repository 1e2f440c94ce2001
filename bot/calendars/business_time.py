"""Business time: when a clock runs, and when a target falls due.

A :class:`BusinessCalendar` is a weekly pattern of working windows (wall-clock time
in one zone, from :class:`~bot.parsing.ServiceHours`) minus the public
holidays of a country (from the ``holidays`` package) and the organisation's
own closure days. It answers four questions:

* is the service open at an instant (:meth:`BusinessCalendar.is_open`),
* which stretches of a period are open (:meth:`BusinessCalendar.open_intervals`) and
  how much open time lies between two instants
  (:meth:`BusinessCalendar.business_time_between`),
* when a target such as "4 business hours" falls due (:meth:`BusinessCalendar.deadline`),
* and (in :mod:`bot.calendars.gaps`) which of one calendar's hours
  another calendar leaves uncovered (a 9-5 supplier under a 24x7 SLA).

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

One module over the house's 400 lines on purpose: the day layout, the
per-calendar memory of days and the timeline of open time are one cohesive algorithm
(each deadline question walks all three), and reading it in one place is
what keeps the daylight-saving and holiday edge cases right.

Pure domain logic: standard library, ``zoneinfo``, ``holidays`` and
``bot.parsing`` only.
"""
from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.calendars.public_holidays import holiday_language, holidays_in
from bot.parsing import Duration, ServiceHours

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
# BusinessCalendar
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCalendar:
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
            raise TypeError(f"BusinessCalendar.hours must be ServiceHours, got {type(self.hours).__name__}")
        country = (self.holidays_country or "").strip().upper() or None
        subdiv = (self.holidays_subdiv or "").strip() or None
        if subdiv and not country:
            raise ValueError(f"holiday subdivision {subdiv!r} needs a holiday country")
        if country:
            holiday_language(country, subdiv)  # validates both codes
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
            holiday = holidays_in(self.holidays_country, self.holidays_subdiv, day.year).get(day)
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


CALENDAR_24X7_UTC = BusinessCalendar(ServiceHours("UTC", tuple((d, time(0, 0), None) for d in range(7))),
                                     name="24x7 UTC")
