"""Queueing what the bot sends on its own (reminders, notices, alerts), so each is sent once.

`enqueue` is idempotent on the key; `claim` hands a row to exactly one sender,
even with several replicas, with a conditional UPDATE that both SQLite and
PostgreSQL make atomic. A claim that was never finished (a replica died
mid-send) is taken over after CLAIM_TIMEOUT.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Outbox, OutboxStatus

CLAIM_TIMEOUT = timedelta(minutes=5)
MAX_ATTEMPTS = 6
# Waits after each failure: a Slack outage of a few hours delays a notice, it does not lose it.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=20), timedelta(hours=1), timedelta(hours=3))


def enqueue(session: Session, team_id: str, key: str, channel: str, template: str, context: dict, now: datetime) -> bool:
    """Queue a message unless one with this key was queued before; True if this call queued it."""
    try:
        with session.begin_nested():
            session.add(Outbox(team_id=team_id, key=key[:200], channel=channel, template=template, context=context,
                               created_at=now))
    except IntegrityError:
        return False
    return True


def due(session: Session, now: datetime, limit: int = 50) -> list[int]:
    stale = now - CLAIM_TIMEOUT
    # A claim never finished (a replica died mid-send, or the send timed out after Slack took it) is tried
    # again; MAX_ATTEMPTS bounds how often, so a message Slack keeps refusing is not sent for ever.
    session.exec(update(Outbox).where(Outbox.status == OutboxStatus.SENDING.value, Outbox.claimed_at < stale,
                                      Outbox.attempts >= MAX_ATTEMPTS)
                 .values(status=OutboxStatus.FAILED.value, last_error="no answer from Slack, attempt after attempt"))
    q = (select(Outbox.id).where(or_(Outbox.status == OutboxStatus.PENDING.value,
                                     (Outbox.status == OutboxStatus.SENDING.value) & (Outbox.claimed_at < stale)),
                                 Outbox.attempts < MAX_ATTEMPTS,
                                 or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now))
         .order_by(Outbox.id).limit(limit))
    return list(session.exec(q))


def claim(session: Session, row_id: int, now: datetime) -> Outbox | None:
    """Take one row for sending; None if another sender has it."""
    stale = now - CLAIM_TIMEOUT
    result = session.exec(
        update(Outbox)
        .where(Outbox.id == row_id, Outbox.attempts < MAX_ATTEMPTS,
               or_(Outbox.status == OutboxStatus.PENDING.value,
                   (Outbox.status == OutboxStatus.SENDING.value) & (Outbox.claimed_at < stale)))
        .values(status=OutboxStatus.SENDING.value, claimed_at=now, attempts=Outbox.attempts + 1)
    )
    if result.rowcount != 1:
        return None
    return session.get(Outbox, row_id, populate_existing=True)


def sent(session: Session, row: Outbox, now: datetime, message_ts: str | None) -> None:
    row.status, row.sent_at, row.message_ts = OutboxStatus.SENT.value, now, message_ts
    session.add(row)


def failed(session: Session, row: Outbox, error: str, now: datetime) -> None:
    """Try again after a growing wait, until MAX_ATTEMPTS; then keep it, marked failed, for a person to look at."""
    row.last_error = error[:500]
    row.status = (OutboxStatus.FAILED if row.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING).value
    row.next_attempt_at = now + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
    session.add(row)
