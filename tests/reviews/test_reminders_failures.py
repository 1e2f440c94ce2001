"""A reminder whose handler raises: it holds back nothing due after it (not even when failing rows fill whole
batches), is tried again after a growing wait rather than every minute, and is given up on (status failed) after
MAX_ATTEMPTS. Through the scheduler's job, with the frozen clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot import jobs, reminders
from models import Reminder, ReminderStatus

UTC = timezone.utc
DUE = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
RAISES, WORKS, CLASHES = "test.raises", "test.works", "test.clashes"
CALLS: dict[str, int] = {}


@reminders.handles(RAISES)
def _raises(session, due) -> bool:
    CALLS[due.reminder.key] = CALLS.get(due.reminder.key, 0) + 1
    raise RuntimeError("the handler is broken")


@reminders.handles(CLASHES)
def _clashes(session, due) -> bool:  # a fault that looks like a concurrent sweep's duplicate, every time
    CALLS[due.reminder.key] = CALLS.get(due.reminder.key, 0) + 1
    raise IntegrityError("INSERT", {}, Exception("duplicate key"))


@reminders.handles(WORKS)
def _works(session, due) -> bool:
    CALLS[due.reminder.key] = CALLS.get(due.reminder.key, 0) + 1
    return True


def _rows(db, team, kind, count, due_at):
    with db.session() as s:
        s.add_all(Reminder(team_id=team, key=f"{kind}:{n}", kind=kind, due_at=due_at, recipient="C0REVIEW",
                           created_at=due_at) for n in range(count))


def _status(db) -> dict[str, tuple[str, int]]:
    with db.session() as s:
        return {r.key: (r.status, r.attempts) for r in s.exec(select(Reminder).order_by(Reminder.id))}


def _sweep(harness, at: datetime) -> None:
    harness.clock.set(at)
    jobs.sweep_reminders(harness.deps)


def test_failing_rows_fill_the_batch_and_what_is_due_after_them_still_goes(harness_clean, db, team):
    CALLS.clear()
    _rows(db, team, RAISES, 5, DUE - timedelta(days=1))  # older than what works, and more than a whole batch
    _rows(db, team, WORKS, 4, DUE)
    assert reminders.sweep_due(db, DUE, limit=3) == 4
    shown = _status(db)
    assert all(shown[f"{WORKS}:{n}"] == ("sent", 0) for n in range(4))
    assert all(shown[f"{RAISES}:{n}"] == ("pending", 1) for n in range(5))
    assert all(CALLS[f"{RAISES}:{n}"] == 1 for n in range(5))  # once each in that sweep, not again and again


@pytest.mark.parametrize("kind", [RAISES, CLASHES])
def test_a_failing_reminder_backs_off_and_is_given_up_on(harness_clean, db, team, kind):
    CALLS.clear()
    _rows(db, team, kind, 1, DUE)
    key = f"{kind}:0"
    at = DUE
    for attempt in range(1, reminders.MAX_ATTEMPTS + 1):
        _sweep(harness_clean, at)
        assert CALLS[key] == attempt
        _sweep(harness_clean, at + timedelta(seconds=30))  # the next minute's sweep leaves it alone while it waits
        assert CALLS[key] == attempt
        at += reminders.retry_wait(attempt)
    assert _status(db)[key] == (ReminderStatus.FAILED.value, reminders.MAX_ATTEMPTS)
    for later in (timedelta(hours=1), timedelta(days=1)):  # given up on: never tried again
        _sweep(harness_clean, at + later)
    assert CALLS[key] == reminders.MAX_ATTEMPTS
    assert reminders.retry_wait(1) == timedelta(minutes=1)
    assert reminders.retry_wait(30) == reminders.MAX_RETRY_WAIT


def test_a_snooze_starts_its_tries_afresh(harness_clean, db, team):
    CALLS.clear()
    _rows(db, team, RAISES, 1, DUE)
    _sweep(harness_clean, DUE)
    with db.session() as s:
        row = reminders.get(s, team, f"{RAISES}:0")
        assert (row.attempts, row.retry_at) == (1, DUE + timedelta(minutes=1))
        reminders.snooze(s, row, DUE + timedelta(hours=2))
    with db.session() as s:
        row = reminders.get(s, team, f"{RAISES}:0")
        assert (row.attempts, row.retry_at, row.status) == (0, None, "pending")
