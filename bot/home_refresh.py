"""Publishing a person's App Home again after something on it changed, without their opening it.

Why an outbox row (kind "home") and not a reminders row: a refresh is due at once, not at a time of its own, and the
outbox already gives what it needs: once-only by key, claimed by one sender, retried with backoff after a Slack
error, sent by the delivery round (every 5 seconds) outside any ack and outside any database session. The row
carries no message: the Home is rendered when the row is sent (bot.delivery asks the renderer the App Home's
listener registers), so whatever changed in between is published too.

Coalesced: a change queues a row only when that person has no refresh still pending. A burst of changes (a review
planned for twenty attendees, an alert moving twice) publishes each Home once; a change that comes while a refresh is
being sent queues a new one, since that send may have read the state before it. The key says when, plus a random
mark: two refreshes queued at the same instant (a frozen clock) are two rows, not one refused as a duplicate.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Iterable

from sqlmodel import Session, select

from bot import outbox
from models import Contact, Outbox, OutboxKind, OutboxStatus

PREFIX = "home:"


def key_prefix(user_id: str) -> str:
    return f"{PREFIX}{user_id}:"


def refresh(session: Session, team_id: str, user_ids: Iterable[str | None], now: datetime) -> int:
    """Queue a publish of each person's Home (user ids only; channels and empty names are skipped); how many
    were queued (a person with a refresh already pending gets none)."""
    queued = 0
    wanted = [u for u in dict.fromkeys(user_ids) if u and u[:1] in ("U", "W")]
    # A person of another organisation (a contact named from a Slack Connect channel) has no App Home of this app:
    # the app is installed in this workspace, not theirs. They hear of changes in the shared channel and by DM.
    external = set(session.exec(select(Contact.user_id).where(
        Contact.team_id == team_id, Contact.user_id.in_(wanted or ["-"]), Contact.user_team.is_not(None))))
    for user_id in (u for u in wanted if u not in external):
        pending = session.exec(select(Outbox.id).where(
            Outbox.team_id == team_id, Outbox.kind == OutboxKind.HOME.value,
            Outbox.status == OutboxStatus.PENDING.value,
            Outbox.key.startswith(key_prefix(user_id), autoescape=True))).first()
        if pending is None:
            queued += outbox.enqueue(session, team_id, f"{key_prefix(user_id)}{now.isoformat()}:{uuid.uuid4().hex[:8]}", user_id,
                                     "home.yml.j2", {}, now, kind=OutboxKind.HOME)
    return queued


def refresh_party(session: Session, team_id: str, party_id: int | None, now: datetime) -> int:
    """Queue a publish of the Home of each contact of a party (a support group whose alert moved)."""
    if party_id is None:
        return 0
    users = session.exec(select(Contact.user_id).where(Contact.team_id == team_id, Contact.party_id == party_id))
    return refresh(session, team_id, list(users), now)


def refresh_agreement(session: Session, agreement, by: str | None, now: datetime) -> int:
    """An agreement was proposed, changed or agreed: the Homes of its counterparty's contacts, of whoever drafted
    it, and of who moved it (the service manager's overview shows its status)."""
    users = list(session.exec(select(Contact.user_id).where(Contact.team_id == agreement.team_id,
                                                            Contact.party_id == agreement.counterparty_id)))
    return refresh(session, agreement.team_id, [agreement.created_by, by, *users], now)
