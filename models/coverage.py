"""Back-to-back (competency 6.4): what sits beneath each SLA target, the gaps waived, the actions agreed."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field

from models.base import Stamped, TeamScoped
from models.types import UTCDateTime


class TargetLink(Stamped, table=True):
    """An OLA or UC target (a leg) beneath an SLA target. Legs run in stages: stage 1 hands over to stage 2;
    legs of the same stage run side by side."""

    __tablename__ = "target_link"
    __table_args__ = (UniqueConstraint("sla_target_id", "leg_target_id", name="uq_target_link"),)

    id: int | None = Field(default=None, primary_key=True)
    sla_target_id: int = Field(sa_column=Column(Integer, ForeignKey("target.id", ondelete="CASCADE"), nullable=False, index=True))
    leg_target_id: int = Field(sa_column=Column(Integer, ForeignKey("target.id", ondelete="CASCADE"), nullable=False, index=True))
    stage: int = Field(default=1)


class Waiver(Stamped, table=True):
    """A service manager accepted one gap, with a written reason, so the SLA can be agreed despite it.

    It holds for that gap as worded when waived (`gap_key` is its fingerprint): when the gap changes, a
    weaker leg or a tighter target, the waiver lapses and the gap counts again.
    """

    __tablename__ = "waiver"
    __table_args__ = (UniqueConstraint("target_id", "gap_key", name="uq_waiver_target_gap"),)

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(sa_column=Column(Integer, ForeignKey("target.id", ondelete="CASCADE"), nullable=False, index=True))
    rule: str = Field(max_length=16)      # which check: time, availability, hours, dates, ownership, ...
    gap_key: str = Field(max_length=16)
    gap: str = Field(max_length=2000)     # the gap as it was when waived, in words
    reason: str = Field(max_length=2000)


class ActionKind(StrEnum):
    UPGRADE = "upgrade"          # raise an underpinning target before an SLA depends on it
    REMEDIAL = "remedial"        # a missed target met again
    IMPROVEMENT = "improvement"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ActionOrigin(StrEnum):
    """What an action came from: where its creation is confirmed, and what its record links back to."""

    BREACH = "breach"            # a breach alert's "Create remedial action" (origin_id: the breach)
    REVIEW = "review"            # a review thread's message (origin_id: the review note)
    GAP = "gap"                  # a gap of the back-to-back check (an upgrade; origin_id: the SLA target)
    REQUIREMENT = "requirement"  # a customer's requirement (origin_id: the requirement)
    COMMAND = "command"          # `/slm action new`


class Action(Stamped, table=True):
    """Something someone agreed to do, with an owner and a date, followed up until done."""

    __tablename__ = "action"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_action_team_number"),
                      Index("ix_action_team_status_due", "team_id", "status", "due"))  # open, overdue: by date

    id: int | None = Field(default=None, primary_key=True)
    number: int
    kind: str = Field(max_length=16)
    title: str = Field(max_length=500)
    owner_party_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("party.id", ondelete="SET NULL"), nullable=True))
    owner_user_id: str | None = Field(default=None, max_length=32)
    due: date
    status: str = Field(default=ActionStatus.OPEN.value, max_length=16)
    agreement_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="SET NULL"), nullable=True))
    target_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("target.id", ondelete="SET NULL"), nullable=True))
    detail: str = Field(default="", max_length=2000)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # An upgrade is for one gap: the rule of the target's check it closes (time, availability, hours, ...).
    gap_rule: str | None = Field(default=None, max_length=16)
    # A service manager accepted the upgrade as the plan: the SLA may be agreed on it until `due`.
    plan_accepted_by: str | None = Field(default=None, max_length=32)
    plan_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Issue 13: where it came from, how it was closed, and whether it worked.
    origin: str | None = Field(default=None, max_length=16)  # ActionOrigin; None for actions from before 0013
    origin_id: int | None = Field(default=None)
    origin_link: str | None = Field(default=None, max_length=500)  # a permalink to where it arose
    closing_note: str = Field(default="", max_length=2000)
    closed_by: str | None = Field(default=None, max_length=32)
    # After it is done: the target's achievement before and after ("P1 resolution 88% -> 97%"), once measured.
    verification: str | None = Field(default=None, max_length=500)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the last move: freshest first


class CoverageState(TeamScoped, table=True):
    """The last verdict of the back-to-back check on an SLA target, so that a loss of cover is noticed, and the
    result itself under the key of its inputs, so that an unchanged tree is not checked again (bot.coverage_cache)."""

    __tablename__ = "coverage_state"

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(sa_column=Column(Integer, ForeignKey("target.id", ondelete="CASCADE"), nullable=False, unique=True))
    verdict: str = Field(max_length=16)
    rules: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # rule -> verdict
    # {"inputs": key, "findings": [[rule, verdict, reason], ...]}; a list of reasons in rows from before the key
    reasons: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    checked_at: datetime = Field(sa_type=UTCDateTime)


class CoverRecheck(TeamScoped, table=True):
    """Where the 15-minute recheck stands with one SLA: a count of the changes beneath it (`marks`, raised in the
    same transaction as any change to its targets, links, the OLAs and contracts beneath, a calendar or a setting:
    bot.cover.marks) and the count its last check saw. The recheck checks the SLAs whose counts differ, and the
    ones checked longest ago in a small rotation; an SLA without a row was never checked."""

    __tablename__ = "cover_recheck"

    id: int | None = Field(default=None, primary_key=True)
    sla_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False,
                                         unique=True))
    marks: int = Field(default=0)
    checked_marks: int = Field(default=0)
    checked_at: datetime = Field(sa_type=UTCDateTime, index=True)
