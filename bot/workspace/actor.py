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
    # Slack Connect (issue 16): the workspace the person belongs to when it is not `team_id` (a customer's own person
    # acting in a channel shared with this workspace), and its name. None: one of this workspace's people.
    home_team: str | None = None
    home_team_name: str = ""
    # Whether Slack said which workspace they belong to (users.info, now or lately, or the signed request's
    # `user.team_id`). False only when it never did: `external` is then not known, only assumed False.
    home_known: bool = True

    @property
    def external(self) -> bool:
        """From another organisation's workspace: holds no role here, not even `member` (bot.workspace.permissions);
        acts only as the contact their party names them (recognised by user id and `home_team`)."""
        return self.home_team is not None and self.home_team != self.team_id

    @property
    def contact_team(self) -> str | None:
        """What a contact row's `user_team` holds for this person: None for this workspace's own people."""
        return self.home_team if self.external else None

    @property
    def from_words(self) -> str:
        """"You're from Acme Corp's workspace" (or another organisation's, when its name is not known)."""
        return f"You're from {self.home_team_name}'s workspace" if self.home_team_name else \
            "You're from another organisation's workspace"

    def at(self) -> datetime:
        if self.now is None:
            raise RuntimeError("Actor.now was not set")
        return self.now

    def today(self) -> date:
        """Today in the organisation's time zone (not UTC's, which is another day for half the world)."""
        return self.at().astimezone(ZoneInfo(self.org_tz)).date()
