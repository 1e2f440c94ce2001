"""Negotiating an agreement: drafting it (version 1), the sides that may propose, and proposing a change (each
a new version), and where the negotiation happens: the thread whose posts go through the once-only outbox.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from bot import audit, outbox, service_map, text
from bot.agreements import targets
from bot.agreements.queries import counterparty_roles, lock, version
from bot.agreements.versions import CLAUSES, DocSettings, NewVersion, new_version
from bot.errors import Command, DomainError, InvalidInput, NotFound, PermissionDenied
from bot.workspace import settings as workspace_settings
from bot.workspace.actor import Actor
from bot.workspace.permissions import COUNTERPARTY, PROVIDER, Capability, require, sides
from models import Agreement, AgreementKind, AgreementService, AgreementStatus, AgreementVersion, Party, PartyKind
from models.base import name_key

GROUP_DM_LIMIT = 8  # people in a Slack group DM, besides the bot
COUNTERPARTY_KIND = {AgreementKind.SLA: PartyKind.CUSTOMER, AgreementKind.OLA: PartyKind.SUPPORT_GROUP,
                     AgreementKind.UC: PartyKind.SUPPLIER}


# ---- drafting --------------------------------------------------------------------------------------
@dataclass
class DraftInput:
    kind: AgreementKind
    name: str | None
    counterparty_id: int | None
    service_ids: list[int]
    start: date | None
    end: date | None
    review_month: int | None
    channel_id: str | None
    contract_ref: str | None = None
    notice_days: int | None = None
    renewal_date: date | None = None
    # Further terms version 1 states, applied once its targets are made: each a change like those proposed (with
    # `apply`), and `problems()`, what is wrong with it before anything is made (the form's workload limits: their
    # layer, bot.workload, sits above this one, so the caller brings them).
    terms: list = field(default_factory=list)


@dataclass
class Drafted:
    agreement: Agreement
    version: AgreementVersion
    unanswered: list[targets.Unanswered] = field(default_factory=list)
    warning: str | None = None


def _check_draft(session: Session, actor: Actor, data: DraftInput) -> tuple[str, Party, list]:
    errors: dict[str, str] = {}
    clean = text.line(data.name)
    if not clean:
        errors["name"] = "Give the agreement a name, e.g. “Acme Retail: Payroll”."
    elif len(clean) > 120:
        errors["name"] = "Keep the name under 120 characters."
    elif session.exec(select(Agreement.id).where(Agreement.team_id == actor.team_id,
                                                 Agreement.name_key == name_key(clean))).first():
        errors["name"] = f"There is already an agreement called “{clean}”."
    party = None
    wanted = COUNTERPARTY_KIND[data.kind]
    if data.counterparty_id is None:
        errors["counterparty"] = f"Choose the {wanted.label.lower()}."
    else:
        try:
            party = service_map.get_party(session, actor.team_id, data.counterparty_id)
            if party.party_kind is not wanted:
                errors["counterparty"] = f"{party.name} is not a {wanted.label.lower()}."
        except NotFound as err:
            errors["counterparty"] = str(err)
    services = []
    for sid in data.service_ids:
        try:
            services.append(service_map.get_service(session, actor.team_id, sid))
        except NotFound as err:
            errors["services"] = str(err)
    if not data.service_ids:
        errors["services"] = "Choose at least one service."
    if data.start is None:
        errors["start"] = "Choose the date it starts."
    if data.end is None:
        errors["end"] = "Choose the date it ends."
    elif data.start and data.end <= data.start:
        errors["end"] = "It must end after it starts."
    if data.review_month is not None and not 1 <= data.review_month <= 12:
        errors["review_month"] = "Choose a month."
    if not data.channel_id and party is not None:
        people = {u for users in service_map.contacts_of(session, actor.team_id, party.id).values() for u in users}
        if not people:
            errors["channel"] = (f"Choose where to negotiate: {party.name} has no contacts yet for me to open a group "
                                 f"DM with (add them with {Command('party', 'add').typed}, or pick a channel).")
        elif len(people | {actor.user_id}) > GROUP_DM_LIMIT:
            errors["channel"] = (f"{party.name} has more contacts than a group DM holds ({GROUP_DM_LIMIT} people): "
                                 "choose a channel to negotiate in.")
    if data.renewal_date is not None:
        if data.start and data.renewal_date < data.start:
            errors["renewal_date"] = (f"The renewal date comes before the contract starts ({data.start.isoformat()}); "
                                      "choose a date on or after it.")
        elif data.renewal_date < actor.today():
            errors["renewal_date"] = "The renewal date has passed; choose today or later."
    if data.notice_days is not None and not 0 <= data.notice_days <= 3650:
        errors["notice_days"] = "A notice period is a number of days, from 0 to 3650."
    if len(text.line(data.contract_ref)) > 120:
        errors["contract_ref"] = "Keep the contract reference under 120 characters."
    for term in data.terms:
        errors.update(term.problems())
    if errors:
        raise InvalidInput(errors)
    return clean, party, services


def draft(session: Session, actor: Actor, data: DraftInput, docs: DocSettings) -> Drafted:
    """A new agreement at version 1. An SLA's targets come from its customer's requirements for its services."""
    require(actor, Capability.DRAFT_AGREEMENT)
    clean, party, services = _check_draft(session, actor, data)
    agreement = Agreement(team_id=actor.team_id, kind=data.kind.value, name=clean, name_key=name_key(clean),
                          counterparty_id=party.id, start_date=data.start, end_date=data.end,
                          review_month=data.review_month or workspace_settings.default_review_month(session, actor.team_id), status=AgreementStatus.DRAFT.value,
                          channel_id=data.channel_id, clauses={k: v for k, (_h, v) in CLAUSES.items()},
                          contract_ref=text.line(data.contract_ref) or None, notice_days=data.notice_days,
                          renewal_date=data.renewal_date, created_at=actor.at(), created_by=actor.user_id)
    session.add(agreement)
    session.flush()
    for s in services:
        session.add(AgreementService(team_id=actor.team_id, agreement_id=agreement.id, service_id=s.id,
                                     created_at=actor.at(), created_by=actor.user_id))
    unanswered: list[targets.Unanswered] = []
    if data.kind is AgreementKind.SLA:
        unanswered = targets.from_requirements(session, actor, agreement, [s.id for s in services])
    session.flush()
    for term in data.terms:  # read already; what they name (a target a limit excuses) is checked against what is made
        term.apply(session, actor, agreement, CLAUSES)
    session.flush()
    made = new_version(session, actor, agreement, "First draft", docs, previous=None)
    audit.record(session, actor, "agreement.draft", "agreement", agreement.id, name=clean, kind=data.kind.value,
                 after=audit.snapshot(agreement))
    return Drafted(agreement, made.version, unanswered, made.warning)


# ---- where the negotiation happens: a thread ---------------------------------------------------------
def negotiators(session: Session, agreement: Agreement) -> list[str]:
    """Who a group DM for the negotiation brings together: whoever drafted it, and the counterparty's contacts."""
    contacts = service_map.contacts_of(session, agreement.team_id, agreement.counterparty_id)
    people = [agreement.created_by] + [u for users in contacts.values() for u in users]
    return list(dict.fromkeys(people))


def mark_posted(session: Session, agreement: Agreement, channel_id: str, thread_ts: str,
                permalink: str | None = None) -> None:
    agreement.channel_id, agreement.thread_ts, agreement.permalink = channel_id, thread_ts, permalink
    if agreement.status == AgreementStatus.DRAFT.value:
        agreement.status = AgreementStatus.NEGOTIATING.value
    session.add(agreement)


def record_version_post(session: Session, row: AgreementVersion, message_ts: str) -> None:
    row.message_ts = message_ts
    session.add(row)


# ---- the thread's posts, through the once-only delivery path (bot.outbox) ------------------------------
# Each post is queued under one of these keys, which also travel with it to Slack as message metadata.
def headline_key(agreement_id: int) -> str:
    return f"agreement:{agreement_id}:headline"


def version_key(version_id: int) -> str:
    return f"version:{version_id}"


def document_key(version_id: int) -> str:
    return f"version:{version_id}:document"


@outbox.on_sent("agreement:")
def _headline_sent(session: Session, held: outbox.Claim, message_ts: str | None, now: datetime) -> None:
    agreement = session.get(Agreement, int(held.key.split(":")[1]))
    if agreement is not None and not agreement.thread_ts:  # recorded in the transaction that marks it sent
        mark_posted(session, agreement, held.channel, message_ts)


@outbox.on_sent("version:")
def _version_sent(session: Session, held: outbox.Claim, message_ts: str | None, now: datetime) -> None:
    row = session.get(AgreementVersion, int(held.key.split(":")[1]))
    if row is None:
        return
    if held.key.endswith(":document"):
        row.document_posted_at = now
        session.add(row)
    elif not row.message_ts:
        record_version_post(session, row, message_ts)


# ---- negotiating ------------------------------------------------------------------------------------
# ---- proposing ------------------------------------------------------------------------------------
def proposing_side(session: Session, actor: Actor, agreement: Agreement) -> str:
    found = sides(actor, "propose", counterparty_roles(session, actor, agreement))
    if not found:
        party = session.get(Party, agreement.counterparty_id)
        raise PermissionDenied(f"Only a service manager or a contact of {party.name} can propose a change to "
                               f"{agreement.name}.")
    return PROVIDER if PROVIDER in found else COUNTERPARTY


def propose(session: Session, actor: Actor, agreement: Agreement, change: "targets.Change", reason: str | None,
            docs: DocSettings) -> NewVersion:
    """Apply one change to the working state and make it the next version."""
    agreement = lock(session, agreement)
    side = proposing_side(session, actor, agreement)
    if agreement.status == AgreementStatus.RETIRED.value:  # an expired one may still be renewed
        raise DomainError(f"{agreement.name} is retired; draft a new agreement instead.")
    why = text.line(reason)
    errors = {} if why else {"reason": "Say why; the other side will read it in the thread."}
    if len(why) > 2000:
        errors["reason"] = f"Keep the reason under 2000 characters (it has {len(why)})."
    previous = version(session, agreement).content
    try:
        change.apply(session, actor, agreement, CLAUSES)
    except InvalidInput as err:
        errors.update(err.errors)
    if errors:  # every problem at once; the session is rolled back by the caller's unit of work
        raise InvalidInput(errors)
    session.flush()
    made = new_version(session, actor, agreement, why, docs, previous)
    was = audit.snapshot(agreement, "status")
    if agreement.status == AgreementStatus.DRAFT.value:
        agreement.status = AgreementStatus.NEGOTIATING.value
    audit.record(session, actor, "agreement.propose", "agreement", agreement.id, version=made.version.number, side=side,
                 **audit.change(was, agreement))
    return made
