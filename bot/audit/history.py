"""One thing's history (`/slm audit <thing>`): a service, party or agreement by name (a service's and a party's
with the records of their links), an action or a requirement by number, or what a person did and what was done
to them, newest first, a page at a time."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot import paging
from bot.errors import InvalidInput, NotFound
from bot.paging import Page
from bot.service_map.records import find as find_on_map
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Action, Agreement, AgreementKind, AuditEvent, Party, Requirement
from models.base import name_key

USAGE = "/slm audit <service, party or agreement> | #N (an action) | req #N (a requirement) | @person"
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ACTION = re.compile(r"^#?(\d{1,9})$")
REQUIREMENT = re.compile(r"^(?:req|requirement)\s*#?(\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True)
class Thing:
    """What a history is of: an entity (kind and id), or a person (`user_id`: what they did)."""

    kind: str  # what the reader is told: "service", "party", "SLA", "action", "person"
    label: str
    entity: str | None = None
    entity_id: int | None = None
    user_id: str | None = None


def resolve(session: Session, team_id: str, text: str) -> Thing:
    text = text.strip()
    if not text:
        raise InvalidInput({"thing": f"Say whose history, like `{USAGE}`."})
    if mention := MENTION.match(text):
        return Thing("person", mention.group(1), user_id=mention.group(1))
    if number := REQUIREMENT.match(text):
        req = _requirement(session, team_id, int(number.group(1)))
        if req is None:
            raise NotFound(f"There is no requirement #{number.group(1)}.")
        return Thing("requirement", f"#{req.number}", "requirement", req.id)
    if number := ACTION.match(text):
        action = session.exec(select(Action).where(Action.team_id == team_id,
                                                   Action.number == int(number.group(1)))).first()
        if action is None:
            n, also = number.group(1), ""
            if _requirement(session, team_id, int(n)) is not None:
                also = f" #N is an action's number: for requirement #{n}, say `/slm audit req #{n}`."
            raise NotFound(f"There is no action #{n}.{also}")
        return Thing("action", f"#{action.number} {action.title}", "action", action.id)
    words = text[1:-1].strip() if len(text) >= 2 and text[0] == text[-1] == '"' else text
    found = find_on_map(session, team_id, words)
    if found is not None:
        kind = "party" if isinstance(found, Party) else "service"
        return Thing(kind, found.name, kind, found.id)
    agreement = session.exec(select(Agreement).where(Agreement.team_id == team_id,
                                                     Agreement.name_key == name_key(words))).first()
    if agreement is not None:
        return Thing(AgreementKind(agreement.kind).label, agreement.name, "agreement", agreement.id)
    raise NotFound(f"I know no service, party, agreement or action called “{words}”. "
                   f"Name one as `/slm map` or `/slm sla list` shows it, an action as #N, a requirement as "
                   f"req #N, or a person as @person.")


def history(session: Session, actor: Actor, text: str, offset: int, size: int) -> tuple[Thing, Page[AuditEvent]]:
    """What `text` names, and a page of its records, newest first. Only those entitled see the trail."""
    require(actor, Capability.VIEW_AUDIT)
    thing = resolve(session, actor.team_id, text)
    query = select(AuditEvent).where(AuditEvent.team_id == actor.team_id)
    if thing.user_id:  # what they did, and what was done to them (a role granted them, their data forgotten)
        query = query.where(or_(AuditEvent.actor == thing.user_id,
                                AuditEvent.detail["user_id"].as_string() == thing.user_id))
    elif thing.entity in ("service", "party"):  # and its links, made and removed (their ids in after and before)
        key = f"{thing.entity}_id"
        query = query.where(or_((AuditEvent.entity == thing.entity) & (AuditEvent.entity_id == thing.entity_id),
                                (AuditEvent.entity == "service_link")
                                & or_(AuditEvent.after[key].as_integer() == thing.entity_id,
                                      AuditEvent.before[key].as_integer() == thing.entity_id)))
    else:
        query = query.where(AuditEvent.entity == thing.entity, AuditEvent.entity_id == thing.entity_id)
    return thing, paging.read(session, query.order_by(col(AuditEvent.seq).desc()), offset, size)


def _requirement(session: Session, team_id: str, number: int) -> Requirement | None:
    return session.exec(select(Requirement).where(Requirement.team_id == team_id,
                                                  Requirement.number == number)).first()
