"""The once-only delivery path: everything the bot sends on its own is queued here first.

A message is identified by a key that says what it is about ("lapse:uc:12:2026-12-01");
the unique key means a second replica, or a second run of the same job, queues
nothing new, and a row is claimed before it is sent, so it is sent once. The key
also travels with the message to Slack (message metadata), so an attempt whose
outcome was never heard can be looked up in Slack before anything is sent again.
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
    CANCELLED = "cancelled"  # its workspace uninstalled the bot before it was sent (bot/installs/uninstall.py)


class OutboxKind(StrEnum):
    MESSAGE = "message"  # chat.postMessage
    FILE = "file"        # a document uploaded into a thread (files_upload_v2)
    UPDATE = "update"    # chat.update of the message queued under `parent_key`
    HOME = "home"        # views.publish of a person's App Home (channel: the user), rendered when sent


class Outbox(TeamScoped, table=True):
    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_outbox_team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    channel: str = Field(max_length=32)  # a channel id, or a user id for a DM
    kind: str = Field(default=OutboxKind.MESSAGE.value, max_length=16)
    thread_ts: str | None = Field(default=None, max_length=32)  # a reply in this thread
    # The message this one follows: an update edits it, a message goes in its thread (its ts is read when this is
    # sent). Sent after it, and after every earlier row that follows it, so a message's moves arrive in order.
    parent_key: str | None = Field(default=None, max_length=200)
    template: str = Field(max_length=120)
    context: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # A message rendered when it was queued (a headline, a version post), sent as it is instead of the template;
    # for a file: its content, filename and title.
    message: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16, index=True)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # by the database's clock
    claimed_by: str | None = Field(default=None, max_length=120)  # host:pid:run of the sender
    attempt_token: str | None = Field(default=None, max_length=32)  # fences a claim: only its holder settles it
    # An earlier attempt may have reached Slack (no answer heard, a 5xx, the sender died): look before resending.
    maybe_sent: bool = Field(default=False)
    first_tried_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # where to start looking
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # after a failure: not before this
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_ts: str | None = Field(default=None, max_length=32)
