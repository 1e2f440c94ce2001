"""Complaints a page at a time (`/slm complaints [open|<customer>]`), and the counts the review pack and the
relationship view show for a period.

The counts over [start, end):
- received: recorded in the period;
- answered late: answered in the period, after the answer was due;
- open: recorded before the period ended and, at its end, neither answered nor closed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from bot import paging
from models import Complaint, ComplaintStatus, Party, Service


@dataclass(frozen=True)
class ComplaintLine:
    number: int
    status: str
    customer: str
    service: str | None
    complainant: str
    owner: str | None
    recorded: str      # "2026-03-02"
    due: str           # "2026-03-09 09:00 UTC"
    overdue: bool      # open, and past its due time
    text: str
    answer: str
    outcome: str
    permalink: str | None
    settled: str = ""  # "answered 2026-03-04" or "closed 2026-03-05" (shown instead of when the answer is due); "" open


def page(session: Session, team_id: str, now: datetime, *, only_open: bool = False, customer_id: int | None = None,
         visible_to: str | None = None, offset: int = 0, size: int = 10) -> paging.Page:
    """A page of complaints, newest first, as plain lines. `visible_to`: only those this person made, owns or
    complained in (a complaint's words are personal: the others' are not everyone's to read); None: all."""
    q = (select(Complaint, Party.name, Service.name).join(Party, Party.id == Complaint.customer_id)
         .outerjoin(Service, Service.id == Complaint.service_id).where(Complaint.team_id == team_id))
    if only_open:  # not closed: an answered complaint is still open until it is closed
        q = q.where(Complaint.status != ComplaintStatus.CLOSED.value)
    if customer_id is not None:
        q = q.where(Complaint.customer_id == customer_id)
    if visible_to is not None:
        q = q.where(or_(Complaint.owner_user_id == visible_to, Complaint.complainant == visible_to,
                        Complaint.created_by == visible_to))
    found = paging.read(session, q.order_by(Complaint.number.desc()), offset, size)
    lines = [ComplaintLine(number=c.number, status=c.status, customer=customer, service=service,
                           complainant=c.complainant, owner=c.owner_user_id,
                           recorded=c.created_at.strftime("%Y-%m-%d"), due=c.due_at.strftime("%Y-%m-%d %H:%M UTC"),
                           overdue=c.status == ComplaintStatus.OPEN.value and c.due_at < now, text=c.text,
                           answer=c.answer, outcome=c.outcome, permalink=c.source_permalink, settled=_settled(c))
             for c, customer, service in found.rows]
    return paging.Page(lines, found.total, found.offset, found.size)


def _settled(c: Complaint) -> str:
    if c.status == ComplaintStatus.CLOSED.value:
        return f"closed {c.closed_at:%Y-%m-%d}" if c.closed_at else "closed"
    if c.status == ComplaintStatus.ANSWERED.value:
        return f"answered {c.answered_at:%Y-%m-%d}" if c.answered_at else "answered"
    return ""


@dataclass(frozen=True)
class Counts:
    received: int
    answered_late: int
    open: int

    def as_context(self) -> dict:
        return asdict(self)


def counts(session: Session, team_id: str, start: datetime, end: datetime, *, customer_id: int | None = None,
           agreement_id: int | None = None) -> Counts:
    """The period's figures for one customer's complaints, or one SLA's."""
    mine = [Complaint.team_id == team_id]
    if customer_id is not None:
        mine.append(Complaint.customer_id == customer_id)
    if agreement_id is not None:
        mine.append(Complaint.agreement_id == agreement_id)

    def count(*where) -> int:
        return session.exec(select(func.count()).select_from(Complaint).where(*mine, *where)).one()

    return Counts(
        received=count(Complaint.created_at >= start, Complaint.created_at < end),
        answered_late=count(Complaint.answered_at >= start, Complaint.answered_at < end,
                            Complaint.answered_at > Complaint.due_at),
        open=count(Complaint.created_at < end,
                   or_(Complaint.answered_at.is_(None), Complaint.answered_at >= end),
                   or_(Complaint.closed_at.is_(None), Complaint.closed_at >= end)))
