"""The once-only delivery path: everything the bot sends on its own is queued here first.

A message is identified by a key that says what it is about ("lapse:uc:12:2026-12-01");
the unique key means a second replica, or a second run of the same job, queues
nothing new, and a row is claimed before it is sent, so it is sent once.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Outbox(TeamScoped, table=True):
    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_outbox_team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    channel: str = Field(max_length=32)  # a channel id, or a user id for a DM
    template: str = Field(max_length=120)
    context: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16, index=True)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # after a failure: not before this
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_ts: str | None = Field(default=None, max_length=32)
