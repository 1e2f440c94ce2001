"""Sending an action's nudges when they fall due, what their DMs show, and their snooze buttons (bot.actions.nudges
says when each goes and why). Each DM is queued through the once-only outbox under the reminder's key; a snooze edits
the DM in place to say when it comes back."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import outbox, reminders
from bot.actions import nudges
from bot.agreements.targets import describe
from bot.errors import DomainError, NotFound, PermissionDenied
from models import Action, Agreement, OutboxKind, Party, Reminder, ReminderStatus, Target

TEMPLATE = "action_nudge.yml.j2"
SNOOZES = {"day": timedelta(days=1), "week": timedelta(days=7)}


def _moment(at: datetime, zone: str) -> dict:
    """A moment for a template: its epoch (Slack shows it in each reader's zone) and a fallback in the row's zone."""
    local = at.astimezone(ZoneInfo(zone))
    return {"epoch": int(at.timestamp()), "text": local.strftime("%a %d %b %Y %H:%M ") + (local.tzname() or zone)}


def _day_label(days: int) -> str:
    return "1 day" if abs(days) == 1 else f"{abs(days)} days"


def when_due(action: Action, today) -> str:
    """ "due in 3 days", "due today", "overdue by 2 days": as of `today` (the reader's local date)."""
    days = (action.due - today).days
    if days > 0:
        return f"due in {_day_label(days)}"
    return "due today" if days == 0 else f"overdue by {_day_label(days)}"


def nudge_context(session: Session, action: Action, row: Reminder, now: datetime, *, late: bool = False,
                  revision: int | None = None, snoozed_until: datetime | None = None) -> dict:
    """The DM: the action, where it came from, when it is due, and buttons naming this message (reminder, revision)."""
    zone = row.context.get("tz", "UTC")
    today = now.astimezone(ZoneInfo(zone)).date()
    agreement = session.get(Agreement, action.agreement_id) if action.agreement_id else None
    target = session.get(Target, action.target_id) if action.target_id else None
    party = session.get(Party, action.owner_party_id) if action.owner_party_id else None
    return {"number": action.number, "title": action.title,
            "sla": agreement.name if agreement is not None and agreement.team_id == action.team_id else None,
            "target": describe(target.kind, target.level, target.duration, target.goal, target.metric_name,
                               target.threshold) if target is not None else None,
            "party": party.name if party is not None and party.team_id == action.team_id else None,
            "owner": action.owner_user_id, "for_manager": row.kind == nudges.OVERDUE_MANAGER,
            "due": _moment(nudges.nine_on(action.due, zone), zone) | {"text": action.due.strftime("%a %d %b %Y")},
            "when": when_due(action, today), "overdue": action.due < today, "origin_link": action.origin_link,
            "late": late, "due_at": _moment(row.due_at, zone) if late else None,
            "value": f"{row.id}:{revision or row.revision}", "done_value": str(action.number),
            "snoozed_until": _moment(snoozed_until, zone) if snoozed_until else None}


def _queue(session: Session, row: Reminder, action: Action, due: reminders.Due) -> None:
    outbox.enqueue(session, row.team_id, reminders.outbox_key(row), row.recipient, TEMPLATE,
                   {"ctx": nudge_context(session, action, row, due.now, late=due.late)}, due.now)


def _owner(session: Session, due: reminders.Due) -> bool:
    row = due.reminder
    action = nudges.live_action(session, row)
    if action is None:
        return False
    waiting = [r for r in reminders.pending(session, row.team_id, nudges.date_prefix(action))
               if r.kind in nudges.OWNER_KINDS and r.id != row.id]
    if row.kind == nudges.BEFORE and any(r.kind == nudges.DUE and r.due_at <= due.now for r in waiting):
        return False  # a bot back after a downtime: the day's own nudge says it; one DM, not two
    _queue(session, row, action, due)
    if not waiting and action.due <= due.now.astimezone(ZoneInfo(row.context.get("tz", "UTC"))).date():
        nudges.schedule_next_overdue(session, action, row.context.get("tz", "UTC"), due.now)  # tomorrow's
    return True


for _kind in nudges.OWNER_KINDS:
    reminders.handles(_kind)(_owner)


@reminders.handles(nudges.OVERDUE_MANAGER)
def _manager(session: Session, due: reminders.Due) -> bool:
    row = due.reminder
    action = nudges.live_action(session, row)
    if action is None:
        return False
    _queue(session, row, action, due)
    pending = [r for r in reminders.pending(session, row.team_id, nudges.date_prefix(action)) if r.id != row.id]
    nudges.schedule_manager_week(session, action, row.context.get("tz", "UTC"), due.now, pending)  # next week's
    return True


# ---- the snooze buttons -------------------------------------------------------------------------------------------
def _pressed(session: Session, team_id: str, user_id: str, value: str) -> tuple[Reminder, int, Action]:
    """The nudge a button names ("<reminder id>:<revision>"), if it is this person's, and its live action."""
    reminder_id, _, revision = (value or "").partition(":")
    row = session.get(Reminder, int(reminder_id)) if reminder_id.isdigit() else None
    if row is None or row.team_id != team_id or row.kind not in nudges.KINDS:
        raise NotFound("That reminder is gone.")
    if row.recipient != user_id:
        raise PermissionDenied("That reminder is someone else's.")
    action = nudges.live_action(session, row)
    if action is None:
        raise DomainError("That action is closed, or its due date or owner changed: nothing to remind you of.")
    return row, int(revision) if revision.isdigit() else row.revision, action


def message_key(row: Reminder, revision: int) -> str:
    """The outbox key of the DM a nudge sent at that revision (bot.reminders.outbox_key, as it was then)."""
    return f"reminder:{row.key}:r{revision}"[:200]


def snooze(session: Session, team_id: str, user_id: str, value: str, how: str, now: datetime) -> datetime:
    """Send this nudge again tomorrow or in a week, at 09:00 in its zone; returns when. The same message's button
    pressed again changes nothing: the nudge has moved on to its next revision."""
    row, revision, action = _pressed(session, team_id, user_id, value)
    if row.revision != revision or row.status == ReminderStatus.PENDING.value:
        return row.due_at  # snoozed from this message already
    zone = row.context.get("tz", "UTC")
    until = nudges.nine_on(now.astimezone(ZoneInfo(zone)).date() + SNOOZES[how], zone)
    for other in reminders.pending(session, team_id, nudges.prefix(action)):
        if other.recipient == user_id and other.id != row.id and other.due_at <= until:
            other.status = ReminderStatus.CANCELLED.value  # the snoozed one is the next they hear
            session.add(other)
    if not reminders.snooze(session, row, until):
        raise DomainError("That reminder was called off.")
    edits = int(row.context.get("edits", 0)) + 1
    row.context = {**row.context, "edits": edits}  # a new dict: the JSON column sees the change
    session.add(row)
    parent = message_key(row, revision)
    shown = nudge_context(session, action, row, now, revision=revision, snoozed_until=until)
    outbox.enqueue(session, team_id, f"{parent}:edit{edits}", row.recipient, TEMPLATE, {"ctx": shown}, now,
                   kind=OutboxKind.UPDATE, parent_key=parent)
    return until


def delivery_prefix(reminder: Reminder) -> str:
    """The outbox keys of one action's nudges and their edits: what a button's listener sends at once."""
    return f"reminder:action:{reminder.subject_id}:"
