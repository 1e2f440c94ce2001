"""Reminders: every message the bot sends at a time of its own choosing, kept as a row until it is due.

A domain schedules a reminder (`schedule`: once per key), and registers what is sent when it falls due
(`@handles("review.attendee")`: the handler queues the message through the once-only outbox under
`outbox_key(reminder)`). The sweep (`sweep_due`, woken by the scheduler each minute) reads only what is due, through
the index on (status, due_at), and hands each row to its handler in a transaction of its own that also marks the row
sent, and only if it is still pending at the same revision. So:

- a bot that was down when a reminder fell due sends it when it is back, with `late` set so the message says so;
- two sweeps at once (two replicas, or two threads) send it once: the outbox key is unique, and the row's move from
  pending to sent is a compare-and-set on (status, revision);
- a snooze moves the row's due time and bumps its revision, so the snoozed reminder is a new message, once;
- a handler that raises does not hold back the others, nor retry every minute forever: the row is tried again
  after a growing wait (`retry_at`: 1, 2, 4 ... minutes, at most an hour), and after MAX_ATTEMPTS failures it is
  marked failed and logged, so one broken row cannot fill every batch and starve what is due after it;
- a kind with no handler in this bot (a slice not deployed yet) is never read by the sweep: it waits, holding back
  nothing, and goes, late and saying so, once its handler exists.

Kinds in use beyond reviews: `lapse` (bot.cover.notices: an OLA or UC ending, or its notice date, due as the warning
window opens) and `breach.escalate` (bot.breaches.escalation: an alert nobody acknowledged, due at its priority's
time; acknowledging cancels it). An hourly backstop (bot.jobs) schedules the rows of any that have none.

Action nudges (issue 13) should follow the same shape: when an action is opened or its due date changes, schedule
`action:<id>:due:<date>:<offset>` rows (kind `action.nudge`, subject_id the action) due at the nudge times in the
owner's zone, and cancel the pending `action:<id>:` rows when it is done or its date moves; the handler returns
False when the action is done by then. No job scans the open actions.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import home_refresh
from models import Reminder, ReminderStatus, WorkspaceUninstall

log = logging.getLogger(__name__)

# Sent more than this after it was due, a reminder says it is late (the bot was down, or the database was).
LATE_AFTER = timedelta(minutes=15)
SWEEP_BATCH = 200
# A handler that raised is tried again after a growing wait, and given up on (status failed) after this many tries.
MAX_ATTEMPTS = 6
MAX_RETRY_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Due:
    """What a handler is given: the row as it was claimed, whether it is late, and the organisation's document
    settings (bot.agreements.DocSettings, passed through the sweep; None: the built-in defaults)."""

    reminder: Reminder
    now: datetime
    late: bool
    docs: Any = None


# kind -> handler(session, due) -> bool: True when it queued its message, False when the reminder is moot (the
# review was cancelled, the person already answered): the row is then cancelled instead of sent.
_HANDLERS: dict[str, Callable[[Session, Due], bool]] = {}


def handles(kind: str):
    def register(func):
        if kind in _HANDLERS and _HANDLERS[kind] is not func:
            raise ValueError(f"two handlers for reminders of kind {kind!r}")
        _HANDLERS[kind] = func
        return func
    return register


def outbox_key(reminder: Reminder) -> str:
    """The once-only key of the message a reminder sends: a snoozed reminder (a new revision) is a new message."""
    return f"reminder:{reminder.key}:r{reminder.revision}"[:200]


def schedule(session: Session, team_id: str, key: str, kind: str, due_at: datetime, recipient: str, now: datetime, *,
             subject_id: int | None = None, context: dict | None = None) -> Reminder:
    """The reminder under `key`, scheduled once: scheduling it again changes nothing and returns the row."""
    if due_at.tzinfo is None:
        raise ValueError("a reminder's due time must be time-zone aware")
    existing = get(session, team_id, key)
    if existing is not None:
        return existing
    row = Reminder(team_id=team_id, key=key[:200], kind=kind, due_at=due_at, recipient=recipient,
                   subject_id=subject_id, context=context or {}, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another replica scheduled it between our read and our write
        return get(session, team_id, key)
    return row


def get(session: Session, team_id: str, key: str) -> Reminder | None:
    return session.exec(select(Reminder).where(Reminder.team_id == team_id, Reminder.key == key[:200])).first()


def snooze(session: Session, reminder: Reminder, until: datetime) -> bool:
    """Send it again at `until` (a new message then). False if it was cancelled meanwhile."""
    if reminder.status == ReminderStatus.CANCELLED.value:
        return False
    reminder.status = ReminderStatus.PENDING.value
    reminder.due_at = until
    reminder.snoozed_until = until
    reminder.revision += 1
    reminder.sent_at = None
    reminder.late = False
    reminder.attempts, reminder.retry_at = 0, None
    session.add(reminder)
    home_refresh.refresh(session, reminder.team_id, [reminder.recipient], until)  # its Home lists it (no `now` here)
    return True


def cancel(session: Session, team_id: str, key_prefix: str) -> int:
    """Cancel every pending reminder whose key starts with `key_prefix` (a moved review, a retired SLA)."""
    result = session.exec(update(Reminder)
                          .where(Reminder.team_id == team_id, Reminder.status == ReminderStatus.PENDING.value,
                                 Reminder.key.startswith(key_prefix, autoescape=True))
                          .values(status=ReminderStatus.CANCELLED.value))
    return result.rowcount or 0


def due_query(now: datetime, limit: int = SWEEP_BATCH):
    """The pending reminders due by `now` that this bot knows how to send, oldest first: the index on (status,
    due_at) answers it, so its cost follows what is due, not what is stored. A kind nobody handles here (its slice
    is not deployed yet, or was removed) is not read at all: it waits, pending, holding back nothing, and goes
    (late, saying so) once a handler for it exists. A workspace that uninstalled the bot is skipped the same way:
    its reminders stay pending, and go (late, saying so) once it installs again, instead of being spent meanwhile."""
    return (select(Reminder.id)
            .where(Reminder.status == ReminderStatus.PENDING.value, Reminder.due_at <= now,
                   Reminder.kind.in_(sorted(_HANDLERS)),
                   Reminder.team_id.not_in(select(WorkspaceUninstall.team_id)),
                   or_(Reminder.retry_at.is_(None), Reminder.retry_at <= now))
            .order_by(Reminder.due_at, Reminder.id).limit(limit))


def due_ids(session: Session, now: datetime, limit: int = SWEEP_BATCH) -> list[int]:
    return list(session.exec(due_query(now, limit)))


def send_one(session: Session, reminder_id: int, now: datetime, *, docs: Any = None) -> str | None:
    """Hand one due reminder to its handler and settle it, in the caller's transaction: "sent", "cancelled", or
    None when another sweep got there first (or it was snoozed meanwhile) and nothing was done."""
    row = session.get(Reminder, reminder_id)
    if row is None or row.status != ReminderStatus.PENDING.value or row.due_at > now:
        return None
    if row.retry_at is not None and row.retry_at > now:  # it failed a moment ago: not yet
        return None
    handler = _HANDLERS.get(row.kind)
    if handler is None:  # due_ids does not offer these; a caller naming one by id gets nothing done
        return None
    revision = row.revision
    late = now - row.due_at > LATE_AFTER
    queued = handler(session, Due(reminder=row, now=now, late=late, docs=docs))
    status = ReminderStatus.SENT if queued else ReminderStatus.CANCELLED
    moved = session.exec(update(Reminder)
                         .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.PENDING.value,
                                Reminder.revision == revision)
                         .values(status=status.value, sent_at=now if queued else None, late=late)
                         .execution_options(synchronize_session=False))
    if not moved.rowcount:  # someone else settled or snoozed it while we worked: undo what we queued
        session.rollback()
        return None
    return status.value


def retry_wait(attempts: int) -> timedelta:
    """How long a reminder whose handler raised `attempts` times waits before it is tried again."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_RETRY_WAIT)


def record_failure(db, reminder_id: int, now: datetime) -> str | None:
    """A handler raised on this row: try it again later, or give up on it after MAX_ATTEMPTS (in a transaction of
    its own, since the one the handler ran in is gone). Only if it is still pending at the revision it failed at:
    a snooze or another sweep meanwhile wins. Returns the row's status after, or None when it was not ours."""
    with db.session() as session:
        row = session.get(Reminder, reminder_id)
        if row is None or row.status != ReminderStatus.PENDING.value:
            return None
        attempts = row.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        values = {"attempts": attempts, "retry_at": None if gave_up else now + retry_wait(attempts)}
        if gave_up:
            values["status"] = ReminderStatus.FAILED.value
        moved = session.exec(update(Reminder)
                             .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.PENDING.value,
                                    Reminder.revision == row.revision)
                             .values(**values).execution_options(synchronize_session=False))
        if not moved.rowcount:
            return None
        if gave_up:  # the kind and id say which; nothing a person typed is in them
            log.error("reminder %s (%s) failed %s times: given up on", reminder_id, row.kind, attempts)
        return values.get("status", ReminderStatus.PENDING.value)


def _failed(db, reminder_id: int, now: datetime) -> bool:
    try:
        return record_failure(db, reminder_id, now) is not None
    except Exception:  # noqa: BLE001 - the database is failing too: the next sweep tries again
        log.error("reminder %s: its failure could not be recorded", reminder_id)
        return False


def sweep_due(db, now: datetime, *, limit: int = SWEEP_BATCH, docs: Any = None) -> int:
    """Send what is due, each reminder in its own transaction (one failure is logged and holds back no other),
    batch after batch while whole batches get done (a bot back from a long stop catches up in one sweep).
    Returns how many were sent or cancelled."""
    done = 0
    while True:
        with db.session() as session:
            ids = due_ids(session, now, limit)
        settled = retried = 0
        for reminder_id in ids:
            try:
                with db.session() as session:
                    settled += send_one(session, reminder_id, now, docs=docs) is not None
            except IntegrityError:
                # A concurrent sweep queued the same message first: it has settled the row by now (a unique
                # violation is raised once the other transaction commits), and recording a failure finds it no
                # longer pending. Any other cause would repeat: it is counted like any failure, not retried forever.
                log.info("reminder %s: its message was queued already", reminder_id)
                retried += _failed(db, reminder_id, now)
            except Exception:  # noqa: BLE001 - one reminder's failure is logged; the others still go
                log.exception("reminder %s could not be sent; it is tried again later", reminder_id)
                retried += _failed(db, reminder_id, now)
        done += settled
        # A batch not full, or one where nothing moved (failing rows, another sweep ahead): the next minute's turn.
        # (A row that failed now waits for its retry_at, out of the next batch: the sweep goes on past it.)
        if len(ids) < limit or settled + retried == 0:
            return done


def pending(session: Session, team_id: str, key_prefix: str) -> Iterable[Reminder]:
    return session.exec(select(Reminder)
                        .where(Reminder.team_id == team_id, Reminder.status == ReminderStatus.PENDING.value,
                               Reminder.key.startswith(key_prefix, autoescape=True))
                        .order_by(Reminder.due_at, Reminder.id))
