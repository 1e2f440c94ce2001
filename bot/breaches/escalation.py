"""How long an alert may go unacknowledged before the service managers hear of it: a workspace setting per
priority (`/slm settings escalate_p1 15m`, defaults in bot.workspace.settings). Period goals and burn-rate alerts
have no priority: they take P2's."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot import parsing
from bot.workspace import settings as workspace_settings

PRIORITIES = ("P1", "P2", "P3", "P4")
WITHOUT_PRIORITY = "P2"


def escalate_after(session: Session, team_id: str, priority: str | None) -> timedelta:
    level = priority if priority in PRIORITIES else WITHOUT_PRIORITY
    canonical = workspace_settings.get(session, team_id, f"escalate_{level.lower()}")
    return timedelta(minutes=parsing.parse_duration(canonical).minutes)
