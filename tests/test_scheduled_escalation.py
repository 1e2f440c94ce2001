"""A breach's escalation as a reminder row: scheduled when the alert opens, sent once when due (late, saying so,
after a downtime), cancelled when someone acknowledges it or it resolves, and scheduled by the backstop for an
alert that has none. Through the jobs with the frozen clock, and Slack's buttons with signed requests."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from bot import jobs, reminders
from bot.measurements.states import Level
from messages.ids import Action
from models import Breach, Outbox, Reminder
from tests.breach_world import ALICE, BOB, NETWORK_CHANNEL, sweep, world  # noqa: F401  (fixtures)
from tests.conftest import START
from tests.helpers import text_of


@contextmanager
def count_loaded(entity):
    """The rows of `entity` the ORM loads meanwhile (SQLAlchemy's load event)."""
    loaded: list = []

    def on_load(target, _context):
        loaded.append(target)
    event.listen(entity, "load", on_load)
    try:
        yield loaded
    finally:
        event.remove(entity, "load", on_load)


def escalations(sandbox) -> list[str]:
    return [text_of(m) for m in sandbox.dms(ALICE) if not m.thread_ts and "Escalated to you" in text_of(m)]


def rows(db) -> list[tuple[str, str, object]]:
    with db.session() as s:
        return [(r.key, r.status, r.due_at) for r in s.exec(select(Reminder).where(Reminder.kind == "breach.escalate")
                                                          .order_by(Reminder.id))]


def test_an_alert_nobody_acknowledges_is_escalated_once_at_its_prioritys_time(slack, sandbox, db, clock, world, sweep):
    assert slack.command("settings escalate_p1 20m").ok
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    with db.session() as s:
        breach_id = s.exec(select(Breach.id)).one()
    assert rows(db) == [(f"breach:{breach_id}:escalate:0", "pending", START + timedelta(minutes=20))]
    clock.advance(minutes=19, seconds=59)
    sweep(world.state(Level.WARNING, 85, "3h24m of 4h used"))
    assert escalations(sandbox) == []
    clock.advance(seconds=1)
    sweep(world.state(Level.WARNING, 86, "3h25m of 4h used"))
    [told] = escalations(sandbox)
    assert "nobody acknowledged this alert in time" in told and "Late" not in told
    clock.advance(hours=2)
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))  # a second replica, the same minute
    assert len(escalations(sandbox)) == 1
    assert [status for _k, status, _d in rows(db)] == ["sent"]


def test_a_bot_down_when_the_escalation_fell_due_sends_it_when_back_late_and_once(slack, sandbox, db, clock, world,
                                                                                  sweep):
    assert slack.command("settings escalate_p1 15m").ok
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    clock.advance(hours=3)  # the bot was down from a minute after the alert until now
    sweep(world.state(Level.BREACHED, 120, "4h12m of 4h used"))
    sweep(world.state(Level.BREACHED, 120, "4h12m of 4h used"))
    [told] = escalations(sandbox)
    assert "Late: this fell due at 2026-03-02 09:15 UTC, while the bot was unavailable" in told
    with db.session() as s:
        assert s.exec(select(Reminder)).one().late is True


def test_acknowledging_cancels_the_escalation(slack, sandbox, db, clock, world, sweep):
    assert slack.command("settings escalate_p1 20m").ok
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    clock.advance(minutes=10)
    assert slack.click(Action.BREACH_ACKNOWLEDGE, message=alert, user=BOB).ok
    assert [status for _k, status, _d in rows(db)] == ["cancelled"]
    clock.advance(hours=5)
    sweep(world.state(Level.BREACHED, 130, "5h12m of 4h used"))
    assert escalations(sandbox) == []


def test_a_resolved_alert_is_not_escalated_and_one_reopened_is_escalated_again_in_its_time(slack, sandbox, db, clock,
                                                                                           world, sweep):
    assert slack.command("settings escalate_p1 30m").ok
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    clock.advance(minutes=10)
    sweep(world.state(Level.WARNING, 84, "3h22m of 4h used", ended=True))  # resolved in time
    clock.advance(hours=1)
    sweep()
    assert escalations(sandbox) == []
    sweep(world.state(Level.WARNING, 85, "3h24m of 4h used"))  # the ticket reopened: its clock runs again
    with db.session() as s:
        breach_id = s.exec(select(Breach.id)).one()
    # Opened over 30 minutes ago and nobody has it: the reopened alert is escalated in the same minute.
    assert rows(db) == [(f"breach:{breach_id}:escalate:0", "cancelled", START + timedelta(minutes=30)),
                        (f"breach:{breach_id}:escalate:1", "sent", clock.now())]
    [told] = escalations(sandbox)
    assert "Late" not in told
    sweep(world.state(Level.WARNING, 85, "3h24m of 4h used"))
    assert len(escalations(sandbox)) == 1


def test_the_backstop_schedules_an_open_alert_without_a_row_and_then_reads_nothing(slack, sandbox, db, clock, world,
                                                                                   sweep, harness_clean):
    """An alert opened before escalations were rows: the hourly backstop schedules it (at once: it is overdue)."""
    assert slack.command("settings escalate_p1 20m").ok
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    with db.session() as s:
        s.delete(s.exec(select(Reminder)).one())  # as the upgrade found it
    clock.advance(hours=1)
    jobs.schedule_missing_reminders(harness_clean.deps)
    with db.session() as s:
        breach_id = s.exec(select(Breach.id)).one()
    assert rows(db) == [(f"breach:{breach_id}:escalate:0", "pending", clock.now())]
    sweep(world.state(Level.WARNING, 90, "3h36m of 4h used"))
    [told] = escalations(sandbox)
    assert "Late" not in told  # due when the backstop found it, not when the bot was down
    with count_loaded(Breach) as loaded:
        jobs.schedule_missing_reminders(harness_clean.deps)
    assert loaded == [] and len(rows(db)) == 1


def test_two_sweeps_at_once_escalate_once(slack, sandbox, db, clock, world, sweep):
    """Two replicas' sweeps in the same second (threads; on PostgreSQL they truly race): one escalation."""
    assert slack.command("settings escalate_p1 20m").ok
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    clock.advance(minutes=25)
    barrier = threading.Barrier(2)
    done, errors = [], []

    def replica():
        try:
            try:
                barrier.wait(timeout=0.5)
            except threading.BrokenBarrierError:
                pass
            done.append(reminders.sweep_due(db, clock.now()))
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and sorted(done) == [0, 1]
    with db.session() as s:
        breach = s.exec(select(Breach)).one()
        assert [e["what"] for e in breach.timeline].count("escalated") == 1
        assert len(s.exec(select(Outbox).where(Outbox.key.contains(":escalated:"))).all()) == 1
    sweep(world.state(Level.WARNING, 86, "3h25m of 4h used"))
    assert len(escalations(sandbox)) == 1
