"""Answering a rating: the 1-5 buttons on the DM, and the optional comment (a modal behind "Add a comment").

Idempotent: the same rating pressed twice is recorded once (the second press changes nothing); another rating
replaces it, audited with the rating before and after. A comment is the person's own words: it is never logged, and
the audit trail keeps only its SHA-256 (bot.audit.PERSONAL_TEXT), as it does a requirement's quote. Each change
edits the DM in place through the outbox (`satisfaction:<id>:edit<revision>`).
"""
from __future__ import annotations

from sqlmodel import Session, select

from bot import audit, outbox
from bot.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from bot.satisfaction.asking import TEMPLATE, context, message_key
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Agreement, AskOutcome, OutboxKind, SatisfactionAsk

RATINGS = (1, 2, 3, 4, 5)
MAX_COMMENT = 2000


def _theirs(session: Session, actor: Actor, ask_id: str | int) -> SatisfactionAsk:
    """The ask a button names, if it is this person's, locked until the caller's transaction ends."""
    text = str(ask_id or "")
    row = session.exec(select(SatisfactionAsk).where(SatisfactionAsk.id == int(text)).with_for_update()
                       .execution_options(populate_existing=True)).first() if text.isdigit() else None
    if row is None or row.team_id != actor.team_id or row.outcome != AskOutcome.ASKED.value:
        raise NotFound("That request for a rating is gone.")
    if row.user_id != actor.user_id:
        raise PermissionDenied("That request for a rating was someone else's.")
    return row


def _edit_dm(session: Session, row: SatisfactionAsk, now) -> None:
    agreement = session.get(Agreement, row.agreement_id) if row.agreement_id else None
    parent = message_key(row.id)
    outbox.enqueue(session, row.team_id, f"{parent}:edit{row.revision}", row.user_id, TEMPLATE,
                   {"ctx": context(row, agreement.name if agreement else "")}, now, kind=OutboxKind.UPDATE,
                   parent_key=parent)


def rate(session: Session, actor: Actor, ask_id: str | int, rating: int) -> bool:
    """Record this person's rating; True if it changed anything (a second press of the same rating does not)."""
    require(actor, Capability.RATE_SERVICE)
    if rating not in RATINGS:
        raise DomainError("A rating is 1 to 5.")
    row = _theirs(session, actor, ask_id)
    if row.rating == rating:
        return False
    was = audit.snapshot(row, "rating", "rated_at")
    row.rating, row.rated_at, row.revision = rating, actor.at(), row.revision + 1
    session.add(row)
    session.flush()
    audit.record(session, actor, "satisfaction.rate", "satisfaction_ask", row.id, **audit.change(was, row))
    _edit_dm(session, row, actor.at())
    return True


def comment_of(session: Session, actor: Actor, ask_id: str | int) -> dict:
    """What the comment form shows: what is rated (the person's own comment so far is theirs to see)."""
    require(actor, Capability.RATE_SERVICE)
    row = _theirs(session, actor, ask_id)
    return {"ask_id": row.id, "subject": row.subject, "comment": row.comment or ""}


def comment(session: Session, actor: Actor, ask_id: str | int, text: str) -> bool:
    """Keep (or replace, or with empty text remove) this person's comment; True if it changed."""
    require(actor, Capability.RATE_SERVICE)
    words = (text or "").strip()
    if len(words) > MAX_COMMENT:
        raise InvalidInput({"comment": f"At most {MAX_COMMENT} characters ({len(words)} given)."})
    row = _theirs(session, actor, ask_id)
    if (row.comment or "") == words:
        return False
    was = audit.snapshot(row, "comment")
    row.comment, row.revision = words or None, row.revision + 1
    session.add(row)
    session.flush()
    audit.record(session, actor, "satisfaction.comment", "satisfaction_ask", row.id, **audit.change(was, row))
    _edit_dm(session, row, actor.at())
    return True
