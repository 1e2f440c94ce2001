"""Ticket events as their clocks read them: the stored rows as plain `ClockEvent`s, many tickets in one read."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.measurements.clocks import ClockEvent
from models import TicketEvent

_CHUNK = 500  # ids per query: well inside every database's limit on bound parameters


def events_of(session: Session, ticket_ids: list[int]) -> dict[int, list[ClockEvent]]:
    out: dict[int, list[ClockEvent]] = {}
    for start in range(0, len(ticket_ids), _CHUNK):
        # The columns a clock reads, not whole rows: the sweep reads every event of every ticket it measures, and
        # building ORM objects for them cost more than the query.
        rows = session.exec(select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at, TicketEvent.reason,
                                   TicketEvent.revision)
                            .where(TicketEvent.ticket_id.in_(ticket_ids[start:start + _CHUNK]))
                            .order_by(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.id))
        for ticket_id, kind, at, reason, revision in rows:
            out.setdefault(ticket_id, []).append(ClockEvent(kind, at, reason, revision))
    return out
