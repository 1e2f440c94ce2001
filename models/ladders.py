"""Escalation ladders (issue 17): the steps a target's alert climbs before and after its deadline, and the
priority-raise callback with its once-only deliveries.

- `target_ladder`: a target's own ladder as `/slm ladder` set it before ladders were terms of the agreement (now
  `target.ladder`, stated by the versions); read only for an agreement whose agreed version was made before, until
  a version stating ladders is agreed (bot.breaches.ladders.in_force). Nothing writes it any more.
- `ladder_callback`: where the organisation wants "raise the ticket's priority" POSTed, and the secret its body is
  signed with (HMAC-SHA256; shown once when set).
- `callback_delivery`: the once-only queue of those POSTs (the Slack outbox's sibling: a URL and a body, not a
  channel and a template), retried after a 5xx or no answer, never sent twice once it got a 2xx.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class TargetLadder(TeamScoped, table=True):
    __tablename__ = "target_ladder"

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(sa_column=Column(Integer, ForeignKey("target.id", ondelete="CASCADE"), nullable=False,
                                            unique=True))
    steps: str = Field(max_length=500)  # canonical: "50% group; 75% group manager; breach; +30m service-managers"
    set_by: str = Field(max_length=32)
    set_at: datetime = Field(sa_type=UTCDateTime)


class LadderCallback(TeamScoped, table=True):
    __tablename__ = "ladder_callback"
    __table_args__ = (UniqueConstraint("team_id", name="uq_ladder_callback_team"),)

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=400)  # the HMAC-SHA256 key, sealed ("enc1:…", bot.installs.cipher); shown once
    set_by: str = Field(max_length=32)
    set_at: datetime = Field(sa_type=UTCDateTime)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused (4xx) or out of attempts: logged and said in the alert's thread
    CANCELLED = "cancelled"  # the workspace uninstalled the bot before it was sent


class CallbackDelivery(TeamScoped, table=True):
    __tablename__ = "callback_delivery"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_callback_delivery_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)  # once-only: "breach:<id>:step:<n>:priority"; also the X-SLM-Delivery header
    url: str = Field(max_length=500)  # as shown: redacted (no query); it is sent to the callback's URL
    body: str = Field(sa_column=Column(Text, nullable=False))  # the JSON exactly as signed and sent
    breach_id: int | None = Field(default=None)
    status: str = Field(default=DeliveryStatus.PENDING.value, max_length=16, index=True)
    attempts: int = Field(default=0)
    next_at: datetime = Field(sa_type=UTCDateTime, index=True)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
