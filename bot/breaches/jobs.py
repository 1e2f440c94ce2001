"""The breach sweep (bot/jobs.py runs it every minute, before the outbox sends): each workspace's targets are
evaluated and their breaches moved forward. And the escalation of an alert nobody acknowledged, when its reminder
row falls due (the reminders sweep calls `escalate_when_due`), with the backstop that schedules what has no row.

Safe in several replicas at once: a breach row is locked while it moves, and what it queues has keys that make it
once-only; the outbox job then sends it. One workspace that cannot be swept is logged and holds up no other.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlmodel import select

from bot import breaches, reminders
from bot.breaches import escalation
from bot.errors import NotFound
from bot.measurements import evaluate as evaluation
from models import Agreement, AgreementKind, WorkspaceUninstall

log = logging.getLogger(__name__)


def teams_with_agreements(session) -> list[str]:
    """The workspaces with an SLA, but not one that uninstalled the bot: its alerts would be spent on nobody (they are
    evaluated again once it installs again)."""
    return list(session.exec(select(Agreement.team_id).where(Agreement.kind == AgreementKind.SLA.value,
                                                             Agreement.team_id.not_in(select(WorkspaceUninstall.team_id)))
                             .distinct().order_by(Agreement.team_id)))


def sweep(deps, states_for: Callable | None = None, *, team_ids: list[str] | None = None) -> int:
    """Evaluate and move each workspace's breaches (or only those of `team_ids`: what just arrived, bot.courier), one
    transaction each; returns how many breaches moved.
    `states_for(session, team_id, now)` is the evaluation (tests hand it states of their own)."""
    evaluate = states_for or evaluation.states
    now = deps.clock.now()
    with deps.db.session() as session:
        teams = teams_with_agreements(session)
    if team_ids is not None:
        teams = [t for t in teams if t in set(team_ids)]
    moved = 0
    for team_id in teams:
        try:
            with deps.db.session() as session:
                seen = evaluation.resolved_unevaluated(session, team_id)
                moved += len(breaches.sweep(session, team_id, evaluate(session, team_id, now), now))
                evaluation.mark_evaluated(session, team_id, seen)  # in the same transaction as the moves
        except Exception:  # noqa: BLE001 - one workspace's failure is logged; the others are still swept
            log.exception("the breach sweep of %s failed; the others go on", team_id)
    return moved


@reminders.handles(escalation.ESCALATE)
def escalate_when_due(session, due: reminders.Due) -> bool:
    """Escalate the alert unless someone has it by now or it is over (then the row is cancelled, nothing sent)."""
    try:
        breach = breaches.get(session, due.reminder.team_id, due.reminder.subject_id, lock=True)
    except NotFound:
        return False
    if (breach.state not in escalation.ESCALATES or breach.acknowledged_at is not None
            or breach.escalated_at is not None):
        return False
    breaches.escalate(session, breach, due.now, by=None, due_since=due.reminder.due_at if due.late else None)
    return True


def schedule_missing_escalations(deps) -> int:
    """The backstop: open alerts without an escalation row get one (reads the open alerts only)."""
    now = deps.clock.now()
    with deps.db.session() as session:
        return sum(escalation.schedule_escalation(session, breach, now) is not None
                   for breach in escalation.unscheduled(session))
