"""The breach sweep (bot/jobs.py runs it every minute, before the outbox sends): each workspace's targets are
evaluated and their breaches moved forward.

Safe in several replicas at once: a breach row is locked while it moves, and what it queues has keys that make it
once-only; the outbox job then sends it. One workspace that cannot be swept is logged and holds up no other.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlmodel import select

from bot import breaches
from bot.measurements import evaluate as evaluation
from models import Agreement, AgreementKind

log = logging.getLogger(__name__)


def teams_with_agreements(session) -> list[str]:
    return list(session.exec(select(Agreement.team_id).where(Agreement.kind == AgreementKind.SLA.value)
                             .distinct().order_by(Agreement.team_id)))


def sweep(deps, states_for: Callable | None = None) -> int:
    """Evaluate and move each workspace's breaches, one transaction each; returns how many breaches moved.
    `states_for(session, team_id, now)` is the evaluation (tests hand it states of their own)."""
    evaluate = states_for or evaluation.states
    now = deps.clock.now()
    with deps.db.session() as session:
        teams = teams_with_agreements(session)
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
