"""Complaints in the review pack and the relationship view (issue 17, complaints slice): the figures of the period
(bot.complaints.counts: received, answered late, open at its end), and on the relationship view the party's
relationship owner. Each is its own small section, so the pack and the view include it with one line."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import complaints
from models import Agreement, Party, PartyKind


def for_pack(session: Session, agreement: Agreement, start: datetime, end: datetime) -> dict:
    """The SLA's complaints over the pack's period [start, end)."""
    return complaints.counts(session, agreement.team_id, start, end, agreement_id=agreement.id).as_context()


def for_relationship(session: Session, party: Party, start: datetime, end: datetime) -> dict:
    """The party's owner and, for a customer, its complaints over the view's months [start, end)."""
    counted = (complaints.counts(session, party.team_id, start, end, customer_id=party.id).as_context()
               if party.kind == PartyKind.CUSTOMER.value else None)
    return {"owner": party.owner_user_id, "counts": counted}
