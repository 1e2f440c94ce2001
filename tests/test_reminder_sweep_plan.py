"""The reminders sweep reads what is due through the index on (status, due_at), on SQLite and on PostgreSQL, so its
cost follows what is due, not what is stored (the benchmark, tests/bench/test_bench_sweep.py, measures it at a
million rows)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, text

from bot import reminders
from bot.breaches import escalation
from models import Reminder
from tests.conftest import START


def test_the_due_reminders_are_read_through_their_index(db, team):
    with db.engine.begin() as conn:  # a year's rows: half sent, half pending for later, and a few due
        conn.execute(insert(Reminder.__table__), [
            {"team_id": team, "key": f"r:{i}", "kind": escalation.ESCALATE, "recipient": "U0ALICE", "context": {},
             "status": "sent" if i % 2 else "pending", "revision": 1, "late": False, "attempts": 0,
             "due_at": START + timedelta(minutes=(-1 if i % 2 else 1) * (i + 10) if i >= 20 else -i - 1),
             "created_at": START} for i in range(5_000)])
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE reminder"))
    query = reminders.due_query(START).compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        plan = " ".join(" ".join(str(c) for c in row)
                        for row in conn.execute(text(("EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN ") + str(query))))
    assert "ix_reminder_due" in plan, plan
    with db.session() as s:
        assert len(reminders.due_ids(s, START)) == 10  # the pending ones among the first twenty
