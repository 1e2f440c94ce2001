"""What actually happened, as senders tell it: ticket events, outage windows, metric samples, and the tokens
they are sent with.

Every item carries the sender's own id (`external_id`), unique per workspace, so a resend is recognised and
stored once. The same id sent again with different content is a correction: the row is updated (its
`revision` counts up) and whatever was computed from it is computed again. Clocks and compliance are never
stored here: they are computed from these rows, so a corrected event, a changed calendar or target recomputes
them.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class TicketEventKind(StrEnum):
    OPENED = "opened"          # with priority and service
    RESPONDED = "responded"    # the first response stops the response clock
    ASSIGNED = "assigned"      # to a support group (a party of kind group)
    PAUSED = "paused"          # with a reason ("awaiting customer"): the clocks stop
    RESUMED = "resumed"
    RESOLVED = "resolved"      # stops the resolution clock
    REOPENED = "reopened"      # the resolution clock runs on from where it stopped


class OutageImpact(StrEnum):
    FULL = "full"
    DEGRADED = "degraded"


class MeasurementSource(StrEnum):
    API = "api"
    ALERTMANAGER = "alertmanager"
    MANUAL = "manual"          # /slm record
    IMPORT = "import"          # slm-bot import (CSV)


class ApiToken(TeamScoped, table=True):
    """A bearer token a sender presents. Only its SHA-256 is kept; the token itself is shown once."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_api_token_team_name"),
                      UniqueConstraint("token_hash", name="uq_api_token_hash"))

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64)
    prefix: str = Field(max_length=16)  # the first characters, so a person can tell tokens apart
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by: str | None = Field(default=None, max_length=32)


class Ticket(TeamScoped, table=True):
    """A ticket as the sender's system knows it; its events say what happened to it."""

    __tablename__ = "ticket"
    # ix_ticket_open_group: the open tickets a group holds (the leg warnings every 5 minutes, bot.breaches.leg_warnings),
    # partial on both databases, so it holds only open tickets.
    __table_args__ = (UniqueConstraint("team_id", "external_id", name="uq_ticket_team_external"),
                      Index("ix_ticket_open_group", "team_id", "assigned_group_id",
                            sqlite_where=text("resolved_at IS NULL"), postgresql_where=text("resolved_at IS NULL")))

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(max_length=120)  # the sender's ticket id ("INC0012345"), as people know it
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True))
    priority: str = Field(max_length=8)  # P1..P4
    title: str = Field(default="", max_length=500)
    requester: str | None = Field(default=None, max_length=120)  # a Slack user id or an address, as sent
    assigned_group_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("party.id", ondelete="SET NULL"), nullable=True))
    opened_at: datetime = Field(sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)  # None while open
    source: str = Field(default=MeasurementSource.API.value, max_length=16)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)  # the last event received: what to re-evaluate
    # The `updated_at` a resolved ticket was last evaluated at: the breach sweep measures open tickets and resolved
    # ones changed since (a late or corrected event), so its cost follows what changed, not every ticket stored.
    evaluated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TicketEvent(TeamScoped, table=True):
    __tablename__ = "ticket_event"
    __table_args__ = (UniqueConstraint("team_id", "external_id", name="uq_ticket_event_team_external"),
                      Index("ix_ticket_event_ticket_at", "ticket_id", "at"))

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(max_length=120)  # the sender's id for this event
    ticket_id: int = Field(sa_column=Column(Integer, ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime)
    group_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("party.id", ondelete="SET NULL"), nullable=True))
    reason: str | None = Field(default=None, max_length=200)  # why paused
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # what else was sent (priority, service)
    revision: int = Field(default=1)  # counts corrections
    received_at: datetime = Field(sa_type=UTCDateTime)


class Outage(TeamScoped, table=True):
    """A window in which a service was down (full) or degraded. Open while `ended_at` is None."""

    __tablename__ = "outage"
    __table_args__ = (UniqueConstraint("team_id", "external_id", name="uq_outage_team_external"),
                      Index("ix_outage_service_started", "service_id", "started_at"))

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(max_length=200)  # the sender's id; for Alertmanager, from the alert's fingerprint and start
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False))
    impact: str = Field(default=OutageImpact.FULL.value, max_length=16)
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    summary: str = Field(default="", max_length=500)
    source: str = Field(default=MeasurementSource.API.value, max_length=16)
    revision: int = Field(default=1)
    received_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)


class MetricSample(TeamScoped, table=True):
    """One reading of a metric of a service ("p95 page load" = 1.8 s at 10:00), for metric targets."""

    __tablename__ = "metric_sample"
    __table_args__ = (UniqueConstraint("team_id", "external_id", name="uq_metric_sample_team_external"),
                      Index("ix_metric_sample_service_metric_at", "service_id", "metric_key", "at"))

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(max_length=200)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False))
    metric_name: str = Field(max_length=120)  # as sent
    metric_key: str = Field(max_length=120)   # name_key(metric_name): matches a target's metric_name
    value: float
    unit: str = Field(default="", max_length=20)
    at: datetime = Field(sa_type=UTCDateTime)
    source: str = Field(default=MeasurementSource.API.value, max_length=16)
    received_at: datetime = Field(sa_type=UTCDateTime)
