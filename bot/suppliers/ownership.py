"""Naming a contract's (or OLA's) owner and its review cadence; each change audited, and the reminder of the next
review scheduled for the owner at once (bot.suppliers.reviews)."""
from __future__ import annotations

from sqlmodel import Session

from bot import audit
from bot.errors import InvalidInput
from bot.service_map import owners
from bot.suppliers import reviews
from bot.suppliers.care import care_of, last_review, months_later
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Agreement, AgreementKind, ContractCare

MAX_MONTHS = 60
CARED_FOR = (AgreementKind.UC.value, AgreementKind.OLA.value)


def _checked(agreement: Agreement) -> None:
    if agreement.kind not in CARED_FOR:
        raise InvalidInput({"agreement": f"{agreement.name} is an SLA: owners and review cadences are for "
                                         "underpinning contracts and OLAs (an SLA has its own yearly review)."})


def _row(session: Session, actor: Actor, agreement: Agreement) -> ContractCare:
    row = care_of(session, agreement)
    if row is None:
        row = ContractCare(team_id=actor.team_id, agreement_id=agreement.id, created_at=actor.at(),
                           created_by=actor.user_id)
        session.add(row)
        session.flush()
    return row


def set_owner(session: Session, actor: Actor, agreement: Agreement, user_id: str | None) -> ContractCare:
    """Name the contract's owner (who is reminded of its reviews and owns its disputes by default)."""
    require(actor, Capability.MANAGE_CONTRACTS)
    _checked(agreement)
    if not user_id:
        raise InvalidInput({"owner": "Name the owner as a mention, like “@dana”."})
    owners.refuse_elsewhere(session, actor.team_id, user_id)
    row = _row(session, actor, agreement)
    was = audit.snapshot(row, "owner_user_id")
    row.owner_user_id = user_id
    session.add(row)
    session.flush()
    audit.record(session, actor, "contract.owner", "agreement", agreement.id, **audit.change(was, row))
    reviews.schedule_next(session, actor, agreement, row)
    return row


def set_cadence(session: Session, actor: Actor, agreement: Agreement, months: int | None) -> ContractCare:
    """Review the contract every `months` months: the next review N months after the last one (or today)."""
    require(actor, Capability.MANAGE_CONTRACTS)
    _checked(agreement)
    if months is None or not 1 <= months <= MAX_MONTHS:
        raise InvalidInput({"cadence": f"Say how often in months, from 1 to {MAX_MONTHS}, like “6 months”."})
    row = _row(session, actor, agreement)
    was = audit.snapshot(row, "review_months", "next_review_on")
    last = last_review(session, agreement)
    row.review_months = months
    row.next_review_on = months_later(last.due_on if last is not None else actor.today(), months)
    session.add(row)
    session.flush()
    audit.record(session, actor, "contract.cadence", "agreement", agreement.id, **audit.change(was, row))
    reviews.schedule_next(session, actor, agreement, row)
    return row
