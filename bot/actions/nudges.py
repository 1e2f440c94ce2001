"""An action's nudges: DMs to its owner before the due date and on the day, and once overdue, daily to the owner and
weekly to the service managers, each snoozable. Each is a bot.reminders row keyed "action:<id>:<due date>:...", so
closing the action cancels them by the prefix "action:<id>:", and a moved date leaves the old date's rows moot.

When (all at 09:00, the start of a working day):
- "action.before": the workspace setting `action_nudge_before` (default 2 working days) before the due date, its
  working days those of the organisation's working calendar (the `working_calendar` setting: its open weekdays less
  its public holidays and closure days; Monday to Friday while it names none), counted as
  bot.calendars.working_days counts them for a complaint's answer; "action.due": on the due date; "action.overdue": each day after it, `:overdue:<n>` being n days late
  (sending one schedules the next day's, so one such row is pending at a time);
- "action.overdue_manager": to each service manager (the workspace admins while none is granted), on the first day
  overdue and each week after, `:overdue_manager:<n>:<user>` being week n.

In whose zone: the recipient's, as Slack last told us (their profile's zone, cached as they use the bot), else the
organisation's. A DM is read by one person, so 09:00 on their own morning is when it is useful; the due *date* stays
the organisation's calendar day (the day add_action checked against). A person Slack has not told us of yet gets
09:00 in the organisation's zone when the caller passes it as `tz` (the actor's org_tz), else in the zone of whoever
recorded the action (they just used the bot, so Slack has told us theirs), else UTC.

A snooze ("tomorrow" or "next week", 09:00 in the same zone) moves that row (bot.reminders.snooze: a new message
then) and cancels the recipient's other nudges of the action due before it, so the snoozed one is the next they get;
once it is sent, the daily (or weekly) ones resume from that day. A handler finds its nudge moot, and sends nothing,
when the action is done or cancelled, its date moved, or (owner nudges) its owner changed.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot import reminders
from bot.calendars import working_days
from bot.parsing.recurrence import read_offset
from bot.workspace import roles, settings as workspace_settings
from models import Action, ActionStatus, Member, Reminder, ReminderStatus

BEFORE, DUE, OVERDUE, OVERDUE_MANAGER = "action.before", "action.due", "action.overdue", "action.overdue_manager"
OWNER_KINDS = (BEFORE, DUE, OVERDUE)
KINDS = (*OWNER_KINDS, OVERDUE_MANAGER)
NUDGE_AT = time(9, 0)
OPEN = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)
MAX_DAYS_BACK = 60  # "n working days" counts back at most this far


# ---- keys and times -----------------------------------------------------------------------------------------------
def prefix(action: Action) -> str:
    return f"action:{action.id}:"


def date_prefix(action: Action) -> str:
    """The rows of the action's current due date: those of an earlier date are moot."""
    return f"{prefix(action)}{action.due.isoformat()}:"


def due_of_key(key: str) -> str:
    """The due date a row was scheduled for: "action:<id>:<date>:..." -> "<date>"."""
    return key.split(":")[2] if key.count(":") >= 3 else ""


def zone_of(session: Session, team_id: str, user_id: str, fallback: str) -> str:
    member = session.exec(select(Member).where(Member.team_id == team_id, Member.user_id == user_id)).first()
    return member.tz if member is not None and member.tz else fallback


def nine_on(day: date, zone: str) -> datetime:
    """09:00 local on that day, in UTC (09:00 is never skipped by a clock change)."""
    return datetime.combine(day, NUDGE_AT, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def before_day(session: Session, action: Action) -> date:
    """The day of the first nudge: the setting's days, or working days of the organisation's working calendar,
    before the due date."""
    offset = read_offset(workspace_settings.get(session, action.team_id, "action_nudge_before"))
    if offset.unit == "day":
        return action.due - timedelta(days=offset.amount)
    calendar = working_days.organisation_calendar(session, action.team_id)
    day, counted = action.due, 0
    for _ in range(MAX_DAYS_BACK):
        day -= timedelta(days=1)
        counted += working_days.is_working_day(day, calendar)
        if counted >= offset.amount:
            break
    return day


def next_overdue(action: Action, zone: str, now: datetime) -> int:
    """The first n (days late) whose daily nudge is still ahead of `now`."""
    n = max(1, (now.astimezone(ZoneInfo(zone)).date() - action.due).days)
    return n if nine_on(action.due + timedelta(days=n), zone) > now else n + 1


def manager_week_day(action: Action, n: int) -> date:
    return action.due + timedelta(days=1 + 7 * (n - 1))


def next_manager_week(action: Action, zone: str, now: datetime) -> int:
    n = 1
    while nine_on(manager_week_day(action, n), zone) <= now:
        n += 1
    return n


# ---- planning -----------------------------------------------------------------------------------------------------
def _pending(session: Session, action: Action) -> list[Reminder]:
    return list(reminders.pending(session, action.team_id, prefix(action)))


def _settle_stale(session: Session, action: Action, rows: list[Reminder]) -> list[Reminder]:
    """Cancel the pending rows of another due date, and the owner's nudges of an owner since replaced; the rest."""
    kept = []
    for row in rows:
        stale = due_of_key(row.key) != action.due.isoformat() or (
            row.kind in OWNER_KINDS and row.recipient != action.owner_user_id)
        if stale:
            row.status = ReminderStatus.CANCELLED.value
            session.add(row)
        else:
            kept.append(row)
    return kept


def _schedule(session: Session, action: Action, key: str, kind: str, at: datetime, user_id: str, zone: str,
              now: datetime) -> Reminder:
    return reminders.schedule(session, action.team_id, key, kind, at, user_id, now, subject_id=action.id,
                              context={"tz": zone})


def schedule_next_overdue(session: Session, action: Action, zone: str, now: datetime) -> Reminder:
    n = next_overdue(action, zone, now)
    return _schedule(session, action, f"{date_prefix(action)}overdue:{n}", OVERDUE,
                     nine_on(action.due + timedelta(days=n), zone), action.owner_user_id, zone, now)


def schedule_manager_week(session: Session, action: Action, fallback: str, now: datetime,
                          pending: list[Reminder]) -> None:
    """Each manager's next weekly nudge, unless one of theirs is pending (a snoozed one included)."""
    waiting = {r.recipient for r in pending if r.kind == OVERDUE_MANAGER}
    for user_id in roles.managers(session, action.team_id):
        if user_id == action.owner_user_id or user_id in waiting:
            continue  # the owner hears daily already
        zone = zone_of(session, action.team_id, user_id, fallback)
        n = next_manager_week(action, zone, now)
        _schedule(session, action, f"{date_prefix(action)}overdue_manager:{n}:{user_id}", OVERDUE_MANAGER,
                  nine_on(manager_week_day(action, n), zone), user_id, zone, now)


def plan(session: Session, action: Action, now: datetime, tz: str | None = None) -> None:
    """Schedule (once) the nudges of an open action for its current due date and owner; call again after the date
    or the owner changes (the old date's rows are cancelled). `tz`: the organisation's zone, for people whose own
    zone Slack has not told us yet (without it: the recorder's, see above). Nudges whose time has passed are not sent late: the next one ahead is planned."""
    if action.id is None:
        session.flush()
    if action.status not in OPEN:
        forget(session, action)
        return
    tz = tz or (zone_of(session, action.team_id, action.created_by, "UTC") if action.created_by else "UTC")
    pending = _settle_stale(session, action, _pending(session, action))
    if action.owner_user_id and not any(r.kind in OWNER_KINDS for r in pending):
        zone = zone_of(session, action.team_id, action.owner_user_id, tz)
        ahead = [(f"{date_prefix(action)}{name}", kind, nine_on(day, zone))
                 for name, kind, day in (("before", BEFORE, before_day(session, action)), ("due", DUE, action.due))]
        ahead = [(key, kind, at) for key, kind, at in ahead
                 if at > now and reminders.get(session, action.team_id, key) is None]
        for key, kind, at in ahead:
            _schedule(session, action, key, kind, at, action.owner_user_id, zone, now)
        if not ahead:
            schedule_next_overdue(session, action, zone, now)
    schedule_manager_week(session, action, tz, now, pending)


def forget(session: Session, action: Action) -> None:
    """Cancel the action's pending nudges (it is done or cancelled)."""
    if action.id is not None:
        reminders.cancel(session, action.team_id, prefix(action))


def live_action(session: Session, row: Reminder) -> Action | None:
    """The action a nudge is for, while it still means something: open, the same due date, (owner nudges) the same
    owner."""
    action = session.get(Action, row.subject_id) if row.subject_id else None
    if action is None or action.team_id != row.team_id or action.status not in OPEN:
        return None
    if due_of_key(row.key) != action.due.isoformat():
        return None
    if row.kind in OWNER_KINDS and row.recipient != action.owner_user_id:
        return None
    return action
