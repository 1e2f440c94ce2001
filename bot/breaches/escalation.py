"""How long an alert may go unacknowledged before the service managers hear of it: a workspace setting per
priority (`/slm settings escalate_p1 15m`, defaults in bot.workspace.settings). Period goals and burn-rate alerts
have no priority: they take P2's.

The escalation is a reminder row (bot.reminders, kind `breach.escalate`), scheduled when the alert opens (or opens
again) and due at the priority's time; acknowledging, escalating by hand or resolving cancels it. The sweep hands
it to `bot.breaches.jobs` when due, so nothing scans the open alerts each minute, and a bot that was down escalates
when it is back, once, saying it is late. The time is the setting's when the alert opened: changing the setting
moves the escalations of alerts opened after the change.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists
from sqlmodel import Session, select

from bot import parsing, reminders
from bot.workspace import settings as workspace_settings
from models import Breach, BreachState, Reminder

PRIORITIES = ("P1", "P2", "P3", "P4")
WITHOUT_PRIORITY = "P2"
ESCALATE = "breach.escalate"  # the reminders' kind
ESCALATES = (BreachState.WARNING.value, BreachState.BREACHED.value)  # open and nobody has it yet
BACKSTOP_BATCH = 500
NOT_YET = {"escalated_at": None, "escalated_by": None}  # an alert nobody escalated: the audit trail's before


def escalate_after(session: Session, team_id: str, priority: str | None) -> timedelta:
    level = priority if priority in PRIORITIES else WITHOUT_PRIORITY
    canonical = workspace_settings.get(session, team_id, f"escalate_{level.lower()}")
    return timedelta(minutes=parsing.parse_duration(canonical).minutes)


def _prefix(breach: Breach) -> str:
    return f"breach:{breach.id}:escalate:"


def schedule_escalation(session: Session, breach: Breach, now: datetime) -> Reminder | None:
    """Due the priority's time after the alert opened (at once, for an alert reopened after that time). An alert
    reopened is a new escalation: the key carries how many times it was reopened."""
    if breach.state not in ESCALATES or breach.acknowledged_at is not None or breach.escalated_at is not None:
        return None
    reopened = sum(1 for e in breach.timeline if e.get("what") == "reopened")
    due = max(breach.opened_at + escalate_after(session, breach.team_id, breach.priority), now)
    # Many recipients (the service managers when it falls due): the row names the alert's first copy.
    row = reminders.schedule(session, breach.team_id, f"{_prefix(breach)}{reopened}", ESCALATE, due,
                             breach.channel[:32], now, subject_id=breach.id)
    if breach.timeline and breach.timeline[0].get("ladder"):  # a set ladder says when the service managers hear:
        stop_escalation(session, breach)  # the row stays, cancelled, so the backstop does not schedule it again
        return None
    return row


def stop_escalation(session: Session, breach: Breach) -> int:
    """Someone has it (acknowledged, escalated by hand) or it is over: its escalation is not sent."""
    return reminders.cancel(session, breach.team_id, _prefix(breach))


def unscheduled(session: Session, limit: int = BACKSTOP_BATCH) -> list[Breach]:
    """Open alerts nobody has yet and without an escalation row (opened before escalations were rows, or by a
    replica that failed between): the backstop schedules theirs. Reads the open alerts only."""
    has_row = exists().where(and_(Reminder.team_id == Breach.team_id, Reminder.kind == ESCALATE,
                                  Reminder.subject_id == Breach.id))
    return list(session.exec(select(Breach).where(Breach.state.in_(ESCALATES), Breach.acknowledged_at.is_(None),
                                                  Breach.escalated_at.is_(None), ~has_row)
                             .order_by(Breach.id).limit(limit)))
