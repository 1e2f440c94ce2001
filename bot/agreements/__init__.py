"""Agreements (competency 6.3): drafted from requirements, negotiated version by version, agreed by both sides.

The working state (term, targets, clauses) is the latest version. Each proposal
makes a new immutable version with its difference from the previous one in words,
its rendered document and the document's hash; agreement is recorded per side
against that hash. The version agreed by both sides is the one in force until a
newer one is agreed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, dates, outbox, service_map, text
from bot.agreements import answers
from bot.calendars import records as calendar_records
from bot.agreements import documents
from bot.agreements import targets
from bot.workspace.actor import Actor
from bot.errors import DomainError, InvalidInput, NotFound, PermissionDenied, Person
from bot.workspace.permissions import COUNTERPARTY, PROVIDER, Capability, require, sides
from models import (
    Agreement,
    AgreementKind,
    AgreementService,
    AgreementStatus,
    AgreementVersion,
    Member,
    Party,
    PartyKind,
    Requirement,
    Signoff,
    Target,
)
from models.base import name_key

GROUP_DM_LIMIT = 8  # people in a Slack group DM, besides the bot
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
COUNTERPARTY_KIND = {AgreementKind.SLA: PartyKind.CUSTOMER, AgreementKind.OLA: PartyKind.SUPPORT_GROUP,
                     AgreementKind.UC: PartyKind.SUPPLIER}
COUNTERPARTY_LABEL = {AgreementKind.SLA: "Customer", AgreementKind.OLA: "Support group", AgreementKind.UC: "Supplier"}
CLAUSES: dict[str, tuple[str, str]] = {
    # key: (heading, the default wording the in-house template starts from)
    "scope": ("Scope", "The services named above, as described in the service catalogue, for the customer's users."),
    "reporting": ("Measurement and reporting", "Each target is measured in its service hours and reported for every "
                  "period, with every breach and the action taken; the report is shared before each service review."),
    "reviews": ("Service reviews", "Provider and customer meet after each reporting period to review achievement, "
                "breaches and open actions, and to preview the coming period."),
    "provider_responsibilities": ("The provider's responsibilities", "run and support the services to the targets of "
                                  "this agreement, tell the customer promptly of any breach, and agree remedial actions."),
    "customer_responsibilities": ("The customer's responsibilities", "report incidents through the agreed channels "
                                  "with the information needed, name contacts, and take part in service reviews."),
    "remedies": ("Remedies", "Where a target is missed, the provider agrees a remedial action with an owner and a "
                 "date; where a service credit is stated for a target, it is applied to the next invoice."),
}


@dataclass
class DocSettings:
    """What rendering a document needs from the deployment."""

    provider_name: str
    templates_dir: Path | None


# ---- reading ----------------------------------------------------------------------------------
def get(session: Session, team_id: str, agreement_id: int) -> Agreement:
    row = session.get(Agreement, agreement_id)
    if row is None or row.team_id != team_id:
        raise NotFound("That agreement no longer exists.")
    return row


def by_name(session: Session, team_id: str, name: str, kind: AgreementKind | None = None) -> Agreement:
    if not name.strip():
        what = kind.label if kind else "agreement"
        known = ", ".join(a.name for a in list_agreements(session, team_id, kind)[:20]) or "none yet"
        raise InvalidInput({"name": f"Name the {what} after the command. Known: {known}."})
    q = select(Agreement).where(Agreement.team_id == team_id, Agreement.name_key == name_key(name))
    row = session.exec(q).first()
    if row is None or (kind and row.kind != kind.value):
        what = kind.label if kind else "agreement"
        known = ", ".join(a.name for a in list_agreements(session, team_id, kind)[:20]) or "none yet"
        raise NotFound(f"There is no {what} called “{name}”. Known: {known}.")
    return row


def list_agreements(session: Session, team_id: str, kind: AgreementKind | None = None) -> list[Agreement]:
    q = select(Agreement).where(Agreement.team_id == team_id)
    if kind:
        q = q.where(Agreement.kind == kind.value)
    return list(session.exec(q.order_by(Agreement.name_key)))


def version(session: Session, agreement: Agreement, number: int | None = None) -> AgreementVersion:
    number = number or agreement.latest_version
    row = session.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == agreement.id,
                                                      AgreementVersion.number == number)).first()
    if row is None:
        raise NotFound(f"{agreement.name} has no version {number}; its versions run from 1 to {agreement.latest_version}.")
    return row


def services_of(session: Session, agreement: Agreement) -> list:
    from models import Service

    q = (select(Service).join(AgreementService, AgreementService.service_id == Service.id)
         .where(AgreementService.agreement_id == agreement.id).order_by(Service.name_key))
    return list(session.exec(q))


def targets_of(session: Session, agreement: Agreement, *, include_retired: bool = False) -> list[Target]:
    q = select(Target).where(Target.agreement_id == agreement.id)
    if not include_retired:
        q = q.where(Target.retired == False)  # noqa: E712  (SQL comparison)
    return sorted(session.exec(q), key=lambda t: int(t.key[1:]))


def signoffs(session: Session, agreement: Agreement, number: int | None = None) -> list[Signoff]:
    q = select(Signoff).where(Signoff.agreement_id == agreement.id)
    if number is not None:
        q = q.where(Signoff.version == number)
    return list(session.exec(q.order_by(Signoff.created_at, Signoff.id)))


def counterparty_roles(session: Session, actor: Actor, agreement: Agreement) -> set[str]:
    contacts = service_map.contacts_of(session, actor.team_id, agreement.counterparty_id)
    return {role.value for role, users in contacts.items() if actor.user_id in users}


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


def lock(session: Session, agreement: Agreement) -> Agreement:
    """Hold the agreement's row until the unit of work ends, and read it afresh.

    Two replicas agreeing or proposing at the same moment then take turns: version numbers, target keys
    and the two sides' sign-offs never race (PostgreSQL row lock; SQLite has one writer at a time anyway).
    """
    return session.exec(select(Agreement).where(Agreement.id == agreement.id).with_for_update()
                        .execution_options(populate_existing=True)).one()


# ---- the snapshot a version keeps, and the document it renders to ---------------------------------------
def snapshot(session: Session, agreement: Agreement) -> dict:
    party = session.get(Party, agreement.counterparty_id)
    rows = targets_of(session, agreement)
    cal_ids = {t.calendar_id for t in rows if t.calendar_id}
    calendars = {cid: calendar_records.get(session, agreement.team_id, cid) for cid in cal_ids}
    req_numbers = {r.id: r.number for r in session.exec(select(Requirement).where(
        Requirement.id.in_([t.requirement_id for t in rows if t.requirement_id] or [-1])))}
    names = {m.user_id: m.name for m in session.exec(select(Member).where(Member.team_id == agreement.team_id))}
    contacts = service_map.contacts_of(session, agreement.team_id, agreement.counterparty_id)
    term = agreement.pending_term or {"start": agreement.start_date.isoformat(), "end": agreement.end_date.isoformat(),
                                      "review_month": agreement.review_month}
    return {
        "kind": agreement.kind, "name": agreement.name, "counterparty": party.name,
        "services": [s.name for s in services_of(session, agreement)],
        "start": term["start"], "end": term["end"],
        "review_month": MONTHS[term["review_month"] - 1],
        "contacts": {role.label.capitalize(): [names.get(u) or u for u in users] for role, users in contacts.items() if users},
        "calendars": [calendar_records.describe(c) for c in sorted(calendars.values(), key=lambda c: c.name_key)],
        "targets": [targets.as_dict(t, calendars.get(t.calendar_id), req_numbers.get(t.requirement_id)) for t in rows],
        "clauses": {key: agreement.clauses.get(key, default) for key, (_h, default) in CLAUSES.items()},
        "contract_ref": agreement.contract_ref, "notice_days": agreement.notice_days,
        "renewal_date": agreement.renewal_date.isoformat() if agreement.renewal_date else None,
    }


def document_context(content: dict, number: int, provider: str) -> dict:
    kind = AgreementKind(content["kind"])
    return {**content, "version": number, "status": "", "provider": provider, "kind_label": kind.label,
            "counterparty_role": COUNTERPARTY_LABEL[kind], "answered": any(t["requirement"] for t in content["targets"])}


def diff(before: dict, after: dict) -> list[str]:
    """The difference between two versions, in words: "T1 P1 resolution: 4h → 6h"."""
    out: list[str] = []
    for key, label in (("start", "Start"), ("end", "End"), ("review_month", "Review month"), ("name", "Name")):
        if before.get(key) != after.get(key):
            out.append(f"{label}: {before.get(key)} → {after.get(key)}")
    if before.get("services") != after.get("services"):
        out.append(f"Services: {', '.join(before.get('services', []))} → {', '.join(after.get('services', []))}")
    old = {t["key"]: t for t in before.get("targets", [])}
    new = {t["key"]: t for t in after.get("targets", [])}
    for key in sorted(set(old) | set(new), key=lambda k: int(k[1:])):
        if key not in old:
            out.append(f"{key} added: {new[key]['description']}")
        elif key not in new:
            out.append(f"{key} removed: {old[key]['description']}")
        else:
            out.extend(targets.differences(old[key], new[key]))
    for key, (heading, _default) in CLAUSES.items():
        if before.get("clauses", {}).get(key) != after.get("clauses", {}).get(key):
            out.append(f"Clause “{heading}” reworded")
    return out


@dataclass
class NewVersion:
    version: AgreementVersion
    warning: str | None  # a broken organisation template, in words


def _new_version(session: Session, actor: Actor, agreement: Agreement, reason: str, docs: DocSettings,
                 previous: dict | None) -> NewVersion:
    content = snapshot(session, agreement)
    changes = diff(previous, content) if previous is not None else []
    if previous is not None and not changes:
        raise InvalidInput({"change": f"That changes nothing in version {agreement.latest_version}."})
    number = agreement.latest_version + 1
    rendered = documents.render_agreement(session, actor.team_id, document_context(content, number, docs.provider_name),
                                          kind=agreement.kind, templates_dir=docs.templates_dir, now=actor.at())
    row = AgreementVersion(team_id=actor.team_id, agreement_id=agreement.id, number=number, reason=reason,
                           changes=changes, content=content, document=rendered.text,
                           document_sha256=rendered.sha256, created_at=actor.at(), created_by=actor.user_id)
    session.add(row)
    agreement.latest_version = number
    session.add(agreement)
    session.flush()
    audit.record(session, actor, "agreement.version", "agreement", agreement.id, version=number, changes=changes,
                 reason=reason, sha256=rendered.sha256)
    return NewVersion(row, rendered.warning)


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
                                 "DM with (add them with /slm party add, or pick a channel).")
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
    if errors:
        raise InvalidInput(errors)
    return clean, party, services


def draft(session: Session, actor: Actor, data: DraftInput, docs: DocSettings) -> Drafted:
    """A new agreement at version 1. An SLA's targets come from its customer's requirements for its services."""
    require(actor, Capability.DRAFT_AGREEMENT)
    clean, party, services = _check_draft(session, actor, data)
    agreement = Agreement(team_id=actor.team_id, kind=data.kind.value, name=clean, name_key=name_key(clean),
                          counterparty_id=party.id, start_date=data.start, end_date=data.end,
                          review_month=data.review_month or 4, status=AgreementStatus.DRAFT.value,
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
    made = _new_version(session, actor, agreement, "First draft", docs, previous=None)
    audit.record(session, actor, "agreement.draft", "agreement", agreement.id, name=clean, kind=data.kind.value)
    return Drafted(agreement, made.version, unanswered, made.warning)


def negotiators(session: Session, agreement: Agreement) -> list[str]:
    """Who a group DM for the negotiation brings together: whoever drafted it, and the counterparty's contacts."""
    contacts = service_map.contacts_of(session, agreement.team_id, agreement.counterparty_id)
    people = [agreement.created_by] + [u for users in contacts.values() for u in users]
    return list(dict.fromkeys(people))


def retire(session: Session, actor: Actor, agreement: Agreement) -> Agreement:
    require(actor, Capability.DRAFT_AGREEMENT)
    agreement = lock(session, agreement)
    if agreement.status == AgreementStatus.RETIRED.value:
        raise DomainError(f"{agreement.name} is already retired.")
    before = agreement.status
    agreement.status = AgreementStatus.RETIRED.value
    session.add(agreement)
    audit.record(session, actor, "agreement.retire", "agreement", agreement.id, before=before)
    return agreement


def mark_posted(session: Session, agreement: Agreement, channel_id: str, thread_ts: str,
                permalink: str | None = None) -> None:
    agreement.channel_id, agreement.thread_ts, agreement.permalink = channel_id, thread_ts, permalink
    if agreement.status == AgreementStatus.DRAFT.value:
        agreement.status = AgreementStatus.NEGOTIATING.value
    session.add(agreement)


def unfinished_versions(session: Session, agreement: Agreement) -> list[AgreementVersion]:
    """Versions not yet in the thread, or whose document is not yet attached below them, in order."""
    return list(session.exec(select(AgreementVersion).where(
        AgreementVersion.agreement_id == agreement.id,
        (AgreementVersion.message_ts.is_(None)) | (AgreementVersion.document_posted_at.is_(None)))
        .order_by(AgreementVersion.number)))


def unfinished_threads(session: Session, limit: int = 50) -> list[tuple[str, int]]:
    """(team, agreement) of threads whose headline is posted but a version or a document below it is not: a pass
    cut short by a restart or an outage, for the scheduler to carry on. Oldest first, `limit` a round."""
    unfinished = select(AgreementVersion.agreement_id).where(
        (AgreementVersion.message_ts.is_(None)) | (AgreementVersion.document_posted_at.is_(None)))
    rows = session.exec(select(Agreement.team_id, Agreement.id).where(
        Agreement.thread_ts.is_not(None), Agreement.status != AgreementStatus.RETIRED.value,
        Agreement.id.in_(unfinished)).order_by(Agreement.id).limit(limit))
    return [(team_id, agreement_id) for team_id, agreement_id in rows]


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
    made = _new_version(session, actor, agreement, why, docs, previous)
    if agreement.status == AgreementStatus.DRAFT.value:
        agreement.status = AgreementStatus.NEGOTIATING.value
    audit.record(session, actor, "agreement.propose", "agreement", agreement.id, version=made.version.number, side=side)
    return made


@dataclass
class AgreeResult:
    signoff: Signoff
    side: str
    now_agreed: bool
    waiting_for: str | None  # the side still to agree, in words


def agree(session: Session, actor: Actor, agreement: Agreement, number: int, checked: list | None = None) -> AgreeResult:
    """Record one side's agreement to version `number`; both sides on the same version make it the one in force.

    An SLA is refused while a target is not covered by what underpins it (bot.coverage.gate), unless waived.
    ``checked``: its cover checked a moment ago in another unit of work, before the row lock (see the handler);
    under the lock the gate uses each result only if its inputs, read afresh, are still the same.
    """
    from bot import cover as coverage  # coverage reads agreements; the gate is the one place agreements reads coverage

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
    if not mine:
        raise PermissionDenied(f"Only an approver of {party.name} or the provider's service manager can agree to "
                               f"{agreement.name}.")
    done = {s.side: s for s in signoffs(session, agreement, number)}
    if any(s.user_id == actor.user_id for s in done.values()):
        raise DomainError(f"You have already agreed to version {number}; the other side must be agreed by someone else.")
    open_sides = [s for s in (PROVIDER, COUNTERPARTY) if s in mine and s not in done]
    if not open_sides:
        who = next(iter(done.values()))
        raise DomainError(f"Your side already agreed to version {number} (", Person(who.user_id), ").")
    coverage.gate(session, actor, agreement, checked)
    side = open_sides[0]
    row = version(session, agreement, number)
    signoff = Signoff(team_id=actor.team_id, agreement_id=agreement.id, version=number, side=side,
                      user_id=actor.user_id, document_sha256=row.document_sha256, created_at=actor.at(),
                      created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(signoff)
    except IntegrityError:  # a second click that raced the first
        raise DomainError(f"Your side already agreed to version {number}.") from None
    done[side] = signoff
    audit.record(session, actor, "agreement.agree", "agreement", agreement.id, version=number, side=side,
                 sha256=row.document_sha256)
    now_agreed = PROVIDER in done and COUNTERPARTY in done
    if now_agreed:
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
        answers.settle(session, agreement, targets_of(session, agreement), number)
    waiting = None if now_agreed else ("an approver of " + party.name if side == PROVIDER else "a service manager")
    return AgreeResult(signoff, side, now_agreed, waiting)


# ---- time passing ----------------------------------------------------------------------------------
def roll_statuses(session: Session, today: date) -> list[tuple[Agreement, str]]:
    """Agreed agreements become active on their start date, and expire after their end date."""
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
    return changed


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
