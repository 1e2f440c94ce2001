"""Customer satisfaction (issue 17): a person asked to rate a resolved ticket, or a service review and its period,
and what they answered.

One row per ask considered: a resolved ticket gets exactly one row whether its requester is asked or not (`outcome`
says why not: sampled out, asked already this period, not a Slack user, no SLA), so a resend, a replay or a
reopen-then-resolve finds the row and asks nobody twice. A closed review gets one row per customer attendee.
`key` is the once-only key ("ticket:<id>", "review:<id>:<user>").
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class AskKind(StrEnum):
    TICKET = "ticket"
    REVIEW = "review"


class AskOutcome(StrEnum):
    ASKED = "asked"
    SAMPLED_OUT = "sampled_out"      # outside the organisation's sample
    ASKED_RECENTLY = "asked_recently"  # this person was asked within the period
    NOT_SLACK_USER = "not_slack_user"  # the requester was an address, or nobody
    NO_SLA = "no_sla"                # no SLA in force measures the ticket


class SatisfactionAsk(TeamScoped, table=True):
    __tablename__ = "satisfaction_ask"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_satisfaction_ask_key"),
                      Index("ix_satisfaction_ask_user", "team_id", "user_id", "created_at"),
                      Index("ix_satisfaction_ask_agreement", "agreement_id", "rated_for"),
                      Index("ix_satisfaction_ask_ticket", "ticket_id"))  # the sweep's anti-join

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    outcome: str = Field(max_length=16)
    # The ticket or review asked about; kept (SET NULL) when retention removes them first: the rating still counts.
    ticket_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("ticket.id", ondelete="SET NULL"), nullable=True))
    review_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("review.id", ondelete="SET NULL"), nullable=True))
    agreement_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=True))
    subject: str = Field(default="", max_length=300)  # "INC0012345 Payroll run fails", "the review of 2026-10-06"
    user_id: str | None = Field(default=None, max_length=32)  # who is asked (None: nobody)
    # The moment the rating counts for in an SLA's periods: the ticket's resolution, or the reviewed period's start.
    rated_for: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    rating: int | None = Field(default=None)  # 1-5; None until answered
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # their own words: never logged
    rated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revision: int = Field(default=0)  # counts answers that changed something (the DM's edits are numbered by it)
