"""Ticket events as their clocks read them: the stored rows as plain `ClockEvent`s, many tickets in one read."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.measurements.clocks import ClockEvent
from models import TicketEvent

_CHUNK = 500  # ids per query: well inside every database's limit on bound parameters


def events_of(session: Session, ticket_ids: list[int]) -> dict[int, list[ClockEvent]]:
    out: dict[int, list[ClockEvent]] = {}
    for start in range(0, len(ticket_ids), _CHUNK):
        rows = session.exec(select(TicketEvent).where(TicketEvent.ticket_id.in_(ticket_ids[start:start + _CHUNK]))
                            .order_by(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.id))
        for e in rows:
            out.setdefault(e.ticket_id, []).append(ClockEvent(e.kind, e.at, e.reason, e.revision))
    return out
