"""Breach alerts: one row per measured thing (a ticket's clock against a target, a period's goal, a burning error
budget) that warned or breached, followed until it is resolved.

The row is keyed by the evaluation's `TargetState.key`, so every later evaluation of the same thing finds the same
breach, and its alert is ONE message per recipient, updated in place as the breach moves (warning, breached,
acknowledged, resolved), whose thread carries the timeline. `revision` counts the moves: the outbox keys of an
update and of its timeline reply carry it, so two replicas sweeping at once queue each once.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class BreachState(StrEnum):
    WARNING = "warning"
    BREACHED = "breached"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Breach(TeamScoped, table=True):
    __tablename__ = "breach"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_breach_team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)  # TargetState.key: "ticket:<id>:target:<id>", "period:…", "burn:…"
    target_id: int = Field(sa_column=Column(Integer, ForeignKey("target.id", ondelete="CASCADE"), nullable=False, index=True))
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False))
    subject: str = Field(max_length=16)  # ticket, availability, metric, budget
    ticket_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("ticket.id", ondelete="SET NULL"), nullable=True))
    ticket_ref: str | None = Field(default=None, max_length=120)
    priority: str | None = Field(default=None, max_length=8)  # what the escalation time is chosen by
    state: str = Field(default=BreachState.WARNING.value, max_length=16, index=True)
    level: str = Field(max_length=16)  # the worst the evaluation said: warning or breached (kept after resolution)
    percent_used: float = Field(default=0.0)
    summary: str = Field(default="", max_length=500)  # the evaluation's words, at the last move
    # Who owns it: the support group (or supplier) of the leg beneath the target; None when the target has none.
    owner_party_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("party.id", ondelete="SET NULL"), nullable=True))
    channel: str = Field(max_length=32)  # where the alert went first: the owner's channel, or a service manager (DM)
    message_ts: str | None = Field(default=None, max_length=32)  # that message, once Slack has it
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # every copy's channel
    revision: int = Field(default=1)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    warned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    breached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=32)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalated_by: str | None = Field(default=None, max_length=32)  # None: escalated by the clock
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # The timeline, oldest first: {"at": ISO, "what": "warning" | "breached" | ..., "by": user or null, "note": str}
    timeline: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
