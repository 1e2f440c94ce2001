"""Exclusions agreed with the customer (force majeure, the customer's own outage): a span of time an SLA's
measurements leave out (bot.measurements.exclusions does the leaving out).

Who agreed it: the service manager who records it names the customer's contact who agreed (`agreed by @carol`);
that person must be a contact of the SLA's customer, so an exclusion always carries both sides' names. (A button for
the approver to press was the other way; a named contact keeps it one step, and the audit trail and the pack show
both names.)

Removing one (`remove`, a service manager's, with why): the table has no status column, so the row is deleted and the
audit trail keeps it (`exclusion.remove`, its whole row as before, with why); the figures follow, since they are
computed from the rows. An exact duplicate (same SLA, service, window and kind) is refused, naming the one there.

Recording or removing one changes the clocks of tickets already resolved, which the breach sweep no longer measures
unless they change: `measure_again` clears the mark of those the exclusion can touch (of its SLA's services, or its
one service, open at some time during it), so the next sweep measures them again, and an alert whose verdict turns
is corrected in place, with a line in its thread (bot.breaches.alerts, as for a corrected event).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, update
from sqlmodel import Session, select

from bot import audit, parsing
from bot.errors import Command, InvalidInput, NotFound
from bot.parsing import windows
from bot.service_map import contacts_of
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Agreement, AgreementService, Exclusion, ExclusionKind, Service, Ticket
from models.base import name_key

@dataclass(frozen=True)
class Typed:
    when: str
    kind: ExclusionKind
    agreed_by: str           # the customer's contact who agreed it (a Slack user id)
    service: str | None
    note: str


def add(session: Session, actor: Actor, agreement: Agreement, typed: Typed) -> Exclusion:
    require(actor, Capability.RECORD_EXCLUSION)
    try:
        span = windows.parse_window(typed.when, actor.tz, actor.at())
    except parsing.ParseError as err:
        raise InvalidInput({"when": str(err)}) from None
    contacts = {u for users in contacts_of(session, actor.team_id, agreement.counterparty_id).values() for u in users}
    if typed.agreed_by not in contacts:
        raise InvalidInput({"agreed_by": f"The person named as agreeing is not a contact of {agreement.name}'s "
                                         "customer: name the customer's contact who agreed the exclusion."})
    service_id = None
    if typed.service:
        service_id = session.exec(select(Service.id).join(AgreementService, AgreementService.service_id == Service.id)
                                  .where(AgreementService.agreement_id == agreement.id,
                                         Service.name_key == name_key(typed.service))).first()
        if service_id is None:
            raise InvalidInput({"service": f"{agreement.name} covers no service “{typed.service[:80]}”."})
    same = session.exec(select(Exclusion.id).where(
        Exclusion.team_id == actor.team_id, Exclusion.agreement_id == agreement.id,
        Exclusion.service_id == service_id if service_id is not None else Exclusion.service_id.is_(None),
        Exclusion.starts_at == span.start, Exclusion.ends_at == span.end,
        Exclusion.kind == typed.kind.value)).first()
    if same is not None:
        raise InvalidInput({"when": f"That exclusion is recorded already: #{same} on {agreement.name}, the same "
                                    "window and reason."})
    row = Exclusion(team_id=actor.team_id, agreement_id=agreement.id, service_id=service_id, starts_at=span.start,
                    ends_at=span.end, kind=typed.kind.value, agreed_by=typed.agreed_by, note=typed.note,
                    created_at=actor.at(), created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "exclusion.add", "exclusion", row.id, agreement=agreement.id, after=audit.snapshot(row))
    measure_again(session, row, actor.at())
    return row


def measure_again(session: Session, row: Exclusion, now: datetime) -> None:
    """The resolved tickets whose clocks this exclusion can change are measured again by the next breach sweep.

    `updated_at` moves on to `now` as well: a sweep under way that measured them before this exclusion was there
    marks them measured only where `updated_at` is still what it read (evaluate.mark_evaluated), so it cannot
    swallow this call (clearing `evaluated_at` alone, that sweep's mark would set it again)."""
    services = ([row.service_id] if row.service_id is not None else
                select(AgreementService.service_id).where(AgreementService.agreement_id == row.agreement_id))
    session.exec(update(Ticket).where(Ticket.team_id == row.team_id, Ticket.service_id.in_(services),
                                      Ticket.resolved_at.is_not(None), Ticket.opened_at < row.ends_at,
                                      Ticket.resolved_at > row.starts_at)
                 .values(evaluated_at=None,
                         updated_at=case((Ticket.updated_at < now, now), else_=Ticket.updated_at))
                 .execution_options(synchronize_session=False))


def of_agreement(session: Session, team_id: str, agreement_id: int, start: datetime | None = None,
                 end: datetime | None = None) -> list[Exclusion]:
    q = select(Exclusion).where(Exclusion.team_id == team_id, Exclusion.agreement_id == agreement_id)
    if start is not None and end is not None:
        q = q.where(Exclusion.starts_at < end, Exclusion.ends_at > start)
    return list(session.exec(q.order_by(Exclusion.starts_at, Exclusion.id)))


def remove(session: Session, actor: Actor, exclusion_id: int, why: str = "") -> Exclusion:
    """Remove an exclusion recorded wrongly: the row goes (no status column to mark it), the trail keeps it whole
    as `before`, with who removed it and why; the measurements count its time again from now on."""
    require(actor, Capability.RECORD_EXCLUSION)
    row = session.get(Exclusion, exclusion_id)
    if row is None or row.team_id != actor.team_id:
        raise NotFound(f"There is no exclusion #{exclusion_id}: ", Command("exclusions", "<SLA>"), " lists an SLA's.")
    before = audit.snapshot(row)
    measure_again(session, row, actor.at())
    session.delete(row)
    session.flush()
    audit.record(session, actor, "exclusion.remove", "exclusion", exclusion_id, agreement=row.agreement_id,
                 before=before, after=None, why=(why or "").strip()[:300])
    return row
