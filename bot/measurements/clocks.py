"""A ticket's response or resolution clock, computed from its events in the target's business calendar.

The clock runs from the ticket's opening until it is stopped: the response clock by the first response (or a
resolution without one), the resolution clock by the resolution. While it runs it counts only open time of the
target's calendar (a clock-time target such as "4h" counts every minute, 24x7); a pause ("awaiting customer")
stops it until it is resumed, and a reopened ticket resumes its resolution clock from where it stopped.

The result is explained: a timeline of segments, each counted or not and why (outside hours, a public holiday,
a closure, paused for a reason, stopped), so `/slm clock` can show a person how the figure came about. Nothing is
stored: a corrected event, a changed calendar or target simply computes the clock again.

Pure logic: no database, no Slack. Events come in as plain values (:class:`ClockEvent`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.calendars import BusinessCalendar
from bot.parsing import Duration
from bot.measurements.states import Level

UTC = timezone.utc
_LOOKAHEAD = timedelta(days=14)  # open time is read a fortnight at a time when projecting a due time
_MAX_LOOKAHEAD = timedelta(days=800)


class ClockKind(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


# Event kinds, as models.measurements.TicketEventKind spells them (kept as strings: this module reads no models).
OPENED, RESPONDED, ASSIGNED, PAUSED, RESUMED, RESOLVED, REOPENED = (
    "opened", "responded", "assigned", "paused", "resumed", "resolved", "reopened")
# Events at the same instant are taken in this order: a ticket opened and answered at once has answered it in 0s.
_SAME_INSTANT_ORDER = {OPENED: 0, REOPENED: 1, RESUMED: 2, ASSIGNED: 3, RESPONDED: 4, PAUSED: 5, RESOLVED: 6}


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    at: datetime
    reason: str | None = None  # why paused
    revision: int = 1          # above 1: the sender corrected this event


@dataclass(frozen=True)
class Segment:
    """A stretch of the ticket's life, counted towards the clock or not, and why."""

    start: datetime
    end: datetime
    counted: bool
    why: str  # "business hours", "24x7 clock", "outside hours", "public holiday: Christmas Day", "closure",
    #           "paused: awaiting customer", "stopped: resolved", "stopped: responded"

    @property
    def length(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Clock:
    kind: ClockKind
    started_at: datetime
    allowed: timedelta           # the target's duration, as time the clock counts
    used: timedelta              # counted so far (until now, or until it stopped)
    warning_percent: int
    warned_at: datetime | None   # when it crossed the warning level
    breached_at: datetime | None  # when it crossed 100%
    stopped_at: datetime | None  # responded / resolved (and not reopened): the clock no longer moves
    paused: bool                 # paused now
    due_at: datetime | None      # when it breaches if it runs on from now unpaused; None once stopped or breached
    segments: tuple[Segment, ...]

    @property
    def remaining(self) -> timedelta:
        """Left before the breach; negative: over by."""
        return self.allowed - self.used

    @property
    def percent_used(self) -> float:
        if self.allowed <= timedelta(0):
            return 100.0
        return round(100 * self.used / self.allowed, 2)

    @property
    def level(self) -> Level:
        if self.breached_at is not None:
            return Level.BREACHED
        if self.warned_at is not None:
            return Level.WARNING
        return Level.OK

    @property
    def met(self) -> bool | None:
        """Stopped within the target (True), breached (False), or still running without a breach (None)."""
        if self.breached_at is not None:
            return False
        return True if self.stopped_at is not None else None


def allowed_time(calendar: BusinessCalendar, duration: Duration, started_at: datetime) -> timedelta:
    """The target as time the clock counts: minutes as they are; business days as the open time between the
    clock's start and the day it falls due in the calendar (their length depends on the calendar)."""
    if not duration.business_days:
        return timedelta(minutes=duration.minutes)
    return calendar.business_time_between(started_at, calendar.deadline(started_at, duration))


def compute(kind: ClockKind | str, opened_at: datetime, events: Iterable[ClockEvent], duration: Duration,
            calendar: BusinessCalendar, now: datetime, *, warning_percent: int = 75,
            excluded: Sequence[tuple[datetime, datetime, str]] = ()) -> Clock:
    """The clock of one ticket against one target, as it stands at ``now``.

    Events after ``now`` are not known yet and are left out. Out-of-order nonsense (a resume without a pause,
    a reopen of an open ticket) changes nothing, so a sender's odd sequence never breaks the clock.
    """
    kind = ClockKind(kind)
    now = _aware(now)
    opened_at = _aware(opened_at)
    runs, stops = _running_spans(kind, opened_at, events, now)
    business = duration.business or duration.business_days > 0
    segments: list[Segment] = []
    for start, end, counted_why in _merge_spans(runs, stops, now):
        if counted_why is None:  # the clock runs: open time counts
            segments += _split_by_calendar(start, end, calendar) if business else [Segment(start, end, True, "24x7 clock")]
        else:
            segments.append(Segment(start, end, False, counted_why))
    if excluded:
        segments = leave_out(segments, excluded)
    allowed = allowed_time(calendar, duration, opened_at)
    warn_at_used = allowed * warning_percent / 100
    used = timedelta(0)
    warned_at = breached_at = None
    for seg in segments:
        if not seg.counted:
            continue
        before, used = used, used + seg.length
        if warned_at is None and used >= warn_at_used:
            warned_at = seg.start + (warn_at_used - before)
        if breached_at is None and used >= allowed:
            breached_at = seg.start + (allowed - before)
    stopped_at = stops[-1][0] if stops and stops[-1][1] is None and stops[-1][2].startswith("stopped") else None
    paused = bool(stops) and stops[-1][1] is None and stops[-1][2].startswith("paused")
    if breached_at is not None and stopped_at is not None and used == allowed:
        breached_at = None  # stopped on exactly the time allowed: "resolved within 4h" was kept (summary says so)
    due_at = None
    if stopped_at is None and not paused and breached_at is None:
        due_at = after_counted(calendar, now, allowed - used) if business else now + (allowed - used)
        if excluded and due_at is not None:
            due_at = due_past_exclusions(calendar, business, now, allowed - used, excluded)
    return Clock(kind=kind, started_at=opened_at, allowed=allowed, used=used, warning_percent=warning_percent,
                 warned_at=warned_at, breached_at=breached_at, stopped_at=stopped_at, paused=paused, due_at=due_at,
                 segments=tuple(segments))


def leave_out(segments: list[Segment], excluded: Sequence[tuple[datetime, datetime, str]]) -> list[Segment]:
    """Counted segments with the parts inside an excluded span (a maintenance window, an agreed exclusion:
    bot.measurements.exclusions) made not counted, saying which ("planned maintenance 5 Dec 22:00–02:00")."""
    out = list(segments)
    for a, b, why in sorted(excluded):
        a, b = _aware(a), _aware(b)
        cut: list[Segment] = []
        for seg in out:
            if not seg.counted or seg.end <= a or seg.start >= b:
                cut.append(seg)
                continue
            if seg.start < a:
                cut.append(Segment(seg.start, a, True, seg.why))
            cut.append(Segment(max(seg.start, a), min(seg.end, b), False, why))
            if seg.end > b:
                cut.append(Segment(b, seg.end, True, seg.why))
        out = cut
    merged: list[Segment] = []
    for seg in out:  # a window across several calendar segments reads as one stretch
        if merged and not seg.counted and not merged[-1].counted and merged[-1].why == seg.why \
                and merged[-1].end == seg.start:
            merged[-1] = Segment(merged[-1].start, seg.end, False, seg.why)
        else:
            merged.append(seg)
    return merged


def due_past_exclusions(calendar: BusinessCalendar, business: bool, now: datetime, remaining: timedelta,
                        excluded: Sequence[tuple[datetime, datetime, str]]) -> datetime | None:
    """When `remaining` counted time has passed after `now`, skipping the excluded spans still to come (a window
    planned before the due time moves the due time on by the counted time it takes)."""
    def counted(a: datetime, b: datetime) -> timedelta:
        return calendar.business_time_between(a, b) if business else b - a

    def after(start: datetime, amount: timedelta) -> datetime | None:
        return after_counted(calendar, start, amount) if business else start + amount

    cursor = now
    for a, b, _why in sorted((_aware(a), _aware(b), why) for a, b, why in excluded):
        if b <= cursor:
            continue
        before = counted(cursor, a) if a > cursor else timedelta(0)
        if before >= remaining:
            break
        remaining -= before
        cursor = b
    return after(cursor, remaining)


# ---- the clock's running and stopped spans ---------------------------------------------------------------------------
Stop = tuple[datetime, datetime | None, str]  # (from, until or None: still, why)


def _running_spans(kind: ClockKind, opened_at: datetime, events: Iterable[ClockEvent],
                   now: datetime) -> tuple[list[tuple[datetime, datetime]], list[Stop]]:
    """When the clock ran, and when it stood still and why, from ``opened_at`` to ``now``."""
    ordered = sorted((e for e in events if _aware(e.at) <= now and e.kind != OPENED),
                     key=lambda e: (_aware(e.at), _SAME_INSTANT_ORDER.get(e.kind, 9)))
    runs: list[tuple[datetime, datetime]] = []
    stops: list[Stop] = []
    running_since: datetime | None = opened_at
    paused_why: str | None = None   # paused and why, while paused (a pause survives a resolution and reopening)
    stopped = False                  # resolved (or responded, for the response clock)
    for event in ordered:
        at = max(_aware(event.at), opened_at)  # an event dated before the opening counts from the opening
        if kind is ClockKind.RESPONSE and stopped:
            break  # the response clock stops once and for all
        if event.kind == PAUSED and paused_why is None and not stopped:
            paused_why = f"paused: {event.reason}" if event.reason else "paused"
            running_since = _close(runs, running_since, at)
            stops.append((at, None, paused_why))
        elif event.kind == RESUMED and paused_why is not None and not stopped:
            paused_why = None
            _end_stop(stops, at)
            running_since = at
        elif event.kind in (RESOLVED, RESPONDED) and not stopped and (
                event.kind == RESOLVED or kind is ClockKind.RESPONSE):
            stopped = True
            if paused_why is not None:
                _end_stop(stops, at)
                paused_why = None
            running_since = _close(runs, running_since, at)
            stops.append((at, None, f"stopped: {event.kind}"))
        elif event.kind == REOPENED and stopped and kind is ClockKind.RESOLUTION:
            stopped = False
            _end_stop(stops, at)
            running_since = at
    _close(runs, running_since, now)
    return runs, stops


def _close(runs: list, since: datetime | None, at: datetime) -> None:
    """Ends the run begun at ``since`` (if running); the clock is then not running (None)."""
    if since is not None and at > since:
        runs.append((since, at))
    return None


def _end_stop(stops: list[Stop], at: datetime) -> None:
    start, _, why = stops[-1]
    stops[-1] = (start, at, why)


def _merge_spans(runs: list[tuple[datetime, datetime]], stops: list[Stop], now: datetime):
    """Runs (why None) and stops, in order; a stop still in force lasts until now."""
    out = [(a, b, None) for a, b in runs]
    for start, end, why in stops:
        end = end if end is not None else now
        if end > start:
            out.append((start, end, why))
    return sorted(out, key=lambda s: s[0])


# ---- the calendar's part ---------------------------------------------------------------------------------------------
def _split_by_calendar(start: datetime, end: datetime, calendar: BusinessCalendar) -> list[Segment]:
    """[start, end) as counted open stretches and uncounted closed ones, each closed one with its reason."""
    out: list[Segment] = []
    cursor = start
    for a, b in calendar.open_intervals(start, end):
        if a > cursor:
            out += _closed(cursor, a, calendar)
        out.append(Segment(a, b, True, "business hours"))
        cursor = b
    if cursor < end:
        out += _closed(cursor, end, calendar)
    return out


def _closed(start: datetime, end: datetime, calendar: BusinessCalendar) -> list[Segment]:
    """A closed stretch, split where its reason changes from day to day (a weekend, then a bank holiday)."""
    zone = ZoneInfo(calendar.tz)
    out: list[Segment] = []
    cursor = start
    while cursor < end:
        local = cursor.astimezone(zone)
        next_midnight = _local_midnight(local.date() + timedelta(days=1), zone)
        piece_end = min(end, next_midnight)
        why = calendar.closed_reason(local.date()) or "outside hours"
        if out and out[-1].why == why and out[-1].end == cursor:
            out[-1] = Segment(out[-1].start, piece_end, False, why)
        else:
            out.append(Segment(cursor, piece_end, False, why))
        cursor = piece_end
    return out


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def after_counted(calendar: BusinessCalendar, start: datetime, amount: timedelta) -> datetime | None:
    """The instant by which ``amount`` of open time has passed after ``start``; None if not within two years."""
    if amount <= timedelta(0):
        return start
    cursor = start
    while cursor - start < _MAX_LOOKAHEAD:
        for a, b in calendar.open_intervals(cursor, cursor + _LOOKAHEAD):
            if b - a >= amount:
                return a + amount
            amount -= b - a
        cursor += _LOOKAHEAD
    return None


def _aware(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"a clock needs zone-aware times, got naive {dt!r}")
    return dt.astimezone(UTC)


def format_span(delta: timedelta) -> str:
    """A length in words people read at a glance: "3h12m", "2d 4h", "45m", "0m"; negative as "-1h05m"."""
    sign = "-" if delta < timedelta(0) else ""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h" if hours else f"{sign}{days}d"
    if hours:
        return f"{sign}{hours}h{mins:02d}m" if mins else f"{sign}{hours}h"
    return f"{sign}{mins}m"


def summary(clock: Clock) -> str:
    """Plain words for an alert or a list: "3h12m of 4h used", "over by 25m (4h25m of 4h)"."""
    used, allowed = format_span(clock.used), format_span(clock.allowed)
    if clock.used > clock.allowed:
        return f"over by {format_span(clock.used - clock.allowed)} ({used} of {allowed})"
    text = f"{used} of {allowed} used"
    if clock.stopped_at is not None:
        return text + f", {clock.kind.value} in time"
    return text + (", paused" if clock.paused else "")


def corrected(events: Sequence[ClockEvent]) -> list[ClockEvent]:
    """The events a sender has corrected since they were first received (the clock counts their latest form)."""
    return [e for e in events if e.revision > 1]
