"""People of a workspace, their granted roles, and the audit trail (competency 6.6)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import Stamped, TeamScoped
from models.types import UTCDateTime


# What stands for a person's Slack id once `slm-bot forget-user` has forgotten them (bot.forget_user), wherever a
# record must still show that someone did something (a sign-off, a requirement asked for). Not a Slack id (those
# start with U or W), so it can never be mistaken for one; messages name it "a former contact".
FORMER_PERSON = "former"


class WorkspaceRole(StrEnum):
    """Roles granted inside the bot, on top of the contact roles each party gives its people."""

    SERVICE_MANAGER = "service_manager"


class Member(TeamScoped, table=True):
    """What we know of a Slack user, cached from users.info."""

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_member_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=32)
    name: str = Field(default="", max_length=200)
    tz: str = Field(default="UTC", max_length=64)
    is_admin: bool = Field(default=False)
    fetched_at: datetime = Field(sa_type=UTCDateTime)
    # Slack Connect (issue 16): the workspace users.info says the person belongs to when it is not this one, and its
    # name (team.info), for the words of a refusal. None: one of this workspace's own people.
    home_team: str | None = Field(default=None, max_length=32)
    home_team_name: str = Field(default="", max_length=200)


class RoleGrant(Stamped, table=True):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "role", name="uq_role_grant"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=32)
    role: str = Field(max_length=32)


class AuditEvent(TeamScoped, table=True):
    """One line of the audit trail: who did what to which record, when, and the values before and after.

    Append-only (database triggers refuse UPDATE and DELETE) and chained: `hash` is SHA-256 over the record's
    content and `prev_hash`, the hash of the workspace's record `seq - 1` (bot/audit/chain.py).
    """

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("team_id", "seq", name="uq_audit_event_seq"),
                      # /slm audit <thing> and /slm audit @person: newest first, without scanning the trail
                      Index("ix_audit_event_thing", "team_id", "entity", "entity_id", "seq"),
                      Index("ix_audit_event_actor", "team_id", "actor", "seq"))

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=32)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    before: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The seq and hash of a workspace's newest audit record: locked while appending, so that concurrent writers
    make one chain, and compared by `slm-bot audit verify` so that removing the newest records is caught."""

    __tablename__ = "audit_head"

    team_id: str = Field(max_length=32, primary_key=True)
    seq: int
    hash: str = Field(max_length=64)


class WorkspaceSetting(TeamScoped, table=True):
    """A choice the organisation makes in Slack (`/slm settings`), per workspace."""

    __tablename__ = "workspace_setting"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_workspace_setting"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    value: str = Field(max_length=500)
    updated_by: str = Field(max_length=32)
    updated_at: datetime = Field(sa_type=UTCDateTime)
