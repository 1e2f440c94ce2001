"""Recording requirements and deciding on them: who is asking, numbering, confirm, correct, decline, get.

Every requirement keeps who asked for it and where (`Said`); it is numbered #N within its
workspace. Only the requester confirms; the requester or a service manager corrects;
a service manager declines. Each change is in the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, parsing, service_map, text
from bot.errors import DomainError, InvalidInput, NotFound, PermissionDenied, Person
from bot.requirements.interview import Draft
from bot.requirements.metrics import STATEMENT_MAX, metric_of
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import ContactRole, Party, PartyKind, Requirement, Service, Source, Status
from models.service_map import Contact

RESPONDENT_ROLES = (ContactRole.MANAGERIAL, ContactRole.OPERATIONAL)


# ---- who is asking ------------------------------------------------------------------------------
def respondent_roles(session: Session, team_id: str, user_id: str, customer_id: int | None = None) -> set[ContactRole]:
    """The customer-side roles the map gives this person (at one customer, or at any)."""
    q = (select(Contact.role).join(Party, Party.id == Contact.party_id)
         .where(Contact.team_id == team_id, Contact.user_id == user_id, Party.kind == PartyKind.CUSTOMER.value,
                Contact.role.in_([r.value for r in RESPONDENT_ROLES])))
    if customer_id is not None:
        q = q.where(Contact.party_id == customer_id)
    return {ContactRole(r) for r in session.exec(q).all()}


def customers_of(session: Session, team_id: str, user_id: str) -> list[Party]:
    q = (select(Party).join(Contact, Contact.party_id == Party.id)
         .where(Party.team_id == team_id, Party.kind == PartyKind.CUSTOMER.value, Contact.user_id == user_id)
         .distinct())
    return list(session.exec(q))


def resolve_role(session: Session, team_id: str, user_id: str, customer_id: int, answered: str | None) -> ContactRole:
    """The role the person answers in: the one the map gives them at this customer, else what they told us."""
    for roles in (respondent_roles(session, team_id, user_id, customer_id), respondent_roles(session, team_id, user_id)):
        if len(roles) == 1:
            return next(iter(roles))
    if answered in (ContactRole.MANAGERIAL.value, ContactRole.OPERATIONAL.value):
        return ContactRole(answered)
    raise InvalidInput({"role": "Tell me whether you speak as a manager or as an operational user."})


def check_subject(session: Session, team_id: str, service_id: int | None, customer_id: int | None) -> tuple[Service, Party]:
    errors: dict[str, str] = {}
    service = customer = None
    try:
        if service_id is None:
            raise NotFound("Choose the service this is about.")
        service = service_map.get_service(session, team_id, service_id)
    except NotFound as err:
        errors["service"] = str(err)
    try:
        if customer_id is None:
            raise NotFound("Choose the customer asking for it.")
        customer = service_map.get_party(session, team_id, customer_id)
        if customer.party_kind is not PartyKind.CUSTOMER:
            errors["customer"] = f"{customer.name} is not a customer."
    except NotFound as err:
        errors["customer"] = str(err)
    if errors:
        raise InvalidInput(errors)
    return service, customer


# ---- recording ------------------------------------------------------------------------------------
@dataclass
class Said:
    """Who asked, where: the provenance every requirement keeps."""

    user_id: str
    role: ContactRole
    source: Source = Source.FORM
    permalink: str | None = None
    quote: str = ""


def record(session: Session, actor: Actor, service_id: int, customer_id: int, said: Said,
           drafts: list[Draft]) -> list[Requirement]:
    require(actor, Capability.RECORD_REQUIREMENT)
    check_subject(session, actor.team_id, service_id, customer_id)
    stored: list[Requirement] = []
    for draft in drafts:
        req = Requirement(
            team_id=actor.team_id, number=0, service_id=service_id, customer_id=customer_id, said_by=said.user_id,
            said_role=said.role.value, source=said.source.value, source_permalink=said.permalink,
            source_quote=said.quote[:STATEMENT_MAX], category=draft.category.value, statement=draft.statement,
            metric=draft.metric, level=draft.level, target=draft.target, period=draft.period,
            service_hours=draft.service_hours, priority=draft.priority.value, created_at=actor.at(),
            created_by=actor.user_id)
        _insert_numbered(session, req)
        audit.record(session, actor, "requirement.record", "requirement", req.id, number=req.number,
                     category=req.category, target=req.target, said_by=said.user_id, after=audit.snapshot(req))
        stored.append(req)
    return stored


def _insert_numbered(session: Session, req: Requirement, attempts: int = 5) -> None:
    """Number the requirement #N within its workspace; a clash with a concurrent insert takes the next one."""
    for _ in range(attempts):
        top = session.exec(select(func.max(Requirement.number)).where(Requirement.team_id == req.team_id)).one()
        req.number = (top or 0) + 1
        try:
            with session.begin_nested():
                session.add(req)
            return
        except IntegrityError:
            session.expunge(req) if req in session else None
    raise DomainError("Too many requirements are being recorded at once; please try again.")


def get(session: Session, team_id: str, number: int) -> Requirement:
    req = session.exec(select(Requirement).where(Requirement.team_id == team_id, Requirement.number == number)).first()
    if req is None:
        raise NotFound(f"There is no requirement #{number}.")
    return req


def get_many(session: Session, team_id: str, numbers: list[int]) -> list[Requirement]:
    return [get(session, team_id, n) for n in numbers]



def confirm(session: Session, actor: Actor, number: int) -> Requirement:
    req = get(session, actor.team_id, number)
    if actor.user_id != req.said_by:
        raise PermissionDenied("Only ", Person(req.said_by), f", who asked for it, can confirm requirement #{number}.")
    confirmation = ("status", "confirmed_by", "confirmed_at")
    was = audit.snapshot(req, *confirmation)
    if req.status in (Status.CAPTURED.value, Status.CLARIFIED.value):
        req.status = Status.CLARIFIED.value
    req.confirmed_by, req.confirmed_at = actor.user_id, actor.at()
    session.add(req)
    audit.record(session, actor, "requirement.confirm", "requirement", req.id, number=number, before=was,
                 after=audit.snapshot(req, *confirmation))
    return req


def check_correctable(actor: Actor, req: Requirement) -> None:
    """Refuse, before the form is filled, a correction this person may not make."""
    if actor.user_id != req.said_by:
        require(actor, Capability.DECIDE_REQUIREMENT)
    if req.status in (Status.ACCEPTED.value, Status.DECLINED.value):
        raise DomainError(f"Requirement #{req.number} is already {req.status}; "
                          + ("change the SLA that answers it instead." if req.status == Status.ACCEPTED.value
                             else "record it again if it still stands."))


def correct(session: Session, actor: Actor, number: int, *, statement: str | None, target: str | None,
            default_tz: str) -> Requirement:
    """The requester (or a service manager) rewords a requirement or changes its target."""
    req = get(session, actor.team_id, number)
    check_correctable(actor, req)
    errors: dict[str, str] = {}
    said = text.line(statement)
    if not said:
        errors["statement"] = "Say what is needed, in your words."
    elif len(said) > STATEMENT_MAX:
        errors["statement"] = f"Keep this under {STATEMENT_MAX} characters."
    new_target = req.target
    metric = metric_of(req)
    if metric and (target or "").strip():
        try:
            new_target = metric.read(target, actor.tz)
        except parsing.ParseError as err:
            errors["target"] = str(err)
    elif metric and not (target or "").strip():
        new_target = None
    if errors:
        raise InvalidInput(errors)
    before = {"statement": req.statement, "target": req.target}
    req.statement, req.target = said, new_target
    req.metric = metric.name if metric and new_target else None
    if actor.user_id == req.said_by:  # the requester's own words: that is confirmation
        req.status = Status.CLARIFIED.value
        req.confirmed_by, req.confirmed_at = actor.user_id, actor.at()
    else:  # someone else reworded it: the requester has yet to confirm the new wording
        req.confirmed_by, req.confirmed_at = None, None
    session.add(req)
    audit.record(session, actor, "requirement.correct", "requirement", req.id, number=number, before=before,
                 after={"statement": req.statement, "target": req.target})
    return req


def decline(session: Session, actor: Actor, number: int, reason: str | None) -> Requirement:
    require(actor, Capability.DECIDE_REQUIREMENT)
    req = get(session, actor.team_id, number)
    why = text.line(reason, 1000)
    if not why:
        raise InvalidInput({"reason": "Say why it is declined; the customer will read this."})
    if req.status == Status.ACCEPTED.value:
        raise DomainError(f"Requirement #{number} is already answered by an SLA; change the SLA instead.")
    was = audit.snapshot(req, "status", "status_reason")
    req.status, req.status_reason = Status.DECLINED.value, why[:1000]
    session.add(req)
    audit.record(session, actor, "requirement.decline", "requirement", req.id, number=number, reason=req.status_reason,
                 before=was, after=audit.snapshot(req, "status", "status_reason"))
    return req

