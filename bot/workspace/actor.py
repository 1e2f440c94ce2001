"""Who is acting, in which workspace, and when: what every domain call needs."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)  # workspace roles, see bot.permissions
    tz: str = "UTC"
    now: datetime | None = None  # the moment of the request, from the app's clock
    org_tz: str = "UTC"  # the organisation's zone: whose calendar day an agreement starts and ends on

    def at(self) -> datetime:
        if self.now is None:
            raise RuntimeError("Actor.now was not set")
        return self.now

    def today(self) -> date:
        """Today in the organisation's time zone (not UTC's, which is another day for half the world)."""
        return self.at().astimezone(ZoneInfo(self.org_tz)).date()
