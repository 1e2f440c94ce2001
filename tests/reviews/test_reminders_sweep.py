"""The reminder sweep: its cost follows what is due (the index on (status, due_at), and only due rows loaded), a kind
nobody handles holds back nothing, and two sweeps at once send each reminder once: two threads (both databases),
and two processes on PostgreSQL."""
from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from bot import reminders
from models import Reminder
from tests.reviews.remind_world import (ALICE, ATTENDEES, CHANNEL, World, deliver, outbox_keys,
                                        world)  # noqa: F401  (fixture)
from tests.helpers import text_of

UTC = timezone.utc
REVIEW_AT = datetime(2026, 3, 17, 10, 0, tzinfo=UTC)  # Tuesday; its first reminders are due Tuesday 10 March 10:00
FIRST_DUE = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
UNHANDLED = "test.unhandled"


def _future_rows(db, team: str, review_id: int, count: int) -> None:
    with db.session() as s:
        s.add_all(Reminder(team_id=team, key=f"review:{review_id}:attendee:U0FUTURE{n}:1 day", kind="review.attendee",
                           due_at=REVIEW_AT - timedelta(hours=1), recipient=f"U0FUTURE{n}", subject_id=review_id,
                           created_at=FIRST_DUE) for n in range(count))


def _plan(db) -> str:
    """The database's plan for the sweep's query (the plan does not depend on the values bound)."""
    statement = reminders.due_query(FIRST_DUE)
    with db.engine.connect() as conn:
        compiled = statement.compile(conn, compile_kwargs={"render_postcompile": True})
        if db.is_sqlite:
            values = tuple(str(compiled.params[k]) for k in compiled.positiontup)
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, values).all()
            return "\n".join(str(r[-1]) for r in rows)
        conn.execute(text("ANALYZE reminder"))
        return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + compiled.string, compiled.params))


def test_the_sweep_reads_only_what_is_due(harness_clean, db, team, world: World):
    review_id = world.review(REVIEW_AT, FIRST_DUE - timedelta(days=7))
    _future_rows(db, team, review_id, 600)
    assert "ix_reminder_due" in _plan(db)

    loaded: list[Reminder] = []

    def seen(_session, instance):
        if isinstance(instance, Reminder):
            loaded.append(instance)

    event.listen(Session, "loaded_as_persistent", seen)
    try:
        assert reminders.sweep_due(db, FIRST_DUE) == len(ATTENDEES) + 1  # three DMs and the channel's notice
    finally:
        event.remove(Session, "loaded_as_persistent", seen)
    assert len(loaded) == len(ATTENDEES) + 1 and {r.kind for r in loaded} == {"review.attendee", "review.notice"}


def _handled_at_last(session, due) -> bool:
    return due.late  # queued nothing; says it was sent, and only if it knows it is late


def test_a_kind_nobody_handles_holds_back_nothing_and_is_not_read_again(harness_clean, db, team, world: World):
    review_id = world.review(REVIEW_AT, FIRST_DUE - timedelta(days=7))
    with db.session() as s:  # older than everything due, and more than a batch
        s.add_all(Reminder(team_id=team, key=f"other:{n}", kind=UNHANDLED, due_at=FIRST_DUE - timedelta(days=1),
                           recipient=CHANNEL, created_at=FIRST_DUE) for n in range(5))
    assert reminders.sweep_due(db, FIRST_DUE, limit=2) == len(ATTENDEES) + 1  # batch after batch, past them
    with db.session() as s:
        assert reminders.due_ids(s, FIRST_DUE + timedelta(minutes=1)) == []
        assert [r.status for r in reminders.pending(s, team, "other:")] == ["pending"] * 5
    assert len([k for k in outbox_keys(db) if k.startswith(f"reminder:review:{review_id}:")]) == len(ATTENDEES) + 1

    reminders.handles(UNHANDLED)(_handled_at_last)  # the slice that sends them is deployed: they go, late
    try:
        assert reminders.sweep_due(db, FIRST_DUE + timedelta(minutes=1)) == 5
    finally:
        reminders._HANDLERS.pop(UNHANDLED)
    with db.session() as s:
        assert list(reminders.pending(s, team, "other:")) == []


def _expect_each_once(harness, sandbox, db, review_id: int, world_team: str = "T0SANDBOX") -> None:
    keys = outbox_keys(db)
    assert len(keys) == len(set(keys)) == len(ATTENDEES) + 1
    deliver(harness)
    for user in ATTENDEES:
        assert len([m for m in sandbox.dms(user) if "Service review" in text_of(m)]) == 1
    with db.session() as s:
        done = [r for r in reminders.pending(s, world_team, f"review:{review_id}:")
                if r.due_at <= FIRST_DUE]
    assert done == []


@pytest.mark.parametrize("attempt", range(2))
def test_two_sweeps_at_once_in_two_threads_send_each_reminder_once(harness_clean, sandbox, db, world: World, attempt):
    review_id = world.review(REVIEW_AT, FIRST_DUE - timedelta(days=7))
    barrier = threading.Barrier(2)
    errors: list[Exception] = []
    settled: list[int] = []

    def sweep():
        try:
            barrier.wait(timeout=5)
            settled.append(reminders.sweep_due(db, FIRST_DUE))
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and sum(settled) == len(ATTENDEES) + 1
    _expect_each_once(harness_clean, sandbox, db, review_id)


SWEEPER = """
import sys
from datetime import datetime
from bot import reminders, reviews  # reviews: its handlers
from bot.database import Database
db = Database(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
print(reminders.sweep_due(db, datetime.fromisoformat(sys.argv[2])), flush=True)
"""


def test_two_sweeps_at_once_in_two_processes_send_each_reminder_once(harness_clean, sandbox, db, world: World):
    if db.is_sqlite:
        pytest.skip("two processes on one database: PostgreSQL (SQLite's are covered by the threads' test)")
    review_id = world.review(REVIEW_AT, FIRST_DUE - timedelta(days=7))
    sweepers = [subprocess.Popen([sys.executable, "-c", SWEEPER, db.url, FIRST_DUE.isoformat()], text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(2)]
    try:
        assert [p.stdout.readline().strip() for p in sweepers] == ["ready", "ready"]
        for p in sweepers:  # both are connected and waiting: the race starts as close together as it can
            p.stdin.write("go\n")
            p.stdin.flush()
        settled = [int(p.communicate(timeout=60)[0].strip()) for p in sweepers]
    finally:
        for p in sweepers:
            if p.poll() is None:
                p.kill()
    assert sum(settled) == len(ATTENDEES) + 1
    _expect_each_once(harness_clean, sandbox, db, review_id)


def test_a_double_click_on_a_first_answer_records_it_once_and_edits_once(harness_clean, sandbox, db, team,
                                                                         world: World):
    from bot import reviews
    from models import ReviewRsvp, RsvpAnswer
    from sqlmodel import select

    review_id = world.review(REVIEW_AT, FIRST_DUE - timedelta(days=7))
    reminders.sweep_due(db, FIRST_DUE)
    deliver(harness_clean)
    [row] = [r for r in world.reminders(review_id) if r.recipient == ALICE and r.kind == "review.attendee"
             and r.status == "sent"]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []
    changed: list[bool] = []

    def press():
        try:
            with db.session() as s:
                s.exec(select(ReviewRsvp.id)).all()  # a read before the race, as a request does
                try:
                    barrier.wait(timeout=0.5)
                except threading.BrokenBarrierError:
                    pass  # SQLite: the other waits for this unit of work
                changed.append(reviews.answer(s, team, ALICE, f"{row.id}:{row.revision}", RsvpAnswer.ATTEND,
                                              FIRST_DUE + timedelta(minutes=5)))
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and sorted(changed) == [False, True]
    deliver(harness_clean)
    [dm] = [m for m in sandbox.dms(ALICE) if "Service review" in text_of(m)]
    assert dm.edits == 1 and "You answered: *I'll attend*" in text_of(dm)
    with db.session() as s:
        assert [(r.user_id, r.answer) for r in s.exec(select(ReviewRsvp))] == [(ALICE, "attend")]
