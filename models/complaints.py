"""Complaints (issue 17, ISO/IEC 20000-1 8.3.2): what a customer's person complained of, and how it was answered.

A complaint is about a customer (always), one of its services (usually) and the SLA covering that service (when
there is one). It has an owner (the customer's relationship owner by default), a due time for an answer, and a
status: open, answered (with the answer), closed (with the outcome). `text`, `answer` and `outcome` are free text
that may name people: never logged, only their SHA-256 in the audit trail (bot.audit.PERSONAL_TEXT).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field

from models.base import Stamped
from models.types import UTCDateTime


class ComplaintStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Complaint(Stamped, table=True):
    __tablename__ = "complaint"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_complaint_team_number"),
                      Index("ix_complaint_team_status", "team_id", "status"))

    id: int | None = Field(default=None, primary_key=True)
    number: int  # shown to people as #N, counted per workspace
    customer_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False,
                                              index=True))
    service_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("service.id", ondelete="SET NULL"),
                                                                  nullable=True))
    agreement_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agreement.id",
                                                                                        ondelete="SET NULL"),
                                                                    nullable=True, index=True))
    complainant: str = Field(max_length=32)  # who complained (a Slack user id)
    text: str = Field(max_length=3000)
    source_permalink: str | None = Field(default=None, max_length=500)  # the message it was recorded from
    owner_user_id: str | None = Field(default=None, max_length=32)
    due_at: datetime = Field(sa_type=UTCDateTime)  # the answer is due by then
    status: str = Field(default=ComplaintStatus.OPEN.value, max_length=16)
    answer: str = Field(default="", max_length=3000)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by: str | None = Field(default=None, max_length=32)
    outcome: str = Field(default="", max_length=3000)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=32)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the service managers were told it is late
