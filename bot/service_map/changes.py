"""Renaming and removing what the map and the calendars hold, keeping history.

A rename keeps the row (and so everything that points at it) and records the old
and new names in the audit trail. A removal is refused while anything uses the
thing (agreements, requirements, links, targets' calendars, actions' owners),
naming what does, so nothing is left pointing at nothing; what is removed is
recorded, with its name, in the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from bot import audit, text
from bot.workspace import settings as workspace_settings
from bot.workspace.actor import Actor
from bot.errors import Command, DomainError, InvalidInput, NotFound
from bot.workspace.permissions import Capability, require
from bot.service_map.records import NAME_MAX, name_taken
from models import (
    Action,
    Agreement,
    AgreementKind,
    AgreementService,
    Calendar,
    Contact,
    Party,
    Requirement,
    Service,
    ServiceLink,
    Target,
)
from models.base import name_key

SHOWN_USES = 4  # past these, "and N more"
KINDS = ("service", "party", "calendar", "link")
_MODELS = {"service": Service, "party": Party, "calendar": Calendar}
# Calendars are kept by those who draft agreements; the map by those who may change it (the same roles today).
_CAPABILITY = {"service": Capability.EDIT_MAP, "party": Capability.EDIT_MAP, "link": Capability.EDIT_MAP,
               "calendar": Capability.DRAFT_AGREEMENT}
_WHAT = {"service": "service", "party": "customer, supplier or support group", "calendar": "calendar"}


@dataclass(frozen=True)
class Removal:
    """What a "Remove …" button removes: a kind and an id (`service:12`, `link:12.7`), and its name for people."""

    kind: str
    key: str
    name: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.key}"


def find(session: Session, team_id: str, kind: str, name: str) -> Service | Party | Calendar | None:
    model = _MODELS[kind]
    return session.exec(select(model).where(model.team_id == team_id, model.name_key == name_key(name))).first()


def _get(session: Session, team_id: str, kind: str, name: str):
    row = find(session, team_id, kind, name)
    if row is None:
        raise NotFound(f"There is no {_WHAT[kind]} called “{text.line(name)}”.")
    return row


def _agreement_label(row: Agreement) -> str:
    return f"{AgreementKind(row.kind).label} “{row.name}”"


def _numbers(label: str, numbers: list[int]) -> list[str]:
    return [f"{label} #{n}" for n in sorted(numbers)]


def uses(session: Session, team_id: str, kind: str, row_id: int, party_id: int | None = None) -> list[str]:
    """What uses this service, party or calendar (or, for a link, the service `row_id` with `party_id`)."""
    if kind == "service":
        agreements = session.exec(select(Agreement).join(AgreementService, AgreementService.agreement_id == Agreement.id)
                                  .where(Agreement.team_id == team_id, AgreementService.service_id == row_id)
                                  .order_by(Agreement.name_key)).all()
        reqs = session.exec(select(Requirement.number).where(Requirement.team_id == team_id,
                                                             Requirement.service_id == row_id)).all()
        links = session.exec(select(Party.name).join(ServiceLink, ServiceLink.party_id == Party.id)
                             .where(ServiceLink.team_id == team_id, ServiceLink.service_id == row_id)
                             .order_by(Party.name_key)).all()
        return ([_agreement_label(a) for a in agreements] + _numbers("requirement", list(reqs))
                + [f"the link with {name}" for name in dict.fromkeys(links)])
    if kind == "party":
        agreements = session.exec(select(Agreement).where(Agreement.team_id == team_id, Agreement.counterparty_id == row_id)
                                  .order_by(Agreement.name_key)).all()
        reqs = session.exec(select(Requirement.number).where(Requirement.team_id == team_id,
                                                             Requirement.customer_id == row_id)).all()
        links = session.exec(select(Service.name).join(ServiceLink, ServiceLink.service_id == Service.id)
                             .where(ServiceLink.team_id == team_id, ServiceLink.party_id == row_id)
                             .order_by(Service.name_key)).all()
        actions = session.exec(select(Action.number).where(Action.team_id == team_id, Action.owner_party_id == row_id)).all()
        return ([_agreement_label(a) for a in agreements] + _numbers("requirement", list(reqs))
                + [f"the link with {name}" for name in dict.fromkeys(links)] + _numbers("action", list(actions)))
    if kind == "calendar":
        rows = session.exec(select(Agreement, Target.key).join(Target, Target.agreement_id == Agreement.id)
                            .where(Agreement.team_id == team_id, Target.calendar_id == row_id)
                            .order_by(Agreement.name_key, Target.key)).all()
        keys: dict[int, tuple[Agreement, list[str]]] = {}
        for agreement, key in rows:
            keys.setdefault(agreement.id, (agreement, []))[1].append(key)
        used = [f"{_agreement_label(a)} ({', '.join(k)})" for a, k in keys.values()]
        working = workspace_settings.working_calendar_row(session, team_id)
        return used + (["the working_calendar setting"] if working is not None and working.id == row_id else [])
    # A link: what the customer asked of this service, and the agreements between the two.
    reqs = session.exec(select(Requirement.number).where(Requirement.team_id == team_id, Requirement.service_id == row_id,
                                                         Requirement.customer_id == party_id)).all()
    agreements = session.exec(select(Agreement).join(AgreementService, AgreementService.agreement_id == Agreement.id)
                              .where(Agreement.team_id == team_id, AgreementService.service_id == row_id,
                                     Agreement.counterparty_id == party_id)
                              .order_by(Agreement.name_key)).all()
    return [_agreement_label(a) for a in agreements] + _numbers("requirement", list(reqs))


def _refuse_if_used(what: str, found: list[str]) -> None:
    if not found:
        return
    shown = ", ".join(found[:SHOWN_USES])
    more = f" and {len(found) - SHOWN_USES} more" if len(found) > SHOWN_USES else ""
    raise DomainError(f"I can't remove {what}: {shown}{more} still use{'s' if len(found) == 1 and not more else ''} "
                      "it. Remove or change those first; nothing was removed.")


# ---- renaming ---------------------------------------------------------------------------------
def rename(session: Session, actor: Actor, kind: str, old: str, new: str) -> tuple[str, str]:
    """Rename a service, party or calendar; returns (old name, new name)."""
    require(actor, _CAPABILITY[kind])
    row = _get(session, actor.team_id, kind, old)
    if kind == "calendar":  # locked, read afresh: a working_calendar setting naming it meanwhile is renamed with it
        session.refresh(row, with_for_update=True)
    clean = text.line(new)
    if not clean:
        raise DomainError("Give the new name after the old one, like ", Command(f"{kind} rename “{row.name}” New name"), ".")
    if len(clean) > NAME_MAX:
        raise InvalidInput({"name": f"Keep the name under {NAME_MAX} characters (this one has {len(clean)})."})
    key = name_key(clean)
    if key != row.name_key:
        taken = (name_taken(session, actor.team_id, key) if kind != "calendar"
                 else "calendar" if find(session, actor.team_id, "calendar", clean) else None)
        if taken:
            raise InvalidInput({"name": f"There is already a {taken} called “{clean}”; nothing was renamed."})
    before = row.name
    if kind == "calendar":
        workspace_settings.calendar_renamed(session, actor.team_id, before, clean)
    row.name, row.name_key = clean, key
    session.add(row)
    session.flush()
    audit.record(session, actor, f"{kind}.rename", kind, row.id, old_name=before, new_name=clean,
                 before={"name": before}, after={"name": clean})
    return before, clean


# ---- removing ---------------------------------------------------------------------------------
def _link_rows(session: Session, team_id: str, service_id: int, party_id: int) -> list[ServiceLink]:
    return list(session.exec(select(ServiceLink).where(ServiceLink.team_id == team_id, ServiceLink.service_id == service_id,
                                                       ServiceLink.party_id == party_id).order_by(ServiceLink.id)))


def check_removal(session: Session, actor: Actor, kind: str, name: str, party: str | None = None) -> Removal:
    """What removing a service, party, calendar or link would remove, before asking "are you sure?"; refused while anything uses it."""
    require(actor, _CAPABILITY[kind])
    if kind == "link":
        service = _get(session, actor.team_id, "service", name)
        owner = _get(session, actor.team_id, "party", party or "")
        if not _link_rows(session, actor.team_id, service.id, owner.id):
            raise NotFound(f"{owner.name} is not linked to {service.name}.")
        label = f"the link between {service.name} and {owner.name}"
        _refuse_if_used(label, uses(session, actor.team_id, "link", service.id, owner.id))
        return Removal("link", f"{service.id}.{owner.id}", f"{service.name} – {owner.name}")
    row = _get(session, actor.team_id, kind, name)
    _refuse_if_used(f"the {kind} “{row.name}”", uses(session, actor.team_id, kind, row.id))
    return Removal(kind, str(row.id), row.name)


def remove(session: Session, actor: Actor, value: str) -> Removal:
    """Remove what a confirmed "Remove …" button names (checked again: things may have changed since it was shown)."""
    kind, _, key = value.partition(":")
    if kind not in KINDS or not all(part.isdigit() for part in key.split(".")) or key.count(".") != (kind == "link"):
        raise DomainError("I don't know what that button removes; nothing was removed.")
    require(actor, _CAPABILITY[kind])
    gone = NotFound("That is already gone; nothing was removed.")
    if kind == "link":
        service_id, _, party_id = key.partition(".")
        service, owner = session.get(Service, int(service_id)), session.get(Party, int(party_id))
        rows = _link_rows(session, actor.team_id, int(service_id), int(party_id)) if service and owner else []
        if not rows:
            raise gone
        _refuse_if_used(f"the link between {service.name} and {owner.name}",
                        uses(session, actor.team_id, "link", service.id, owner.id))
        for row in rows:
            audit.record(session, actor, "link.remove", "service_link", row.id, service=service.name, party=owner.name,
                         component=row.component, activities=list(row.activities), before=audit.snapshot(row))
            session.delete(row)
        session.flush()
        return Removal(kind, key, f"{service.name} – {owner.name}")
    # Locked before its uses are read: what starts using it meanwhile (a setting naming a calendar, which no
    # foreign key guards) either commits first and is seen below, or waits and then finds it gone.
    row = session.get(_MODELS[kind], int(key), with_for_update=True)
    if row is None or row.team_id != actor.team_id:
        raise gone
    _refuse_if_used(f"the {kind} “{row.name}”", uses(session, actor.team_id, kind, row.id))
    before = audit.snapshot(row)
    if kind == "party":
        contacts = list(session.exec(select(Contact).where(Contact.party_id == row.id).order_by(Contact.id)))
        before["contacts"] = [audit.snapshot(c, "user_id", "role") for c in contacts]
        for contact in contacts:
            session.delete(contact)
    audit.record(session, actor, f"{kind}.remove", kind, row.id, name=row.name, before=before)
    session.delete(row)
    session.flush()
    return Removal(kind, key, row.name)
