"""Reminders: every message the bot sends at a time of its own choosing is a row here first.

A row says what is due, to whom, and when (`due_at`, indexed). The sweep (bot.reminders) claims what is due, hands
each row to the handler registered for its `kind`, which queues the message through the once-only outbox under a key
that carries the row's `revision`; the row is then marked sent. So a bot that was down when a reminder fell due sends
it when it comes back (late, and saying so), two sweeps at once send it once, and the scheduler only wakes the sweep.
A snooze moves `due_at` and bumps `revision`, so the snoozed reminder is a new message, sent once again.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class ReminderStatus(StrEnum):
    PENDING = "pending"      # waits for due_at
    SENT = "sent"            # handed to the outbox (the outbox sends it once)
    CANCELLED = "cancelled"  # no longer wanted (the review moved, the person answered, the SLA retired)
    FAILED = "failed"        # its handler raised MAX_ATTEMPTS times: given up on, and logged (not retried forever)


class Reminder(TeamScoped, table=True):
    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_reminder_team_key"),
        # The sweep asks "what pending is due by now": this index answers it without reading what is not due.
        Index("ix_reminder_due", "status", "due_at"),
        # "Has this alert (this agreement) a row of this kind": the backstops' anti-joins read it by subject.
        Index("ix_reminder_subject", "kind", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)  # what it is about: "review:12:attendee:U0ALICE:5wd"; scheduling twice adds nothing
    kind: str = Field(max_length=40)  # the registered handler: "review.attendee", "review.pack", "sla_review", ...
    due_at: datetime = Field(sa_type=UTCDateTime)
    recipient: str = Field(max_length=32)  # a user id (a DM) or a channel id
    subject_id: int | None = Field(default=None)  # the row it is about (a review, an agreement, an action)
    context: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=ReminderStatus.PENDING.value, max_length=16)
    revision: int = Field(default=1)  # bumped by a snooze: the outbox key carries it
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late: bool = Field(default=False)  # sent well after it was due (the bot was down): the message says so
    attempts: int = Field(default=0)  # how many times its handler raised; reset by a snooze
    retry_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # after a failure: not tried again before
    created_at: datetime = Field(sa_type=UTCDateTime)
