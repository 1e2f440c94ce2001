"""The one source of "now". Always time-zone aware (UTC); tests move it by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class Clock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock(Clock):
    """A clock that only moves when told to: for tests and the scheduler's dry runs."""

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at

    def advance(self, **kwargs) -> datetime:
        self._at += timedelta(**kwargs)
        return self._at


class DatabaseClock(Clock):
    """The database's clock: one clock for every replica, so that skew between the replicas' own clocks cannot
    make a live claim look stale. SQLite is a file on this machine, so its clock is this machine's."""

    def __init__(self, db):
        self._db = db

    def now(self) -> datetime:
        if self._db.is_sqlite:
            return datetime.now(timezone.utc)
        from sqlalchemy import text

        with self._db.engine.connect() as conn:
            return conn.execute(text("SELECT now()")).scalar_one().astimezone(timezone.utc)
