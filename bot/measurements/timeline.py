"""A ticket's clocks as plain rows for `/slm clock`: each segment counted or not and why, in the reader's zone.

Plain words and data only; the template escapes and lays them out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.measurements import clocks
from bot.measurements.evaluate import TicketClock

MAX_SEGMENTS = 40  # per clock: the latest are shown, the earlier ones counted ("and N earlier")


@dataclass(frozen=True)
class Row:
    when: str      # "Fri 4 Dec 15:00 – 16:00"
    length: str    # "1h"
    counted: bool
    why: str


@dataclass(frozen=True)
class ClockView:
    title: str          # "P1 resolution within 4h, 95% of tickets (SLA Acme Payroll)"
    calendar: str       # "UK office" or "24x7"
    level: str          # ok / warning / breached
    summary: str        # "3h12m of 4h used"
    status: str         # "due Mon 7 Dec 13:00", "breached Mon 7 Dec 13:00", "resolved in time", "paused"
    rows: tuple[Row, ...]
    earlier: int        # segments left out before the first row shown


def views(found: list[TicketClock], tz: str) -> list[ClockView]:
    zone = ZoneInfo(tz)
    out = []
    for item in found:
        clock, target = item.clock, item.target
        segments = clock.segments[-MAX_SEGMENTS:]
        out.append(ClockView(
            title=f"{target.description} (SLA {target.agreement_name})",
            calendar=target.calendar.name or "24x7", level=clock.level.value, summary=clocks.summary(clock),
            status=_status(clock, zone),
            rows=tuple(Row(_span(s.start, s.end, zone), clocks.format_span(s.length), s.counted, s.why)
                       for s in segments),
            earlier=len(clock.segments) - len(segments)))
    return out


def corrections(events: list[clocks.ClockEvent], tz: str) -> list[str]:
    """What the sender corrected, so a reader knows why the clock moved: "resolved, now at Mon 7 Dec 11:00 (2nd
    version)"."""
    zone = ZoneInfo(tz)
    return [f"{e.kind}, now at {_at(e.at, zone)} (version {e.revision})" for e in clocks.corrected(events)]


def _status(clock: clocks.Clock, zone: ZoneInfo) -> str:
    parts = []
    if clock.breached_at is not None:
        parts.append(f"breached {_at(clock.breached_at, zone)}")
    elif clock.warned_at is not None:
        parts.append(f"warned {_at(clock.warned_at, zone)} ({clock.warning_percent}% used)")
    if clock.stopped_at is not None:
        parts.append(f"stopped {_at(clock.stopped_at, zone)}")
    elif clock.paused:
        parts.append("paused now")
    elif clock.due_at is not None:
        parts.append(f"due {_at(clock.due_at, zone)}, {clocks.format_span(clock.remaining)} left")
    return "; ".join(parts)


def _at(instant: datetime, zone: ZoneInfo) -> str:
    local = instant.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    a, b = start.astimezone(zone), end.astimezone(zone)
    if a.date() == b.date():
        return f"{_at(start, zone)} – {b:%H:%M}"
    return f"{_at(start, zone)} – {_at(end, zone)}"


def moment(instant: datetime, tz: str) -> str:
    return _at(instant, ZoneInfo(tz))
