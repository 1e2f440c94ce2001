"""From the database to states: every open or recently changed ticket and every period goal, measured against
the SLA targets in force that apply to it (same service, kind, and for tickets the same priority).

`states` is what the breach sweep calls every minute, so its cost follows what changed: open tickets (their
clocks move on) and tickets changed since the last sweep (read through the index on `ticket.updated_at`), never
the whole history. Period goals (availability, metrics) are few, one per target, each read over its current
period only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from bot.measurements import clocks, exclusions, periods
from bot.measurements.in_force import Measured, measured
from bot.measurements.states import Subject, TargetState
from bot.measurements.ticket_events import events_of
from models import Ticket

TICKET_KINDS = ("response", "resolution")


def states(session: Session, team_id: str, now: datetime, *, since: datetime | None = None) -> list[TargetState]:
    """The state of every open or recently changed ticket clock, and of every period goal, at ``now``.

    ``since``: the last evaluation; tickets closed before it and unchanged since are left out (their clocks no
    longer move). States that are OK are included, so whoever alerts sees a state recover.
    """
    targets = measured(session, team_id)
    return ticket_states(session, team_id, now, targets, since=since) + periods.period_states(session, team_id, now,
                                                                                            targets)


# ---- tickets ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TicketClock:
    """One clock of a ticket against one target, with what the clock was computed from."""

    target: Measured
    clock: clocks.Clock


def ticket_states(session: Session, team_id: str, now: datetime, targets: list[Measured], *,
                  since: datetime | None = None) -> list[TargetState]:
    ticket_targets = [t for t in targets if t.kind in TICKET_KINDS and t.duration is not None]
    if not ticket_targets:
        return []
    # Open tickets' clocks move with time; a resolved one only when an event comes for it (late, or corrected).
    changed = (Ticket.updated_at >= since if since is not None
               else or_(Ticket.evaluated_at.is_(None), Ticket.evaluated_at < Ticket.updated_at))
    # The columns the clocks and their states read (rows that read like tickets), not ORM objects: a burst of
    # ten thousand new tickets is measured in one sweep.
    tickets = list(session.exec(select(Ticket.id, Ticket.external_id, Ticket.service_id, Ticket.priority,
                                       Ticket.opened_at, Ticket.assigned_group_id)
                                .where(Ticket.team_id == team_id, or_(Ticket.resolved_at.is_(None), changed))
                                .order_by(Ticket.id)))
    events = events_of(session, [t.id for t in tickets])
    spans = excluded_for(session, team_id, tickets, now)
    out: list[TargetState] = []
    for ticket in tickets:
        for measured_clock in clocks_of(ticket, events.get(ticket.id, []), ticket_targets, now, spans):
            out.append(ticket_state(team_id, ticket, measured_clock))
    return out


def resolved_unevaluated(session: Session, team_id: str) -> dict[int, datetime]:
    """The resolved tickets the next evaluation measures again (new, late or corrected events), with the
    `updated_at` it will see: read before it, so `mark_evaluated` never marks an event that came in between."""
    return dict(session.exec(select(Ticket.id, Ticket.updated_at).where(
        Ticket.team_id == team_id, Ticket.resolved_at.is_not(None),
        or_(Ticket.evaluated_at.is_(None), Ticket.evaluated_at < Ticket.updated_at))).all())


def mark_evaluated(session: Session, team_id: str, seen: dict[int, datetime]) -> None:
    """These resolved tickets were measured as of `updated_at`; one changed since stays to be measured again."""
    # Tickets stored by one request share their `updated_at`: one statement per such group (and per 500 ids), not
    # one per ticket (ten thousand tickets arrived in a minute were ten thousand UPDATEs).
    by_time: dict[datetime, list[int]] = {}
    for ticket_id, updated_at in seen.items():
        by_time.setdefault(updated_at, []).append(ticket_id)
    for updated_at, ids in by_time.items():
        for at in range(0, len(ids), 500):
            session.exec(update(Ticket).where(Ticket.team_id == team_id, Ticket.id.in_(ids[at:at + 500]),
                                              Ticket.updated_at == updated_at).values(evaluated_at=updated_at)
                         .execution_options(synchronize_session=False))


def applies(target: Measured, ticket: Ticket) -> bool:
    return (target.kind in TICKET_KINDS and ticket.service_id in target.service_ids
            and (target.level or "").upper() == (ticket.priority or "").upper()
            and target.applies_on(ticket.opened_at.date()))


def excluded_for(session: Session, team_id: str, tickets, now: datetime) -> list[exclusions.Excluded]:
    """The maintenance windows and agreed exclusions since the earliest of these tickets opened, and those planned
    for the coming month (a clock's due time skips them)."""
    if not tickets:
        return []
    return exclusions.excluded(session, team_id, min(t.opened_at for t in tickets), now + exclusions.AHEAD)


def clocks_of(ticket: Ticket, events: list[clocks.ClockEvent], targets: list[Measured],
              now: datetime, excluded: list[exclusions.Excluded] = ()) -> list[TicketClock]:
    """The ticket's clocks against every target that applies to it (response before resolution); time inside
    `excluded` spans that apply to the target's agreement and the ticket's service is not counted."""
    out = []
    for target in sorted((t for t in targets if applies(t, ticket)), key=lambda t: (t.kind != "response", t.target_id)):
        spans = exclusions.applying(excluded, target.agreement_id, {ticket.service_id})
        clock = clocks.compute(target.kind, ticket.opened_at, events, target.duration, target.calendar, now,
                               warning_percent=target.warning_percent, excluded=spans)
        out.append(TicketClock(target, clock))
    return out


def ticket_state(team_id: str, ticket: Ticket, found: TicketClock) -> TargetState:
    clock, target = found.clock, found.target
    return TargetState(
        team_id=team_id, key=f"ticket:{ticket.id}:target:{target.target_id}", target_id=target.target_id,
        agreement_id=target.agreement_id, subject=Subject.TICKET, level=clock.level,
        percent_used=clock.percent_used, summary=clocks.summary(clock), ticket_id=ticket.id,
        ticket_ref=ticket.external_id, assigned_group_id=ticket.assigned_group_id, used=clock.used,
        allowed=clock.allowed, remaining=clock.remaining, warned_at=clock.warned_at, breached_at=clock.breached_at,
        ended=clock.stopped_at is not None)


def ticket_by_ref(session: Session, team_id: str, ref: str) -> Ticket | None:
    """A ticket by the sender's id, as people know it ("INC0012345"); case is not significant."""
    ref = ref.strip()
    found = session.exec(select(Ticket).where(Ticket.team_id == team_id, Ticket.external_id == ref)).first()
    if found is None:
        found = session.exec(select(Ticket).where(Ticket.team_id == team_id,
                                                  func.lower(Ticket.external_id) == ref.lower())).first()
    return found


def outside_term(session: Session, team_id: str, ticket: Ticket) -> list[Measured]:
    """Targets in force that would measure the ticket but for the day it opened, outside their agreement's term:
    `/slm clock` names them, so that a ticket sent from before the SLA began is not told no target exists."""
    return [t for t in measured(session, team_id)
            if t.kind in TICKET_KINDS and ticket.service_id in t.service_ids
            and (t.level or "").upper() == (ticket.priority or "").upper() and not t.applies_on(ticket.opened_at.date())]


def explain(session: Session, team_id: str, ticket: Ticket, now: datetime) -> list[TicketClock]:
    """The ticket's clocks against the SLA targets in force, for `/slm clock`."""
    return clocks_of(ticket, events_of(session, [ticket.id]).get(ticket.id, []), measured(session, team_id), now,
                     excluded_for(session, team_id, [ticket], now))

