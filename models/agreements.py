"""Agreements (competency 6.3, 6.4): SLAs with customers; OLAs and underpinning contracts reuse the model.

An agreement's working state (its targets and clauses) is always its latest
version; every version is kept as an immutable snapshot with its rendered
document and that document's hash. Targets keep a stable id across versions, so
what sits beneath them (OLA and UC legs) stays linked while the numbers change.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field

from models.base import Stamped
from models.types import UTCDateTime


class AgreementKind(StrEnum):
    SLA = "sla"
    OLA = "ola"
    UC = "uc"

    @property
    def label(self) -> str:
        return {"sla": "SLA", "ola": "OLA", "uc": "Underpinning contract"}[self.value]

    @property
    def noun(self) -> str:
        """The label mid-sentence ("Name an underpinning contract's owner"): acronyms stay capitals."""
        return {"sla": "SLA", "ola": "OLA", "uc": "underpinning contract"}[self.value]


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    NEGOTIATING = "negotiating"
    AGREED = "agreed"
    ACTIVE = "active"
    EXPIRED = "expired"
    RETIRED = "retired"


class TargetKind(StrEnum):
    RESPONSE = "response"          # a ticket clock: time to respond
    RESOLUTION = "resolution"      # a ticket clock: time to resolve
    AVAILABILITY = "availability"  # a goal per period within service hours
    METRIC = "metric"              # a measured metric against a threshold


class Calendar(Stamped, table=True):
    """When a clock runs: working hours in a time zone, public holidays, and the organisation's closures."""

    __tablename__ = "calendar"
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_calendar_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120)
    hours: str = Field(max_length=500)  # canonical service hours, with the zone: "Mon-Fri 08:00-18:00 Europe/London"
    holidays_country: str | None = Field(default=None, max_length=8)
    holidays_subdiv: str | None = Field(default=None, max_length=16)
    closures: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # ISO dates


class Agreement(Stamped, table=True):
    __tablename__ = "agreement"
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_agreement_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120)
    counterparty_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, index=True))
    start_date: date
    end_date: date
    review_month: int = Field(default=4)  # the month of the financial year when the agreement is reviewed
    status: str = Field(default=AgreementStatus.DRAFT.value, max_length=16)
    agreed_version: int | None = Field(default=None)  # the version in force
    latest_version: int = Field(default=0)
    channel_id: str | None = Field(default=None, max_length=32)   # where it is negotiated
    thread_ts: str | None = Field(default=None, max_length=32)    # the headline message; the thread below is the negotiation
    permalink: str | None = Field(default=None, max_length=500)   # a link to the headline, kept when it is posted
    # Start, end and review month are those in force; a change of term proposed after agreement waits here
    # (and in its version) until both sides agree to it.
    pending_term: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    clauses: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Underpinning contracts only: the supplier's contract reference, notice period and renewal date.
    contract_ref: str | None = Field(default=None, max_length=120)
    notice_days: int | None = Field(default=None)
    renewal_date: date | None = Field(default=None)


class AgreementService(Stamped, table=True):
    __tablename__ = "agreement_service"
    __table_args__ = (UniqueConstraint("agreement_id", "service_id", name="uq_agreement_service"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="RESTRICT"), nullable=False, index=True))


class Target(Stamped, table=True):
    """One measurable promise, as it stands in the agreement's latest version."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("agreement_id", "key", name="uq_target_agreement_key"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    key: str = Field(max_length=8)  # "T1", stable within the agreement
    kind: str = Field(max_length=16)
    level: str | None = Field(default=None, max_length=8)        # P1..P4 for ticket clocks
    duration: str | None = Field(default=None, max_length=60)    # canonical ("4 business hours") for ticket clocks
    goal: str | None = Field(default=None, max_length=16)        # canonical percent: compliance (95%) or availability (99.9%)
    period: str = Field(default="monthly", max_length=16)
    metric_name: str | None = Field(default=None, max_length=120)  # "p95 page load"
    threshold: str | None = Field(default=None, max_length=60)     # canonical quantity ("2 s")
    calendar_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("calendar.id", ondelete="RESTRICT"), nullable=True))
    warning_percent: int = Field(default=75)  # warn when this much of the budget is used
    service_credit: str = Field(default="", max_length=500)
    requirement_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("requirement.id", ondelete="SET NULL"), nullable=True))
    retired: bool = Field(default=False)  # removed in a later version; kept so links and history stay whole
    # Its own escalation ladder as the next version states it (bot.breaches.ladders, canonical; None: the
    # organisation's). A term like the rest: alerts climb the one the agreed version states.
    ladder: str | None = Field(default=None, max_length=500)


class AgreementVersion(Stamped, table=True):
    """An immutable snapshot: what was proposed, by whom, why, and the document it rendered to."""

    __tablename__ = "agreement_version"
    __table_args__ = (UniqueConstraint("agreement_id", "number", name="uq_agreement_version"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    number: int
    reason: str = Field(default="", max_length=2000)
    changes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # the difference from the previous version, in words
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    document: str = Field(sa_column=Column(Text, nullable=False))
    document_sha256: str = Field(max_length=64)
    message_ts: str | None = Field(default=None, max_length=32)  # its post in the negotiation thread
    document_posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # its document, attached below it


class Signoff(Stamped, table=True):
    """Someone agreed to a version, for one side, with the hash of the document they agreed to."""

    __tablename__ = "signoff"
    __table_args__ = (UniqueConstraint("agreement_id", "version", "side", name="uq_signoff_side"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    version: int
    side: str = Field(max_length=16)  # "provider" or "counterparty"
    user_id: str = Field(max_length=32)
    document_sha256: str = Field(max_length=64)
    # The workspace of the person who agreed when not this one (a customer's approver in a Slack Connect channel).
    user_team: str | None = Field(default=None, max_length=32)


class DocumentTemplate(Stamped, table=True):
    """The last good version of an organisation's template: a broken edit never replaces it."""

    __tablename__ = "document_template"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_document_template"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    source: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    accepted_at: datetime = Field(sa_type=UTCDateTime)
