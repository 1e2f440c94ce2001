"""Service level requirements (competency 6.2): what a customer asks for, before it is agreed."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field

from models.base import Stamped
from models.types import UTCDateTime


class Category(StrEnum):
    AVAILABILITY = "availability"
    RESPONSE_TIME = "response_time"
    RESOLUTION_TIME = "resolution_time"
    SUPPORT_HOURS = "support_hours"
    CAPACITY = "capacity"
    REPORTING = "reporting"
    SECURITY = "security"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"availability": "Availability", "response_time": "Response time", "resolution_time": "Resolution time",
                "support_hours": "Support hours", "capacity": "Capacity and performance", "reporting": "Reporting",
                "security": "Security and compliance", "other": "Other"}[self.value]


class Priority(StrEnum):
    MUST = "must"
    SHOULD = "should"
    COULD = "could"


class Status(StrEnum):
    CAPTURED = "captured"
    CLARIFIED = "clarified"      # the requester confirmed or corrected the wording
    ACCEPTED = "accepted"        # answered by a target of an SLA
    DECLINED = "declined"        # with the reason in status_reason
    NOT_MET = "not met"          # the agreed target promises less than was asked: both values in status_reason


class Source(StrEnum):
    FORM = "form"
    MESSAGE = "message"


class Requirement(Stamped, table=True):
    """One thing a customer's user asked for, in their words, with a measurable target where they gave one.

    The target is kept in its canonical written form ("4 business hours", "99.9%",
    "Mon-Fri 08:00-18:00 Europe/London"), which `bot.parsing` reads back exactly.
    `created_by` is who recorded it; `said_by` is who asked for it.
    """

    __tablename__ = "requirement"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_requirement_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    number: int  # shown to people as #N, counted per workspace
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True))
    customer_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False, index=True))
    said_by: str = Field(max_length=32)
    said_role: str = Field(max_length=24)
    source: str = Field(max_length=16)
    source_permalink: str | None = Field(default=None, max_length=500)
    source_quote: str = Field(default="", max_length=3000)
    category: str = Field(max_length=24)
    statement: str = Field(max_length=3000)
    metric: str | None = Field(default=None, max_length=32)
    level: str | None = Field(default=None, max_length=8)  # incident priority for ticket clocks: P1..P4
    target: str | None = Field(default=None, max_length=500)
    period: str | None = Field(default=None, max_length=16)
    service_hours: str | None = Field(default=None, max_length=500)
    priority: str = Field(default=Priority.MUST.value, max_length=8)
    status: str = Field(default=Status.CAPTURED.value, max_length=16)
    status_reason: str = Field(default="", max_length=1000)
    confirmed_by: str | None = Field(default=None, max_length=32)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
