"""The audit trail (competency 6.6): every change, who made it and when, with the values before and after.

The trail is evidence: append-only (database triggers refuse UPDATE and DELETE of its rows, and no code here
does either) and tamper-evident (each record hashed over its content and the previous record's hash:
bot/audit/chain.py). `slm-bot audit verify` checks the chain, `slm-bot audit export` writes it out, and
`/slm audit <thing>` shows one thing's history.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, select

from bot.audit.chain import append, plain
from bot.workspace.actor import Actor
from models import AuditEvent


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None, *,
           before: Any = None, after: Any = None, **detail: Any) -> AuditEvent:
    """Append who (`actor`) did `action` to `entity` `entity_id`, with the values `before` and `after` the change
    (None where there was nothing: a thing made has no before, a thing removed no after) and any `detail`."""
    if actor.external:  # Slack Connect: who they are is their user id, and where they came from their workspace
        detail = {**detail, "actor_team": actor.home_team, "actor_team_name": actor.home_team_name}
    event = AuditEvent(team_id=actor.team_id, at=actor.at(), actor=actor.user_id, action=action,
                       entity=entity, entity_id=entity_id, detail=plain(detail), before=plain(before),
                       after=plain(after))
    return append(session, event)


BOT = "slm-bot"  # who the trail names for a change the bot makes itself (a scheduled job, an install)


def by_the_bot(team_id: str, now: datetime) -> Actor:
    return Actor(team_id=team_id, user_id=BOT, now=now)


SKIPPED = frozenset({"team_id", "name_key"})  # the same on every row, or derived from another value


# A person's own words, which forget-user (bot/retention) removes from the row: the trail, which is never
# rewritten, keeps only their SHA-256, enough to show what a record held without keeping what they said.
PERSONAL_TEXT = frozenset({("requirement", "source_quote"), ("satisfaction_ask", "comment"),  # issue 17: comments
                           ("complaint", "text"), ("complaint", "answer"), ("complaint", "outcome")})


def snapshot(row: Any, *fields: str) -> dict:
    """A row's values (all its columns, or only `fields`) as a record's before or after; a person's own words
    (PERSONAL_TEXT) as their SHA-256 only."""
    keys = fields or [c.key for c in inspect(type(row)).column_attrs if c.key not in SKIPPED]
    table = getattr(type(row), "__tablename__", None)
    # getattr: a value expired since it was read is read again
    return {k: _personal(getattr(row, k)) if (table, k) in PERSONAL_TEXT else getattr(row, k) for k in keys}


def _personal(words: str | None) -> str | None:
    return "sha256:" + hashlib.sha256(words.encode("utf-8")).hexdigest() if words else words


def change(before: dict, row: Any) -> dict:
    """`before=` and `after=` for a change of the fields `before` holds: `record(..., **change(was, row))`."""
    return {"before": before, "after": snapshot(row, *before)}


def trail(session: Session, team_id: str, entity: str | None = None, entity_id: int | None = None) -> list[AuditEvent]:
    q = select(AuditEvent).where(AuditEvent.team_id == team_id)
    if entity:
        q = q.where(AuditEvent.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEvent.entity_id == entity_id)
    return list(session.exec(q.order_by(AuditEvent.seq)))
