"""Claims on interactions already handled: the store behind handlers/replay_guard.py.

`claim` is one INSERT ... ON CONFLICT DO NOTHING on the unique (team_id, key): of
two requests with the same identity, however close together and on whichever
replica, exactly one inserts the row, on SQLite and PostgreSQL alike (SQLAlchemy's
documented dialect inserts). Nothing here knows about Slack: a key is a digest the
caller made.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import InteractionSeen

# Slack refuses a signature more than five minutes old, so after that a replay cannot get in at all. An hour
# covers the window many times over, clocks a few minutes apart included, and keeps the table small.
RETENTION = timedelta(hours=1)
PURGE_BATCH = 500  # rows per statement: a purge never holds a long lock on a busy table

_PLAIN = {"synchronize_session": False}  # plain DELETEs: no ORM objects of this table are ever loaded
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def claim(session: Session, team_id: str, kind: str, key: str, now: datetime) -> bool:
    """True for the first claim of this key in this workspace; False when it was claimed before."""
    insert = _INSERTS[session.get_bind().dialect.name]
    # RETURNING, not rowcount: a row comes back only when this INSERT made it (psycopg reports a rowcount of -1
    # for the INSERT ... RETURNING that SQLAlchemy makes of an insert into a table with a generated key).
    statement = (insert(InteractionSeen)
                 .values(team_id=team_id, key=key, kind=kind, seen_at=now)
                 .on_conflict_do_nothing(index_elements=["team_id", "key"])
                 .returning(InteractionSeen.id))
    return session.execute(statement).first() is not None


def release(session: Session, team_id: str, key: str) -> None:
    """Forget a claim whose interaction did nothing, so that the same one sent again is handled."""
    session.execute(delete(InteractionSeen).where(InteractionSeen.team_id == team_id, InteractionSeen.key == key),
                    execution_options=_PLAIN)


def purge_batch(session: Session, now: datetime) -> int:
    """Delete up to PURGE_BATCH claims older than RETENTION; the number deleted."""
    oldest = (select(InteractionSeen.id).where(InteractionSeen.seen_at < now - RETENTION)
              .order_by(InteractionSeen.id).limit(PURGE_BATCH))
    statement = delete(InteractionSeen).where(InteractionSeen.id.in_(oldest))
    return session.execute(statement, execution_options=_PLAIN).rowcount
