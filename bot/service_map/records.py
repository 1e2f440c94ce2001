"""The map's records: adding, finding and viewing services, parties (with their contacts) and links.

Names are unique across services and parties of a workspace, compared by their folded key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, or_, select

from bot import audit, text
from bot.workspace.actor import Actor
from bot.errors import InvalidInput, NotFound
from bot.workspace.permissions import Capability, require
from models import Contact, ContactRole, Party, PartyKind, Service, ServiceLink
from models.base import name_key

# The activities a link usually carries; people may add their own words too.
STANDARD_ACTIVITIES = (
    "incident handling", "service requests", "change requests", "problem management", "escalation",
    "reporting", "service reviews", "billing", "maintenance", "capacity planning", "access management",
)
NAME_MAX = 120
TEXT_MAX = 3000


def _clean_name(value: str | None, field_name: str, what: str) -> str:
    name = text.line(value)
    if not name:
        raise InvalidInput({field_name: f"Give the {what} a name."})
    if len(name) > NAME_MAX:
        raise InvalidInput({field_name: f"Keep the name under {NAME_MAX} characters (this one has {len(name)})."})
    return name


def _clean_text(value: str | None, field_name: str) -> str:
    cleaned = text.block(value)
    if len(cleaned) > TEXT_MAX:
        raise InvalidInput({field_name: f"Keep this under {TEXT_MAX} characters (it has {len(cleaned)})."})
    return cleaned


def taken_by(session: Session, team_id: str, key: str) -> tuple[str, str] | None:
    """The service or party that already has this name, as (kind, its name as stored): a service and a party may
    not share a name, so looking a name up on the map is never ambiguous."""
    for kind, model in (("service", Service), ("party", Party)):
        found = session.exec(select(model.name).where(model.team_id == team_id, model.name_key == key)).first()
        if found:
            return kind, found
    return None


def name_taken(session: Session, team_id: str, key: str) -> str | None:
    """The kind of thing that already has this name, if any."""
    taken = taken_by(session, team_id, key)
    return taken[0] if taken else None


# ---- services ---------------------------------------------------------------------------
def add_service(session: Session, actor: Actor, *, name: str | None, description: str | None = "") -> Service:
    require(actor, Capability.EDIT_MAP)
    clean = _clean_name(name, "name", "service")
    desc = _clean_text(description, "description")
    taken = taken_by(session, actor.team_id, name_key(clean))
    if taken:  # named as it is stored ("Payroll"), whatever the case it was typed in
        raise InvalidInput({"name": f"There is already a {taken[0]} called “{taken[1]}”."})
    service = Service(team_id=actor.team_id, name=clean, name_key=name_key(clean), description=desc,
                      created_at=actor.at(), created_by=actor.user_id)
    _insert(session, service, {"name": f"There is already a service called “{clean}”."})
    audit.record(session, actor, "service.add", "service", service.id, name=clean, after=audit.snapshot(service))
    return service


def list_services(session: Session, team_id: str) -> list[Service]:
    return list(session.exec(select(Service).where(Service.team_id == team_id).order_by(Service.name_key)))


def get_service(session: Session, team_id: str, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None or service.team_id != team_id:
        raise NotFound("That service no longer exists.")
    return service


# ---- parties ------------------------------------------------------------------------------
@dataclass
class PartyInput:
    kind: str | None
    name: str | None
    description: str | None = ""
    channel_id: str | None = None
    contacts: dict[ContactRole, list[str]] = field(default_factory=dict)
    owner_user_id: str | None = None  # the relationship owner (issue 17); naming one asks NAME_RELATIONSHIP_OWNER


def add_party(session: Session, actor: Actor, data: PartyInput) -> Party:
    require(actor, Capability.EDIT_MAP)
    errors: dict[str, str] = {}
    try:
        kind = PartyKind(data.kind or "")
    except ValueError:
        errors["kind"] = "Choose whether this is a customer, a supplier or an internal support group."
    try:
        clean = _clean_name(data.name, "name", "party")
        taken = taken_by(session, actor.team_id, name_key(clean))
        if taken:
            errors["name"] = f"There is already a {taken[0]} called “{taken[1]}”."
    except InvalidInput as err:
        errors.update(err.errors)
    try:
        desc = _clean_text(data.description, "description")
    except InvalidInput as err:
        errors.update(err.errors)
    owner = None
    if data.owner_user_id:  # issue 17: the relationship owner, named as the party is added
        require(actor, Capability.NAME_RELATIONSHIP_OWNER)
        try:
            owner = clean_owner(data.owner_user_id)  # only a Slack user id is stored, whatever the form sent
        except InvalidInput as err:
            errors.update(err.errors)
    if errors:
        raise InvalidInput(errors)
    party = Party(team_id=actor.team_id, kind=kind.value, name=clean, name_key=name_key(clean), description=desc,
                  channel_id=data.channel_id or None, owner_user_id=owner, created_at=actor.at(),
                  created_by=actor.user_id)
    _insert(session, party, {"name": f"There is already a party called “{clean}”."})
    for role, users in data.contacts.items():
        for user_id in dict.fromkeys(users):
            session.add(Contact(team_id=actor.team_id, party_id=party.id, user_id=user_id, role=ContactRole(role).value,
                                created_at=actor.at(), created_by=actor.user_id))
    audit.record(session, actor, "party.add", "party", party.id, name=clean, kind=kind.value,
                 contacts={str(r): u for r, u in data.contacts.items() if u}, after=audit.snapshot(party))
    return party


def list_parties(session: Session, team_id: str, kind: PartyKind | None = None) -> list[Party]:
    q = select(Party).where(Party.team_id == team_id)
    if kind:
        q = q.where(Party.kind == kind.value)
    return list(session.exec(q.order_by(Party.kind, Party.name_key)))


def get_party(session: Session, team_id: str, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None or party.team_id != team_id:
        raise NotFound("That party no longer exists.")
    return party


def name_contact(session: Session, actor: Actor, party_id: int, user_id: str, role: str, *,
                 user_team: str | None = None, in_shared_channel: bool = False) -> bool:
    """Name someone a party's contact in `role`; False if they were already. `user_team`: the workspace they belong
    to when not this one (a customer's own person in a Slack Connect channel): allowed only for the party's own
    channel, shared with their workspace (`in_shared_channel`, which the caller asked Slack), so a contact from
    another organisation is always one the party's channel has in it. Audited with where they come from."""
    require(actor, Capability.EDIT_MAP)
    party = get_party(session, actor.team_id, party_id)
    try:
        role = ContactRole(role).value
    except ValueError:
        raise InvalidInput({"role": f"“{role}” is not a contact role. Roles: "
                                    + ", ".join(r.value.replace("_", "-") for r in ContactRole) + "."}) from None
    if user_team == actor.team_id:
        user_team = None
    if user_team is not None and not in_shared_channel:
        raise InvalidInput({"user": f"That person is from another organisation's workspace: name them in "
                                    f"{party.name}'s own channel, shared with their workspace, where they are."})
    found = session.exec(select(Contact).where(Contact.team_id == actor.team_id, Contact.party_id == party.id,
                                               Contact.user_id == user_id, Contact.role == role)).first()
    if found is not None and found.user_team == user_team and not found.workspace_unknown:
        return False
    before = audit.snapshot(found) if found is not None else None
    if found is None:
        found = Contact(team_id=actor.team_id, party_id=party.id, user_id=user_id, role=role, created_at=actor.at(),
                        created_by=actor.user_id)
    found.user_team, found.workspace_unknown = user_team, False
    _insert(session, found, {"user": "That person was named at the same moment."})
    audit.record(session, actor, "party.contact", "party", party.id, user_id=user_id, role=role, user_team=user_team,
                 before=before, after=audit.snapshot(found))
    return True


def contact_roles(session: Session, actor: Actor, party_id: int) -> set[str]:
    """The roles the party gives this person, recognised by their user id AND their workspace: a contact named from a
    Slack Connect channel (`user_team` set) is that workspace's person, and one of this workspace's is not them."""
    team = Contact.user_team == actor.contact_team if actor.external else Contact.user_team.is_(None)
    # One named before workspaces were recorded (migration 0017) is recognised by user id alone: Slack's user ids do
    # not repeat across organisations, and their workspace is recorded when they are named again.
    team = or_(team, Contact.workspace_unknown == True)  # noqa: E712  (SQL comparison)
    return set(session.exec(select(Contact.role).where(Contact.team_id == actor.team_id, Contact.party_id == party_id,
                                                       Contact.user_id == actor.user_id, team)))


SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,31}")  # a Slack user id, as a people picker sends it


def clean_owner(user_id: str | None) -> str | None:
    """A Slack user id, or None for nobody; anything else is refused on the `owner` field."""
    value = (user_id or "").strip()
    if not value:
        return None
    if not SLACK_USER.fullmatch(value):
        raise InvalidInput({"owner": "Name the owner as a person in this workspace, like @alice."})
    return value


def place_contacts(session: Session, team_id: str, user_id: str, home_team: str) -> int:
    """Slack says this person belongs to another workspace (`home_team`, users.info after a people picker named them
    a contact): their contact rows, stored as this workspace's, become that workspace's, so they are recognised when
    they act from a shared channel (contact_roles). A fact Slack states, not anyone's choice: not audited. How many
    rows it placed."""
    if not home_team or home_team == team_id:
        return 0
    rows = session.exec(select(Contact).where(Contact.team_id == team_id, Contact.user_id == user_id,
                                              Contact.user_team.is_(None))).all()
    for row in rows:
        row.user_team, row.workspace_unknown = home_team, False
        session.add(row)
    return len(rows)


def contacts_of(session: Session, team_id: str, party_id: int) -> dict[ContactRole, list[str]]:
    rows = session.exec(select(Contact).where(Contact.team_id == team_id, Contact.party_id == party_id)
                        .order_by(Contact.id)).all()
    out: dict[ContactRole, list[str]] = {role: [] for role in ContactRole}
    for row in rows:
        out[ContactRole(row.role)].append(row.user_id)
    return out


# ---- links ----------------------------------------------------------------------------------
OTHER_ACTIVITIES = "other"  # the choice "Other (name them below)" in the list of standard activities


def parse_activities(chosen: list[str] | None, other: str | None) -> list[str]:
    """The standard activities picked, then the person's own, comma or newline separated, without repeats."""
    words = [w for w in chosen or [] if w != OTHER_ACTIVITIES]
    own = [part for part in (text.line(p) for p in (other or "").replace("\n", ",").split(",")) if part]
    if OTHER_ACTIVITIES in (chosen or []) and not own:
        raise InvalidInput({"other_activities": "You picked “Other”: name those activities here, separated by commas."})
    words += own
    seen: dict[str, str] = {}
    for w in words:
        seen.setdefault(w.casefold(), w)
    return list(seen.values())


def link(session: Session, actor: Actor, *, service_id: int | None, party_id: int | None, component: str | None = "",
         activities: list[str] | None = None) -> ServiceLink:
    require(actor, Capability.EDIT_MAP)
    errors: dict[str, str] = {}
    service = party = None
    if service_id is None:
        errors["service"] = "Choose a service."
    else:
        try:
            service = get_service(session, actor.team_id, service_id)
        except NotFound as err:
            errors["service"] = str(err)
    if party_id is None:
        errors["party"] = "Choose a customer, support group or supplier."
    else:
        try:
            party = get_party(session, actor.team_id, party_id)
        except NotFound as err:
            errors["party"] = str(err)
    comp = text.line(component)
    if len(comp) > NAME_MAX:
        errors["component"] = f"Keep the component under {NAME_MAX} characters."
    if comp and party is not None and party.party_kind is not PartyKind.SUPPLIER:
        errors["component"] = "Only a supplier supplies a component; leave this empty for customers and support groups."
    acts = activities or []
    if not acts:
        errors["activities"] = "Name at least one activity conducted over this link (incident handling, reporting, …)."
    elif any(len(a) > 60 for a in acts):
        errors["activities"] = "Keep each activity under 60 characters."
    if not errors and service and party:
        dup = session.exec(select(ServiceLink.id).where(ServiceLink.service_id == service.id,
                                                       ServiceLink.party_id == party.id,
                                                       ServiceLink.component == comp)).first()
        if dup:
            errors["party"] = f"{party.name} is already linked to {service.name}" + (f" for {comp}." if comp else ".")
    if errors:
        raise InvalidInput(errors)
    row = ServiceLink(team_id=actor.team_id, service_id=service.id, party_id=party.id, component=comp, activities=acts,
                      created_at=actor.at(), created_by=actor.user_id)
    _insert(session, row, {"party": f"{party.name} is already linked to {service.name}."})
    audit.record(session, actor, "link.add", "service_link", row.id, service=service.name, party=party.name,
                 component=comp, activities=acts, after=audit.snapshot(row))
    return row


def _insert(session: Session, row, on_conflict: dict[str, str]) -> None:
    """Insert one row; a unique clash (a race with another request) becomes a field error."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise InvalidInput(on_conflict) from None


# ---- reading the map ----------------------------------------------------------------------------
@dataclass
class LinkView:
    party: Party
    service: Service
    component: str
    activities: list[str]


@dataclass
class ServiceView:
    service: Service
    consumers: list[LinkView]
    supporters: list[LinkView]
    suppliers: list[LinkView]
    hidden: dict[str, int] = field(default_factory=dict)  # links not listed, by party kind (a page of the map)


@dataclass
class PartyView:
    party: Party
    contacts: dict[ContactRole, list[str]]
    links: list[LinkView]


def _links(session: Session, team_id: str, *, service_id: int | None = None, party_id: int | None = None) -> list[LinkView]:
    q = (select(ServiceLink, Service, Party)
         .join(Service, Service.id == ServiceLink.service_id)
         .join(Party, Party.id == ServiceLink.party_id)
         .where(ServiceLink.team_id == team_id))
    if service_id is not None:
        q = q.where(ServiceLink.service_id == service_id)
    if party_id is not None:
        q = q.where(ServiceLink.party_id == party_id)
    rows = session.exec(q.order_by(Service.name_key, Party.name_key, ServiceLink.component)).all()
    return [LinkView(party=p, service=s, component=l.component, activities=list(l.activities)) for l, s, p in rows]


def service_views(session: Session, team_id: str, service_id: int | None = None) -> list[ServiceView]:
    services = [get_service(session, team_id, service_id)] if service_id else list_services(session, team_id)
    return views_of(services, _links(session, team_id, service_id=service_id))


def views_of(services: list[Service], links: list[LinkView],
             hidden: dict[tuple[int, str], int] | None = None) -> list[ServiceView]:
    """Each service with its links by party kind; `hidden`: links left off a page, by (service id, party kind)."""
    by_service: dict[int, list[LinkView]] = {}
    for lv in links:
        by_service.setdefault(lv.service.id, []).append(lv)
    views = []
    for s in services:
        mine = by_service.get(s.id, [])
        views.append(ServiceView(
            service=s,
            consumers=[lv for lv in mine if lv.party.party_kind is PartyKind.CUSTOMER],
            supporters=[lv for lv in mine if lv.party.party_kind is PartyKind.SUPPORT_GROUP],
            suppliers=[lv for lv in mine if lv.party.party_kind is PartyKind.SUPPLIER],
            hidden={} if hidden is None else {kind.value: hidden.get((s.id, kind.value), 0) for kind in PartyKind}))
    return views


def party_view(session: Session, team_id: str, party_id: int) -> PartyView:
    party = get_party(session, team_id, party_id)
    return PartyView(party=party, contacts=contacts_of(session, team_id, party_id),
                     links=_links(session, team_id, party_id=party_id))


def services_of_party(session: Session, team_id: str, party_id: int) -> list[Service]:
    """The services a party is linked to (consumes, supports or supplies), each once."""
    found: dict[int, Service] = {}
    for lv in _links(session, team_id, party_id=party_id):
        found.setdefault(lv.service.id, lv.service)
    return list(found.values())


def find(session: Session, team_id: str, text: str) -> Service | Party | None:
    """A service or party by its name, ignoring case and spacing."""
    key = name_key(text)
    service = session.exec(select(Service).where(Service.team_id == team_id, Service.name_key == key)).first()
    if service:
        return service
    return session.exec(select(Party).where(Party.team_id == team_id, Party.name_key == key)).first()


def known_names(session: Session, team_id: str) -> list[str]:
    return [s.name for s in list_services(session, team_id)] + [p.name for p in list_parties(session, team_id)]
