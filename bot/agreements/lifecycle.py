"""An agreement's life: agreed by both sides (an SLA only past the cover gate its caller gives), in force,
expired or retired; its terms, and its status in words.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, dates, home_refresh
from bot.agreements import answers
from bot.agreements.queries import counterparty_roles, lock, signoffs, targets_of, version
from bot.errors import Command, DomainError, PermissionDenied, Person
from bot.workspace.actor import Actor
from bot.workspace.permissions import COUNTERPARTY, PROVIDER, Capability, can, require, sides, who_can
from models import Agreement, AgreementStatus, Party, Signoff


class Gate(Protocol):
    """What must hold before one side's agreement is recorded; raises a DomainError to refuse it.

    Agreeing an SLA needs its cover checked (bot.cover.gate), and cover reads agreements: the caller passes the
    gate in, so that agreements never import cover.
    """

    def __call__(self, session: Session, actor: Actor, agreement: Agreement) -> None: ...


# ---- terms -----------------------------------------------------------------------------------------
def working_term(agreement: Agreement) -> tuple[date, date]:
    """The term as negotiated now: a change of term not agreed yet, else the term in force."""
    pending = agreement.pending_term or {}
    return (date.fromisoformat(pending["start"]) if "start" in pending else agreement.start_date,
            date.fromisoformat(pending["end"]) if "end" in pending else agreement.end_date)


def next_review(agreement: Agreement, today: date) -> date:
    """The first day of the review month on or after today, or the end of the term if that comes first."""
    candidate = date(today.year, agreement.review_month, 1)
    if candidate < today:
        candidate = date(today.year + 1, agreement.review_month, 1)
    return min(candidate, agreement.end_date)


def default_term(today: date) -> tuple[date, date]:
    """From the first of next month, for a year."""
    return dates.a_year_from(dates.first_of_next_month(today))


def status_line(agreement: Agreement) -> str:
    text = agreement.status
    if agreement.agreed_version and agreement.latest_version > agreement.agreed_version:
        text += f" (v{agreement.agreed_version} in force; v{agreement.latest_version} under negotiation)"
    elif agreement.agreed_version:
        text += f" (v{agreement.agreed_version})"
    else:
        text += f" (v{agreement.latest_version})"
    return text


# ---- agreeing and retiring --------------------------------------------------------------------------
@dataclass
class AgreeResult:
    signoff: Signoff
    side: str
    now_agreed: bool
    waiting_for: str | None  # the side still to agree, in words


def _who_may_agree(actor: Actor, party: Party, agreement: Agreement) -> PermissionDenied:
    """The refusal of someone who may not agree, with the way there: the role, or being named the party's approver.
    A party's "service manager" contact is not the role: only a grant is (bot.workspace.permissions)."""
    if can(actor, Capability.GRANT_ROLES):  # a workspace admin: may grant the role, to others and to themselves
        grant = ("As a workspace admin you can grant the service manager role, yourself included: ",
                 Command("role", "grant", "@you", "service-manager"))
    else:
        grant = (f"A {who_can(Capability.GRANT_ROLES)} grants the service manager role: ",
                 Command("role", "grant", "@person", "service-manager"))
    return PermissionDenied(f"Only an approver of {party.name} or the provider's service manager can agree to "
                            f"{agreement.name}; being named a party's service manager contact is not the role. ",
                            *grant, f" An approver of {party.name} is named with ",
                            Command("party", "contact", "@person", "approver", party.name), ".")


def agree(session: Session, actor: Actor, agreement: Agreement, number: int, *, gate: Gate) -> AgreeResult:
    """Record one side's agreement to version `number`; both sides on the same version make it the one in force.

    ``gate`` runs under the row lock, after every other check: the caller passes bot.cover.gate, which refuses
    an SLA while a target is not covered by what underpins it, unless waived (bound to the cover checked a
    moment ago in another unit of work, where the handler did so: see bot.cover.gate).
    """
    agreement = lock(session, agreement)
    party = session.get(Party, agreement.counterparty_id)
    if agreement.status == AgreementStatus.RETIRED.value:
        raise DomainError(f"{agreement.name} is retired.")
    if number != agreement.latest_version:
        raise DomainError(f"Version {agreement.latest_version} of {agreement.name} has been proposed since version "
                          f"{number}; read it in the thread, then agree to it or propose a change.")
    if agreement.agreed_version == number:
        raise DomainError(f"Version {number} of {agreement.name} is already agreed by both sides.")
    ends = date.fromisoformat((agreement.pending_term or {}).get("end", agreement.end_date.isoformat()))
    if ends < actor.today():
        raise DomainError(f"Version {number} of {agreement.name} ends on {ends.isoformat()}, which has passed; "
                          "propose a new term first.")
    mine = sides(actor, "agree", counterparty_roles(session, actor, agreement))
    if not mine and actor.external:
        raise PermissionDenied(f"{actor.from_words}: only an approver {party.name} has named can agree to "
                               f"{agreement.name} for your side. Ask the service manager to name you as one.")
    if not mine:
        raise _who_may_agree(actor, party, agreement)
    done = {s.side: s for s in signoffs(session, agreement, number)}
    if any(s.user_id == actor.user_id for s in done.values()):
        raise DomainError(f"You have already agreed to version {number}; the other side must be agreed by someone else.")
    open_sides = [s for s in (PROVIDER, COUNTERPARTY) if s in mine and s not in done]
    if not open_sides:
        who = next(iter(done.values()))
        raise DomainError(f"Your side already agreed to version {number} (", Person(who.user_id), ").")
    gate(session, actor, agreement)
    side = open_sides[0]
    row = version(session, agreement, number)
    signoff = Signoff(team_id=actor.team_id, agreement_id=agreement.id, version=number, side=side,
                      user_id=actor.user_id, user_team=actor.contact_team, document_sha256=row.document_sha256,
                      created_at=actor.at(),
                      created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(signoff)
    except IntegrityError:  # a second click that raced the first
        raise DomainError(f"Your side already agreed to version {number}.") from None
    done[side] = signoff
    home_refresh.refresh_agreement(session, agreement, actor.user_id, actor.at())
    audit.record(session, actor, "agreement.agree", "agreement", agreement.id, version=number, side=side,
                 sha256=row.document_sha256, after=audit.snapshot(signoff))
    now_agreed = PROVIDER in done and COUNTERPARTY in done
    if now_agreed:
        in_force = ("status", "agreed_version", "start_date", "end_date", "review_month", "pending_term")
        was = audit.snapshot(agreement, *in_force)
        was_in_force = agreement.agreed_version is not None
        agreement.agreed_version = number
        today = actor.today()
        if agreement.pending_term:  # the term agreed now comes into force
            term = agreement.pending_term
            start, end = date.fromisoformat(term["start"]), date.fromisoformat(term["end"])
            if was_in_force and agreement.start_date <= today <= agreement.end_date and start > today:
                start = agreement.start_date  # a renewal of a term running now extends it: nothing lapses between
            agreement.start_date, agreement.end_date = start, end
            agreement.review_month, agreement.pending_term = term["review_month"], None
        agreement.status = (AgreementStatus.ACTIVE if agreement.start_date <= today else AgreementStatus.AGREED).value
        session.add(agreement)
        audit.record(session, actor, "agreement.in_force", "agreement", agreement.id, version=number, before=was,
                     after=audit.snapshot(agreement, *in_force))
        answers.settle(session, agreement, targets_of(session, agreement), number)
    waiting = None if now_agreed else ("an approver of " + party.name if side == PROVIDER else "a service manager")
    return AgreeResult(signoff, side, now_agreed, waiting)


def retire(session: Session, actor: Actor, agreement: Agreement) -> Agreement:
    require(actor, Capability.DRAFT_AGREEMENT)
    agreement = lock(session, agreement)
    if agreement.status == AgreementStatus.RETIRED.value:
        raise DomainError(f"{agreement.name} is already retired.")
    before = agreement.status
    agreement.status = AgreementStatus.RETIRED.value
    session.add(agreement)
    audit.record(session, actor, "agreement.retire", "agreement", agreement.id, before={"status": before},
                 after={"status": agreement.status})
    return agreement


# ---- time passing ----------------------------------------------------------------------------------
def roll_statuses(session: Session, today: date, now: datetime | None = None) -> list[tuple[Agreement, str]]:
    """Agreed agreements become active on their start date, and expire after their end date (recorded in the audit
    trail as the bot's doing, at `now`)."""
    changed: list[tuple[Agreement, str]] = []
    rows = session.exec(select(Agreement).where(Agreement.status.in_(
        [AgreementStatus.AGREED.value, AgreementStatus.ACTIVE.value])))
    for row in rows:
        new = row.status
        if row.end_date < today:
            new = AgreementStatus.EXPIRED.value
        elif row.status == AgreementStatus.AGREED.value and row.start_date <= today:
            new = AgreementStatus.ACTIVE.value
        if new != row.status:
            changed.append((row, row.status))
            row.status = new
            session.add(row)
            if now is not None:
                audit.record(session, audit.by_the_bot(row.team_id, now), f"agreement.{new}", "agreement", row.id,
                             before={"status": changed[-1][1]}, after={"status": new})
    return changed
