"""Recording a complaint, answering it and closing it, each audited (the words as their SHA-256 only).

Who may: anyone records (a customer's own people included, like requirements: RECORD_COMPLAINT); the complaint's
owner, or a service manager (ANSWER_COMPLAINT), answers and closes. Recording DMs the owner (the customer's
relationship owner by default), and the customer's relationship owner too when the complaint has another owner,
and schedules the escalation due when the answer is (bot.complaints.late).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, outbox, text
from bot.complaints import late
from bot.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from bot.service_map import owners
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can, require, who_can
from models import (Agreement, AgreementKind, AgreementService, AgreementStatus, Complaint, ComplaintStatus, Party,
                    PartyKind, Service)

TEXT_MAX = 3000
RECORDED = "complaint_recorded.yml.j2"  # the owner's DM
IN_FORCE_OR_COMING = (AgreementStatus.DRAFT.value, AgreementStatus.NEGOTIATING.value, AgreementStatus.AGREED.value,
                      AgreementStatus.ACTIVE.value)


@dataclass
class ComplaintInput:
    customer_id: int | None
    service_id: int | None
    complainant: str | None
    text: str | None
    owner_user_id: str | None = None  # None: the customer's relationship owner
    source_permalink: str | None = None


def _words(value: str | None, field: str, what: str) -> str:
    cleaned = text.block(value)
    if not cleaned:
        raise InvalidInput({field: f"Say {what}."})
    if len(cleaned) > TEXT_MAX:
        raise InvalidInput({field: f"Keep this under {TEXT_MAX} characters (it has {len(cleaned)})."})
    return cleaned


def sla_for(session: Session, team_id: str, customer_id: int, service_id: int) -> Agreement | None:
    """The customer's SLA covering the service (in force, or being agreed), the most recent first."""
    return session.exec(select(Agreement).join(AgreementService, AgreementService.agreement_id == Agreement.id)
                        .where(Agreement.team_id == team_id, Agreement.kind == AgreementKind.SLA.value,
                               Agreement.counterparty_id == customer_id, AgreementService.service_id == service_id,
                               Agreement.status.in_(IN_FORCE_OR_COMING))
                        .order_by(Agreement.id.desc())).first()


def record(session: Session, actor: Actor, data: ComplaintInput) -> Complaint:
    require(actor, Capability.RECORD_COMPLAINT)
    errors: dict[str, str] = {}
    customer = session.get(Party, data.customer_id) if data.customer_id else None
    if customer is None or customer.team_id != actor.team_id or customer.kind != PartyKind.CUSTOMER.value:
        errors["customer"] = "Choose the customer the complaint comes from."
    service = session.get(Service, data.service_id) if data.service_id else None
    if data.service_id and (service is None or service.team_id != actor.team_id):
        errors["service"] = "That service is no longer on the map; choose another, or none."
    try:
        complainant = owners.clean_owner(data.complainant)
        if complainant is None:
            errors["complainant"] = "Choose who complained: the customer's person who made the complaint."
    except InvalidInput:
        errors["complainant"] = "Say who complained: a person in this workspace."
    try:
        said = _words(data.text, "text", "what the complaint is")
    except InvalidInput as err:
        errors.update(err.errors)
    try:
        chosen_owner = owners.clean_owner(data.owner_user_id)
        owners.refuse_elsewhere(session, actor.team_id, chosen_owner)
    except InvalidInput as err:
        errors["owner"] = err.errors.get("owner") or "Name the owner as a person in this workspace."
    if errors:
        raise InvalidInput(errors)
    agreement = sla_for(session, actor.team_id, customer.id, service.id) if service else None
    now = actor.at()
    complaint = Complaint(team_id=actor.team_id, number=0, customer_id=customer.id,
                          service_id=service.id if service else None, agreement_id=agreement.id if agreement else None,
                          complainant=complainant, text=said, source_permalink=data.source_permalink or None,
                          owner_user_id=chosen_owner or customer.owner_user_id,
                          due_at=late.due_at(session, actor.team_id, now, actor.org_tz), created_at=now,
                          created_by=actor.user_id)
    _insert_numbered(session, complaint)
    audit.record(session, actor, "complaint.record", "complaint", complaint.id, number=complaint.number,
                 after=audit.snapshot(complaint))
    context = {"number": complaint.number, "customer": customer.name, "service": service.name if service else None,
               "agreement": agreement.name if agreement else None, "complainant": complainant, "text": said,
               "permalink": complaint.source_permalink, "recorded_by": actor.user_id,
               "owner": complaint.owner_user_id, "due": complaint.due_at.strftime("%Y-%m-%d %H:%M UTC")}
    # The relationship owner first; the complaint's own owner, where another, next (their DM says they own it).
    key = f"complaint:{complaint.id}:recorded"
    owners.tell(session, customer, key, {"about": "complaint", **context}, now)
    if complaint.owner_user_id and complaint.owner_user_id != customer.owner_user_id:
        outbox.enqueue(session, actor.team_id, f"{key}:{complaint.owner_user_id}", complaint.owner_user_id, RECORDED,
                       context, now)
    late.schedule(session, complaint, now)
    return complaint


def _insert_numbered(session: Session, complaint: Complaint, attempts: int = 5) -> None:
    """Number the complaint #N within its workspace; a clash with a concurrent insert takes the next one."""
    for _ in range(attempts):
        top = session.exec(select(func.max(Complaint.number)).where(Complaint.team_id == complaint.team_id)).one()
        complaint.number = (top or 0) + 1
        try:
            with session.begin_nested():
                session.add(complaint)
            return
        except IntegrityError:
            session.expunge(complaint) if complaint in session else None
    raise DomainError("Too many complaints are being recorded at once; please try again.")


def get(session: Session, team_id: str, number: int, *, lock: bool = False) -> Complaint:
    q = select(Complaint).where(Complaint.team_id == team_id, Complaint.number == number)
    found = session.exec(q.with_for_update() if lock else q).first()
    if found is None:
        raise NotFound(f"There is no complaint #{number}.")
    return found


def may_answer(actor: Actor, complaint: Complaint) -> bool:
    """The complaint's owner, or whoever the table lets answer complaints (a service manager)."""
    return (actor.user_id == complaint.owner_user_id and not actor.external) or can(actor, Capability.ANSWER_COMPLAINT)


def require_may_answer(actor: Actor, complaint: Complaint) -> None:
    if not may_answer(actor, complaint):
        raise PermissionDenied(f"Only complaint #{complaint.number}'s owner or a {who_can(Capability.ANSWER_COMPLAINT)}"
                               f" can {Capability.ANSWER_COMPLAINT.value}.")


@dataclass(frozen=True)
class _Settling:
    """One of the two moves that settle a complaint: the status it takes, the column (and form field) its words go
    in, what those words must say, who and when, the audit event, and the statuses that refuse it."""
    status: ComplaintStatus
    words: str
    what: str
    at: str
    by: str
    event: str
    refused: tuple[str, ...]


ANSWERING = _Settling(ComplaintStatus.ANSWERED, "answer", "what the customer was answered", "answered_at",
                      "answered_by", "complaint.answer",
                      refused=(ComplaintStatus.ANSWERED.value, ComplaintStatus.CLOSED.value))
CLOSING = _Settling(ComplaintStatus.CLOSED, "outcome", "how the complaint ended", "closed_at", "closed_by",
                    "complaint.close", refused=(ComplaintStatus.CLOSED.value,))


def _settle(session: Session, actor: Actor, number: int, words: str | None, move: _Settling) -> Complaint:
    complaint = get(session, actor.team_id, number, lock=True)
    require_may_answer(actor, complaint)
    said = _words(words, move.words, move.what)
    if complaint.status in move.refused:
        raise DomainError(f"Complaint #{complaint.number} is {complaint.status} already.")
    before = audit.snapshot(complaint, "status", move.words, move.at, move.by)
    complaint.status = move.status.value
    setattr(complaint, move.words, said)
    setattr(complaint, move.at, actor.at())
    setattr(complaint, move.by, actor.user_id)
    session.add(complaint)
    late.stop(session, complaint)
    late_or_not = {"late": complaint.answered_at > complaint.due_at} if move is ANSWERING else {}  # was it late
    audit.record(session, actor, move.event, "complaint", complaint.id, number=complaint.number, **late_or_not,
                 **audit.change(before, complaint))
    return complaint


def answer(session: Session, actor: Actor, number: int, words: str | None) -> Complaint:
    return _settle(session, actor, number, words, ANSWERING)


def close(session: Session, actor: Actor, number: int, words: str | None) -> Complaint:
    """Closed with the outcome; an open complaint may be closed at once (its answer is then the outcome)."""
    return _settle(session, actor, number, words, CLOSING)
