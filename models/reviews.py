"""Service reviews (competency 6.5): the agreed cadence of an SLA's review meetings, each review with its pack,
attendance, decisions and actions, and the periodic review of the SLA itself.

An arrangement is proposed by the service manager and accepted (or countered) by the customer's approver; only
an agreed arrangement schedules reviews. Each review is one row per occurrence of the arrangement's recurrence;
its pack is the parent message of a thread in the review channel, and the discussion lives in that thread.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field

from models.base import Stamped, TeamScoped
from models.types import UTCDateTime


class ReviewFormat(StrEnum):
    MEETING = "meeting"  # in person
    CALL = "call"
    THREAD = "thread"    # asynchronous, in the review's Slack thread

    @property
    def label(self) -> str:
        return {"meeting": "Meeting in person", "call": "Call", "thread": "Asynchronous review in a Slack thread"}[self.value]


class ArrangementStatus(StrEnum):
    PROPOSED = "proposed"    # by the service manager, waiting for the customer's approver
    COUNTERED = "countered"  # the approver proposed something else: waits for the service manager
    AGREED = "agreed"


class ReviewArrangement(Stamped, table=True):
    """How often, how, and with whom an SLA is reviewed: one per SLA, its latest proposal or the agreed one."""

    __tablename__ = "review_arrangement"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, unique=True))
    # The recurrence as an RFC 5545 rule with its first occurrence, in the zone its times are meant in, and the words
    # people read ("second Tuesday of each month at 10:00 Europe/London").
    rrule: str = Field(max_length=500)
    dtstart: datetime = Field(sa_type=UTCDateTime)
    timezone: str = Field(max_length=64)
    description: str = Field(max_length=200)
    duration_minutes: int = Field(default=60)
    format: str = Field(default=ReviewFormat.MEETING.value, max_length=16)
    channel_id: str = Field(max_length=32)  # the review channel: notices and each review's thread
    attendee_user_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attendee_party_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Before each review, when the reminders go: canonical words, ["5 working days", "1 day"].
    reminder_offsets: list[str] = Field(default_factory=lambda: ["5 working days", "1 day"], sa_column=Column(JSON, nullable=False))
    status: str = Field(default=ArrangementStatus.PROPOSED.value, max_length=16)
    revision: int = Field(default=1)  # each proposal or counter is a new revision; buttons carry it
    proposed_by: str = Field(max_length=32)
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    agreed_by: str | None = Field(default=None, max_length=32)
    agreed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=2000)  # why (a counter's reason)


class ReviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    CLOSED = "closed"        # minutes posted
    CANCELLED = "cancelled"  # the arrangement changed before it happened


class Review(TeamScoped, table=True):
    """One review of one SLA: when, which period it looks back on, its thread, and, once closed, its minutes."""

    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("team_id", "agreement_id", "scheduled_for", name="uq_review_when"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    scheduled_for: datetime = Field(sa_type=UTCDateTime, index=True)
    format: str = Field(max_length=16)
    channel_id: str = Field(max_length=32)
    period_start: date  # the period under review, inclusive
    period_end: date    # exclusive
    status: str = Field(default=ReviewStatus.SCHEDULED.value, max_length=16)
    thread_ts: str | None = Field(default=None, max_length=32)  # the pack's message: its thread is the discussion
    pack_key: str | None = Field(default=None, max_length=200)  # the outbox key of that message
    pack_posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=32)
    attended: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # recorded at close
    minutes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the document posted at close
    created_at: datetime = Field(sa_type=UTCDateTime)


class RsvpAnswer(StrEnum):
    ATTEND = "attend"
    CANNOT = "cannot"


class ReviewRsvp(TeamScoped, table=True):
    """Someone's answer to a review's reminder ("I'll attend" / "Can't attend"); the last answer counts."""

    __tablename__ = "review_rsvp"
    __table_args__ = (UniqueConstraint("review_id", "user_id", name="uq_review_rsvp"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(sa_column=Column(Integer, ForeignKey("review.id", ondelete="CASCADE"), nullable=False, index=True))
    user_id: str = Field(max_length=32)
    answer: str = Field(max_length=16)
    answered_at: datetime = Field(sa_type=UTCDateTime)


class ReviewNoteKind(StrEnum):
    DECISION = "decision"  # recorded from a thread message
    ACTION = "action"      # a thread message turned into a remedial action (action_id)
    RISK = "risk"          # a known risk for the coming period, entered by the service manager


class ReviewNote(Stamped, table=True):
    """A decision, an action or a risk, from a review's thread (message_ts) or entered for the next review."""

    __tablename__ = "review_note"
    __table_args__ = (UniqueConstraint("team_id", "agreement_id", "kind", "message_ts", name="uq_review_note_message"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    review_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("review.id", ondelete="CASCADE"), nullable=True, index=True))
    kind: str = Field(max_length=16)
    text: str = Field(max_length=3000)
    message_ts: str | None = Field(default=None, max_length=32)  # the thread message it came from: recorded once
    action_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("action.id", ondelete="SET NULL"), nullable=True))
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # a risk no longer expected


class SlaReviewOutcome(StrEnum):
    CONTINUE = "continue"        # unchanged
    RENEGOTIATE = "renegotiate"  # a new version is opened
    RETIRE = "retire"


class SlaReview(TeamScoped, table=True):
    """The periodic review of an SLA itself (is it still current and relevant?), due once a financial year."""

    __tablename__ = "sla_review"
    __table_args__ = (UniqueConstraint("agreement_id", "due_on", name="uq_sla_review_due"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    due_on: date
    outcome: str | None = Field(default=None, max_length=16)
    recorded_by: str | None = Field(default=None, max_length=32)
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=2000)
    new_version: int | None = Field(default=None)  # renegotiate: the version it opened
    created_at: datetime = Field(sa_type=UTCDateTime)
