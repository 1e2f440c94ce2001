"""Who acts in the domain services' unit tests: one workspace, a frozen moment, and the three kinds of people."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.workspace.actor import Actor
from bot.workspace.permissions import ADMIN, SERVICE_MANAGER

TEAM = "T-UNIT"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def member(user_id: str = "U-MEMBER", team_id: str = TEAM, tz: str = "UTC") -> Actor:
    return Actor(team_id=team_id, user_id=user_id, tz=tz, now=NOW)


def manager(user_id: str = "U-MANAGER", team_id: str = TEAM, tz: str = "UTC") -> Actor:
    return Actor(team_id=team_id, user_id=user_id, roles=frozenset({SERVICE_MANAGER}), tz=tz, now=NOW)


def admin(user_id: str = "U-ADMIN", team_id: str = TEAM) -> Actor:
    return Actor(team_id=team_id, user_id=user_id, roles=frozenset({ADMIN}), now=NOW)
