"""An OLA leg's own clock: for a ticket handed between support groups, how long each group held it, as business
time of its own OLA's calendar, against its OLA target.

The rules (README "Evaluation: ticket clocks"):
- A group holds the ticket from the event that assigns it (an `assigned` event naming the group, or the `opened`
  event when it names one) until the next assignment to another group; the ticket's time before its first
  assignment is held by nobody and is no group's leg.
- A leg counts what the SLA clock of the same kind would count in that stretch, but in the leg's own calendar: only
  the open time of the group's OLA target's calendar (all of it for a clock-time target like "2h"), never a
  pause ("awaiting customer"), never after the resolution (or, for a response leg, after the first response), and a
  reopened ticket's time again, to whoever holds it then.
- Time inside a maintenance window or an agreed exclusion that applies to the SLA and the ticket's service counts for
  no leg, as it counts nothing on the SLA's clock (`clocks.compute(excluded=...)`, the same spans); the leg keeps
  what was left out within its stretches (`left_out`), so `/slm clock` can say so.
- A group that holds the ticket twice (A → B → A) has one leg: its stretches are summed, against one target.
- A leg is within its target while its time is at most the target's (exactly the time allowed is within, as for the
  SLA clock), over it once more; a group with no OLA target for the ticket is measured in the SLA target's calendar,
  with nothing to be over.
- The rule the property tests hold it to: when every leg counts in the SLA target's calendar and the ticket is
  assigned from its opening (no time held by nobody), the legs' times add up to the SLA clock's time exactly.

Pure logic: no database, no Slack. The clock itself is `clocks.compute`'s: a leg's time is its counted segments that
fall within the group's stretches, so whatever the clock leaves out, the legs leave out too.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.calendars import BusinessCalendar
from bot.measurements import clocks
from bot.parsing import Duration

Span = tuple[datetime, datetime]
Excluded = tuple[datetime, datetime, str]  # a span the clocks leave out, and why (bot.measurements.exclusions)


@dataclass(frozen=True)
class Assignment:
    """The ticket given to a group at a moment (from its `assigned` event, or its `opened` event naming a group)."""

    at: datetime
    group_id: int


@dataclass(frozen=True)
class LegTarget:
    """The OLA target a group's leg is held against, as its agreed version words it."""

    target_id: int
    duration: Duration
    duration_text: str        # "2 business hours"
    calendar: BusinessCalendar
    label: str                # "Service desk OLA T1"
    linked: bool              # beneath the SLA target in the back-to-back tree (False: the group's OLA for the service)


@dataclass(frozen=True)
class Leg:
    group_id: int
    stretches: tuple[Span, ...]  # when the group held it (to the next hand-off, the clock's stop, or now)
    used: timedelta              # business time counted in the leg's calendar, all stretches summed
    target: LegTarget | None     # None: the group has no OLA target for this ticket
    allowed: timedelta | None    # the target's duration as time the leg counts
    holding: bool                # the group holds it now and the clock still runs
    left_out: tuple[Excluded, ...] = ()  # open time within its stretches not counted: a window or an exclusion

    @property
    def over(self) -> bool:
        return self.allowed is not None and self.used > self.allowed

    @property
    def over_by(self) -> timedelta:
        return self.used - self.allowed if self.allowed is not None else timedelta(0)


def holdings(assignments: Iterable[Assignment], opened_at: datetime, end: datetime) -> list[tuple[int, Span]]:
    """Who held the ticket when, in order: each assignment until the next one to another group (or ``end``).
    An assignment to the group already holding it changes nothing; one after ``end`` is not known yet."""
    ordered = sorted((a for a in assignments if a.at <= end), key=lambda a: a.at)
    out: list[tuple[int, Span]] = []
    current: tuple[int, datetime] | None = None
    for a in ordered:
        at = max(a.at, opened_at)  # assigned before the opening: held from the opening
        if current is not None and current[0] == a.group_id:
            continue
        if current is not None and at > current[1]:
            out.append((current[0], (current[1], at)))
        current = (a.group_id, at)
    if current is not None and end > current[1]:
        out.append((current[0], (current[1], end)))
    return out


def counted_within(segments: Iterable[clocks.Segment], spans: Sequence[Span]) -> timedelta:
    """How much of the counted segments falls within the spans (which do not overlap one another)."""
    total = timedelta(0)
    for seg in segments:
        if not seg.counted:
            continue
        for a, b in spans:
            lo, hi = max(a, seg.start), min(b, seg.end)
            if hi > lo:
                total += hi - lo
    return total


def left_out_within(segments: Iterable[clocks.Segment], spans: Sequence[Span],
                    excluded: Sequence[Excluded]) -> tuple[Excluded, ...]:
    """The parts of the spans the clock did not count because an excluded span covered them, each with its why."""
    whys = {why for _a, _b, why in excluded}
    out = []
    for seg in segments:
        if seg.counted or seg.why not in whys:
            continue
        for a, b in spans:
            lo, hi = max(a, seg.start), min(b, seg.end)
            if hi > lo:
                out.append((lo, hi, seg.why))
    return tuple(sorted(out))


def measure(kind: str, opened_at: datetime, events: Sequence[clocks.ClockEvent], assignments: Iterable[Assignment],
            target_of: Callable[[int], LegTarget | None], sla_duration: Duration, sla_calendar: BusinessCalendar,
            now: datetime, excluded: Sequence[Excluded] = ()) -> list[Leg]:
    """Each group's leg of the ticket's `kind` clock (response or resolution), in the order it first held the ticket.

    ``target_of(group_id)``: the group's OLA target, or None (its leg is then counted in the SLA target's calendar).
    ``excluded``: the spans the SLA's clock leaves out (the windows and exclusions that apply to it and the ticket's
    service): each leg's clock leaves them out too.
    """
    sla_clock = clocks.compute(kind, opened_at, events, sla_duration, sla_calendar, now, excluded=excluded)
    end = sla_clock.stopped_at or now  # held until the clock stopped, or until now
    held = holdings(assignments, opened_at, now)
    by_group: dict[int, list[Span]] = {}
    for group_id, (start, until) in held:
        # Shown up to the clock's stop: a stretch that begins after it (assigned once resolved) is no part of any
        # leg. (A reopened ticket's clock runs on, and so does the stretch of whoever holds it.)
        until = min(until, end)
        if until > start:
            by_group.setdefault(group_id, []).append((start, until))
    current = held[-1][0] if held else None
    out = []
    for group_id, spans in by_group.items():
        target = target_of(group_id)
        duration, calendar = (target.duration, target.calendar) if target else (sla_duration, sla_calendar)
        clock = sla_clock if target is None else clocks.compute(kind, opened_at, events, duration, calendar, now,
                                                                excluded=excluded)
        allowed = clocks.allowed_time(calendar, duration, spans[0][0]) if target is not None else None
        out.append(Leg(group_id=group_id, stretches=tuple(spans), used=counted_within(clock.segments, spans),
                       target=target, allowed=allowed,
                       holding=group_id == current and sla_clock.stopped_at is None,
                       left_out=left_out_within(clock.segments, spans, excluded)))
    return out


def verdict(leg: Leg) -> str:
    """"within its OLA's 2 business hours (1h10m of 2h)", "over its OLA's 2 business hours by 1h10m (3h10m of 2h)",
    "no OLA target: 1h30m held"."""
    used = clocks.format_span(leg.used)
    if leg.target is None:
        return f"no OLA target for this ticket: {used} held"
    allowed = clocks.format_span(leg.allowed)
    if leg.over:
        return f"over its OLA's {leg.target.duration_text} by {clocks.format_span(leg.over_by)} ({used} of {allowed})"
    still = ", still holding it" if leg.holding else ""
    return f"within its OLA's {leg.target.duration_text} ({used} of {allowed}{still})"


def ran_over(leg: Leg, group: str) -> str:
    """What a breach alert says of a leg over its target: "Service desk held it 3h10m against its OLA's 2 business
    hours (over by 1h10m)"; a group that held it more than once, "… held it twice, 3h10m in all, against …"."""
    times = {1: "", 2: " twice,", 3: " three times,"}.get(len(leg.stretches), f" {len(leg.stretches)} times,")
    in_all = " in all," if len(leg.stretches) > 1 else ""
    return (f"{group} held it{times} {clocks.format_span(leg.used)}{in_all} against its OLA's "
            f"{leg.target.duration_text} (over by {clocks.format_span(leg.over_by)})")
