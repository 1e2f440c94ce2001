"""Versions of an agreement: the snapshot each keeps, its difference from the one before in words, and the
document it renders to (with that document's hash, which each side's agreement is recorded against).

Also the standing wording: the clauses an agreement starts from, and what its counterparty is called.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from bot import audit, home_refresh, service_map
from bot.agreements import documents, targets
from bot.agreements.queries import services_of, targets_of
from bot.calendars import records as calendar_records
from bot.errors import InvalidInput
from bot.workspace.actor import Actor
from bot.parsing import ladder as ladder_words
from bot.parsing.limits import format_excuses
from models import (Agreement, AgreementKind, AgreementVersion, Member, Party, Requirement, TargetLadder,
                    WorkloadLimit)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
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
    # What the customer pays each month ("£12,000 per month"): the review pack computes service credits from it.
    "charges": ("Charges", ""),
}


@dataclass
class DocSettings:
    """What rendering a document needs from the deployment."""

    provider_name: str
    templates_dir: Path | None

# ---- the snapshot a version keeps, and the document it renders to ---------------------------------------
def snapshot(session: Session, agreement: Agreement) -> dict:
    party = session.get(Party, agreement.counterparty_id)
    rows = targets_of(session, agreement)
    cal_ids = {t.calendar_id for t in rows if t.calendar_id}
    calendars = {cid: calendar_records.get(session, agreement.team_id, cid) for cid in cal_ids}
    req_numbers = {r.id: r.number for r in session.exec(select(Requirement).where(
        Requirement.id.in_([t.requirement_id for t in rows if t.requirement_id] or [-1])))}
    names = {m.user_id: m.name for m in session.exec(select(Member).where(Member.team_id == agreement.team_id))}
    # A ladder set by command before ladders were terms (models.ladders): kept beside the target, so the difference
    # from a version made before says what was climbed until then (bot.agreements.targets.differences).
    before = dict(session.exec(select(TargetLadder.target_id, TargetLadder.steps).where(
        TargetLadder.target_id.in_([t.id for t in rows] or [-1]))).all())
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
        "targets": [{**targets.as_dict(t, calendars.get(t.calendar_id), req_numbers.get(t.requirement_id)),
                     **({"ladder_before_terms": before[t.id]} if t.id in before else {})} for t in rows],
        "clauses": {key: agreement.clauses.get(key, default) for key, (_h, default) in CLAUSES.items()},
        "contract_ref": agreement.contract_ref, "notice_days": agreement.notice_days,
        "renewal_date": agreement.renewal_date.isoformat() if agreement.renewal_date else None,
        **workload_terms(session, agreement),
    }


def workload_terms(session: Session, agreement: Agreement) -> dict:
    """The workload limits the agreement states (issue 17, bot.workload.limits), as a version keeps them; nothing when
    it states none, so a version without limits reads as before."""
    rows = session.exec(select(WorkloadLimit).where(WorkloadLimit.agreement_id == agreement.id,
                                                    WorkloadLimit.removed_at.is_(None)).order_by(WorkloadLimit.id))
    limits = [{"id": r.id, "text": r.text, "measure": r.measure, "priority": r.priority, "amount": r.amount,
               "period": r.period, "excuses": r.excuses, "excuses_text": format_excuses(r.excuses)} for r in rows]
    return {"workload_limits": limits} if limits else {}


# A period goal's ladder climbs its error budget; a ticket clock's (response, resolution) the ticket's time.
PERIOD_GOALS = ("availability", "metric")


def document_context(content: dict, number: int, provider: str) -> dict:
    kind = AgreementKind(content["kind"])
    # Each target's own escalation ladder, in the customer's words (bot.parsing.ladder); the rest climb the default.
    own = [{"key": t["key"], "steps": t["ladder"],
            "words": ladder_words.in_words(ladder_words.parse(t["ladder"]), budget=t["kind"] in PERIOD_GOALS)}
           for t in content["targets"] if t.get("ladder")]
    return {**content, "version": number, "status": "", "provider": provider, "kind_label": kind.label,
            "counterparty_role": COUNTERPARTY_LABEL[kind], "answered": any(t["requirement"] for t in content["targets"]),
            "ladders": own, "ladders_for_all": len(own) == len(content["targets"])}


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
    old_limits = {w["text"]: w for w in before.get("workload_limits", [])}
    new_limits = {w["text"]: w for w in after.get("workload_limits", [])}
    out += [f"Workload limit added: {w} (excuses {new_limits[w]['excuses_text']})" for w in new_limits
            if w not in old_limits or old_limits[w]["excuses"] != new_limits[w]["excuses"]]
    out += [f"Workload limit removed: {w}" for w in old_limits if w not in new_limits]
    for key, (heading, default) in CLAUSES.items():  # a clause added since an older version reads as its default
        if before.get("clauses", {}).get(key, default) != after.get("clauses", {}).get(key, default):
            out.append(f"Clause “{heading}” reworded")
    return out


@dataclass
class NewVersion:
    version: AgreementVersion
    warning: str | None  # a broken organisation template, in words


def new_version(session: Session, actor: Actor, agreement: Agreement, reason: str, docs: DocSettings,
                previous: dict | None) -> NewVersion:
    """The agreement's working state as its next version; `previous` (the last version's content) None for the first."""
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
                 reason=reason, sha256=rendered.sha256, before={"latest_version": number - 1 or None},
                 after={"latest_version": number})
    home_refresh.refresh_agreement(session, agreement, actor.user_id, actor.at())
    return NewVersion(row, rendered.warning)
