"""Verification of actions (issue 13): did the target an action was meant to improve recover after it was done?

The rule, in the target's own periods (monthly, quarterly, ... in its calendar's zone):

- *before* is the last whole period that ended by the time the action was done (done 18 Oct, monthly: September);
- *after* is the first whole period that began at or after it was done (November): the whole of it is measured,
  so the verification waits until it has ended;
- it *recovered* when the target met its goal in the period after having missed it before; it *held* when it met
  it in both; it *did not recover* when it missed it after; with nothing measured after, nothing is claimed.

The record is written on the action (`verification`: "done 18 Oct 2026; T1 availability 99.95% -> 100%: held
(goal 99.9%)", and `verified_at`) and the next review pack shows it. Nobody is messaged: the owner hears it at the review,
where it is discussed, and a DM per action measured would be noise.

Scheduling: a reminders row of kind "action.verify" under f"action:{id}:verify:{end of the period after}", due then
(`plan_verification`). Actions are a lower layer than reviews and cannot call it when an action is done, so the
hourly backstop (bot.jobs.schedule_missing_reminders) plans it from one bounded anti-join: done actions with a
target and no verification that have no "action.verify" row (`plan_missing`). An action done is thus verified at
most an hour late in being planned, and measured when its period after ends, as the sweep finds the row due.
An action reopened and done again gets a new row (its period after moved); the old one finds itself moot.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot import reminders
from bot.measurements import compliance, periods
from bot.measurements.in_force import Measured
from bot.reviews.pack import achievement, percent, targets_in_force
from models import Action, ActionStatus, Agreement, Reminder, Target

KIND = "action.verify"
BACKSTOP_BATCH = 500  # per hourly run: a backlog of old done actions is planned over a few hours, not at once
# An action done longer ago than this is not verified by the backstop: its period after is history no review reads.
MAX_AGE = timedelta(days=366)


def key(action_id: int, after_end: datetime) -> str:
    return f"action:{action_id}:verify:{after_end.date().isoformat()}"


@dataclass(frozen=True)
class Window:
    before: compliance.Period
    after: compliance.Period


def window(target: Measured, done_at: datetime, fy: int) -> Window:
    """The target's whole period before the action was done, and its first whole period after."""
    tz = target.calendar.tz
    current = compliance.period_of(target.period, done_at, tz, fy)
    if current.start == done_at:  # done exactly on a boundary: the period starting then is the whole one after
        before = compliance.period_of(target.period, done_at - timedelta(seconds=1), tz, fy)
        return Window(before, current)
    before = compliance.period_of(target.period, current.start - timedelta(seconds=1), tz, fy)
    return Window(before, compliance.period_of(target.period, current.end, tz, fy))


def _target_of(session: Session, action: Action) -> Measured | None:
    target = session.get(Target, action.target_id) if action.target_id else None
    agreement = session.get(Agreement, target.agreement_id) if target else None
    if agreement is None or agreement.team_id != action.team_id or agreement.agreed_version is None:
        return None
    return next((t for t in targets_in_force(session, agreement) if t.target_id == target.id), None)


def plan_verification(session: Session, action: Action, now: datetime) -> Reminder | None:
    """Schedule the measuring of a done action's target for when its period after has ended (once per key)."""
    if action.status != ActionStatus.DONE.value or action.done_at is None or action.verification:
        return None
    target = _target_of(session, action)
    if target is None:
        return None
    after = window(target, action.done_at, periods.fy_start_month(session, action.team_id)).after
    return reminders.schedule(session, action.team_id, key(action.id, after.end), KIND, after.end,
                              action.owner_user_id or "", now, subject_id=action.id)


def plan_missing(session: Session, now: datetime) -> int:
    """The backstop: done actions with a target, not verified, without an "action.verify" row get one."""
    planned = (select(Reminder.subject_id).where(Reminder.kind == KIND, Reminder.team_id == Action.team_id,
                                                 Reminder.subject_id == Action.id).exists())
    # Only actions whose target's agreement is agreed (in their workspace) can be planned: those that cannot would
    # be read again every hour and, 500 of them, fill every batch for ever. The newest done first: a backlog of old
    # ones never holds up what was done this hour.
    rows = list(session.exec(select(Action)
                             .join(Target, Target.id == Action.target_id)
                             .join(Agreement, Agreement.id == Target.agreement_id)
                             .where(Action.status == ActionStatus.DONE.value, Action.done_at >= now - MAX_AGE,
                                    Action.verification.is_(None), Agreement.team_id == Action.team_id,
                                    Agreement.agreed_version.is_not(None), ~planned)
                             .order_by(Action.done_at.desc(), Action.id.desc()).limit(BACKSTOP_BATCH)))
    return sum(plan_verification(session, action, now) is not None for action in rows)


def _shown(value: Decimal | None) -> str:
    """Two decimals at most, for the sentence (the verdict is judged on the exact figure)."""
    if value is None:
        return "nothing measured"
    return f"{percent(value.quantize(Decimal('0.01')))}%"


def describe(target: Measured, done_at: datetime, before: tuple, after: tuple) -> str:
    """"done 18 Oct 2026; T1 availability 99.95% -> 100%: held (goal 99.9%)"."""
    (was, met_before), (now_is, met_after) = before, after
    if met_after is None:
        verdict = "nothing measured after it" if now_is is None else "measured (no goal to judge by)"
    elif met_after:
        verdict = "recovered" if met_before is False else "held"
    else:
        verdict = "did not recover" if met_before is False else "missed after it"
    goal = f" (goal {percent(target.goal)}%)" if target.goal is not None else ""
    local = done_at.astimezone(ZoneInfo(target.calendar.tz))
    what = f"{target.key} {target.level + ' ' if target.level else ''}{target.metric_name or target.kind}"[:200]
    return f"done {local.day} {local:%b %Y}; {what} {_shown(was)} -> {_shown(now_is)}: {verdict}{goal}"[:500]


def verify(session: Session, action: Action, now: datetime) -> str | None:
    """Measure and record the action's verification; None when its period after has not ended (or no target)."""
    target = _target_of(session, action)
    if target is None or action.done_at is None:
        return None
    span = window(target, action.done_at, periods.fy_start_month(session, action.team_id))
    if span.after.end > now:
        return None
    before = achievement(session, action.team_id, target, span.before, now)
    after = achievement(session, action.team_id, target, span.after, now)
    action.verification, action.verified_at = describe(target, action.done_at, before, after), now
    session.add(action)
    return action.verification


@reminders.handles(KIND)
def _verify_due(session: Session, due: reminders.Due) -> bool:
    """The period after has ended: measure and record. Moot for an action reopened, cancelled, already verified,
    or done again since (its new period after has a row of its own)."""
    action = session.get(Action, due.reminder.subject_id) if due.reminder.subject_id else None
    if action is None or action.team_id != due.reminder.team_id or action.status != ActionStatus.DONE.value:
        return False
    if action.verification:
        return False
    target = _target_of(session, action)
    if target is None or action.done_at is None:
        return False
    after = window(target, action.done_at, periods.fy_start_month(session, action.team_id)).after
    if key(action.id, after.end) != due.reminder.key:
        return False
    # True marks the row sent though nothing is messaged: what it was for (the record) is done.
    return verify(session, action, due.now) is not None
