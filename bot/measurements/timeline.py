"""A ticket's clocks as plain rows for `/slm clock`: each segment counted or not and why, in the reader's zone.

Plain words and data only; the template escapes and lays them out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from bot.measurements import clocks
from bot.measurements.evaluate import TicketClock
from models import Agreement, AgreementVersion, Signoff

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


def agreed_since(session: Session, found: list[TicketClock], opened_at: datetime, tz: str) -> list[str]:
    """The agreements measuring the ticket whose version in force was agreed after it opened, and what that changed
    since the version in force then: a changed target (or the calendar a version records) recomputes the clock, and
    the reader is told why it moved. "SLA Acme Payroll version 3, agreed Mon 7 Dec 11:00: T1 P1 resolution: 4h → 6h"."""
    zone, out = ZoneInfo(tz), []
    for agreement_id in dict.fromkeys(item.target.agreement_id for item in found):
        agreement = session.get(Agreement, agreement_id)
        if agreement is None:
            continue
        agreed = dict(session.exec(  # each version both sides agreed to, and when the second side did
            select(Signoff.version, func.max(Signoff.created_at)).where(Signoff.agreement_id == agreement_id)
            .group_by(Signoff.version).having(func.count(func.distinct(Signoff.side)) == 2)).all())
        when = agreed.get(agreement.agreed_version)
        if when is None or when <= opened_at:
            continue  # in force since before the ticket opened (or put in force without sign-offs: nothing to say)
        then = max((v for v, at in agreed.items() if at <= opened_at), default=0)
        changes: list[str] = []  # none listed when nothing was agreed before it opened: the draft's setup is noise
        for words in [] if then == 0 else session.exec(select(AgreementVersion.changes).where(
                AgreementVersion.agreement_id == agreement_id, AgreementVersion.number > then,
                AgreementVersion.number <= agreement.agreed_version).order_by(AgreementVersion.number)):
            changes.extend(words)
        out.append(f"{agreement.kind.upper()} {agreement.name} version {agreement.agreed_version}, agreed "
                   f"{_at(when, zone)}" + (f": {'; '.join(changes[:5])}" if changes else "")
                   + (f" and {len(changes) - 5} more changes" if len(changes) > 5 else ""))
    return out


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
