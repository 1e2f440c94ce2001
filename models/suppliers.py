"""Suppliers' contracts over their life (ISO/IEC 20000-1 8.3.4.1): who owns each underpinning contract (and OLA),
how often it is reviewed and what each review decided, and the disputes raised against suppliers.

An agreement's own row is left alone: its owner and cadence sit in `contract_care` (one row per contract), each
review's outcome in `contract_review` (one row per review due date, so a second press records nothing twice), and
each dispute in `supplier_dispute`, numbered per workspace.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field

from models.base import Stamped
from models.types import UTCDateTime


class ReviewOutcome(StrEnum):
    CONTINUE = "continue"
    RENEGOTIATE = "renegotiate"
    EXIT = "exit"


class DisputeStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ContractCare(Stamped, table=True):
    """A contract's (or OLA's) owner and how often it is reviewed, and when its next review is due."""

    __tablename__ = "contract_care"
    __table_args__ = (UniqueConstraint("agreement_id", name="uq_contract_care_agreement"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False))
    owner_user_id: str | None = Field(default=None, max_length=32)
    review_months: int | None = Field(default=None)  # the cadence: every N months
    next_review_on: date | None = Field(default=None)  # the day the next review is due (the reminder goes then)


class ContractReview(Stamped, table=True):
    """What one review of a contract decided: continue, renegotiate or exit (with the notice date for an exit)."""

    __tablename__ = "contract_review"
    __table_args__ = (UniqueConstraint("agreement_id", "due_on", name="uq_contract_review_due"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False,
                                               index=True))
    due_on: date
    outcome: str = Field(max_length=16)
    notice_by: date | None = Field(default=None)  # exit: the last day to give notice
    next_review_on: date | None = Field(default=None)  # what the outcome scheduled next


class SupplierDispute(Stamped, table=True):
    """A dispute with a supplier (about one of its contracts, or none in particular), through to its outcome."""

    __tablename__ = "supplier_dispute"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_supplier_dispute_number"),)

    id: int | None = Field(default=None, primary_key=True)
    number: int
    # CASCADE: a supplier party removed (once no agreement names it) takes its disputes with it, as a customer party
    # takes its complaints; RESTRICT made such a party impossible to remove.
    party_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False,
                                           index=True))
    agreement_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agreement.id",
                                                                                        ondelete="SET NULL"),
                                                                      nullable=True))
    what: str = Field(max_length=2000)
    owner_user_id: str | None = Field(default=None, max_length=32)
    status: str = Field(default=DisputeStatus.OPEN.value, max_length=16)
    outcome: str | None = Field(default=None, max_length=2000)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=32)
