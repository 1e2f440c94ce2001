"""What an SLA promises besides its targets (issue 17, ISO/IEC 20000-1 8.3.3): the workload it is sized for, the
planned maintenance windows of its services, and the exclusions both sides agreed (force majeure, the customer's
own outage).

A workload limit ("up to 400 tickets a month") names the targets it excuses when a period goes over it. A
maintenance window and an exclusion are spans of time the measurements leave out (bot.measurements.exclusions).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field

from models.base import Stamped
from models.types import UTCDateTime


class WorkloadMeasure(StrEnum):
    TICKETS = "tickets"  # tickets opened for the SLA's services (of one priority, or all)
    USERS = "users"      # the latest sample of the metric `users` in the period


class WorkloadLimit(Stamped, table=True):
    """One limit of one SLA: `amount` of `measure` (of `priority`) per `period`; over it, `excuses` are excused."""

    __tablename__ = "workload_limit"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False,
                                               index=True))
    measure: str = Field(max_length=16)
    priority: str | None = Field(default=None, max_length=8)  # P1..P4, or None: every priority
    amount: int
    period: str = Field(max_length=16)  # monthly / quarterly / weekly / yearly
    excuses: str = Field(max_length=200)  # "resolution", "response", "all", or target keys "T1,T3"
    text: str = Field(max_length=300)     # as canonically written back: "up to 400 tickets a month"
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by: str | None = Field(default=None, max_length=32)


class MaintenanceStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class MaintenanceWindow(Stamped, table=True):
    """A planned maintenance window of a service: downtime inside it is not counted against availability, and its
    customers are told ahead of time."""

    __tablename__ = "maintenance_window"
    __table_args__ = (Index("ix_maintenance_window_service_starts", "service_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    tz: str = Field(max_length=64)        # the zone it was typed in, for announcing it
    text: str = Field(max_length=200)     # as typed
    series_id: int | None = Field(default=None)  # a recurring window's occurrences: the first occurrence's id
    status: str = Field(default=MaintenanceStatus.PLANNED.value, max_length=16)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by: str | None = Field(default=None, max_length=32)


class ExclusionKind(StrEnum):
    FORCE_MAJEURE = "force_majeure"
    CUSTOMER_OUTAGE = "customer_outage"  # the customer's own outage

    @property
    def label(self) -> str:
        return {"force_majeure": "force majeure", "customer_outage": "the customer's own outage"}[self.value]


class Exclusion(Stamped, table=True):
    """A span both sides agreed to leave out of an SLA's measurements (or of one of its services only): recorded
    by the provider (`created_by`), naming the customer's contact who agreed it (`agreed_by`)."""

    __tablename__ = "exclusion"
    __table_args__ = (Index("ix_exclusion_agreement_starts", "agreement_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False))
    service_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"),
                                                                  nullable=True))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=24)
    agreed_by: str = Field(max_length=32)  # the customer's contact who agreed it (a Slack user id)
    note: str = Field(default="", max_length=300)
