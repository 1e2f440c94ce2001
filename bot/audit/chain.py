"""The audit trail's hash chain: a canonical encoding of a record, its hash, and the workspace's head.

Each record's `hash` is SHA-256 over a canonical JSON encoding of its content (team, seq, at, actor, action,
entity, entity_id, detail, before, after) and `prev_hash`, the previous record's hash (GENESIS for seq 1). The
head (`audit_head`: the seq and hash of the newest record) is locked while appending: `SELECT … FOR UPDATE` on
PostgreSQL; on SQLite every write session already holds the database's write lock (BEGIN IMMEDIATE,
bot/database.py). So two replicas appending at once still make one chain, and each append costs one small read
and one small write besides the record itself: nothing scans the trail.

models/migrations/versions/0015_audit_chain.py carries a frozen copy of `digest` to chain the records that existed
before it: change the encoding here only with a migration that re-chains.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from sqlmodel import Session, select

from models import AuditEvent, AuditHead

GENESIS = "0" * 64


def plain(value: Any) -> Any:
    """`value` as it reads back from a JSON column (dates as ISO text, tuples as lists, keys as text), so that the
    hash made on write is the hash verify makes on read."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def at_text(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="microseconds")


def digest(team_id: str, seq: int, at: datetime, actor: str, action: str, entity: str, entity_id: int | None,
           detail: Any, before: Any, after: Any, prev_hash: str) -> str:
    content = [team_id, seq, at_text(at), actor, action, entity, entity_id, detail, before, after, prev_hash]
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def digest_of(event: AuditEvent) -> str:
    """The hash `event` ought to carry, from what it holds."""
    return digest(event.team_id, event.seq, event.at, event.actor, event.action, event.entity, event.entity_id,
                  event.detail, event.before, event.after, event.prev_hash)


def locked_head(session: Session, team_id: str) -> AuditHead:
    """The workspace's head, locked until the transaction ends (made at seq 0 the first time)."""
    query = select(AuditHead).where(AuditHead.team_id == team_id).with_for_update() \
        .execution_options(populate_existing=True)
    head = session.exec(query).first()
    if head is None:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        # Two first appends at once: one inserts, the other waits on its row, then finds and locks it.
        session.execute(insert(AuditHead).values(team_id=team_id, seq=0, hash=GENESIS).on_conflict_do_nothing())
        head = session.exec(query).one()
    return head


def append(session: Session, event: AuditEvent) -> AuditEvent:
    """`event` numbered, linked and hashed as the workspace's newest record, and the head moved to it.

    The head is locked once a transaction: a unit of work that records several changes reads it once (a savepoint
    rolled back expires what it changed, so the next record reads it again, still under the lock)."""
    key, transaction = ("audit_head", event.team_id), session.get_transaction()
    held = session.info.get(key)
    if held is not None and held[0] is transaction:
        head = held[1]
    else:
        head = locked_head(session, event.team_id)
        session.info[key] = (transaction, head)
    event.seq, event.prev_hash = head.seq + 1, head.hash
    event.hash = digest_of(event)
    head.seq, head.hash = event.seq, event.hash
    session.add(event)
    session.add(head)
    return event
