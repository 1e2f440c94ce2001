"""One thing's history (`/slm audit <thing>`): a service, party or agreement by name, an action by number, or
what a person did, newest first, a page at a time."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot import paging
from bot.errors import InvalidInput, NotFound
from bot.paging import Page
from bot.service_map.records import find as find_on_map
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Action, Agreement, AgreementKind, AuditEvent, Party
from models.base import name_key

USAGE = "/slm audit <service, party or agreement> | #N (an action) | @person"
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ACTION = re.compile(r"^#?(\d{1,9})$")


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
    if number := ACTION.match(text):
        action = session.exec(select(Action).where(Action.team_id == team_id,
                                                   Action.number == int(number.group(1)))).first()
        if action is None:
            raise NotFound(f"There is no action #{number.group(1)}.")
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
                   f"Name one as the map or `/slm agreements` shows it, or an action as #N, or a person as @person.")


def history(session: Session, actor: Actor, text: str, offset: int, size: int) -> tuple[Thing, Page[AuditEvent]]:
    """What `text` names, and a page of its records, newest first. Only those entitled see the trail."""
    require(actor, Capability.VIEW_AUDIT)
    thing = resolve(session, actor.team_id, text)
    query = select(AuditEvent).where(AuditEvent.team_id == actor.team_id)
    if thing.user_id:
        query = query.where(AuditEvent.actor == thing.user_id)
    else:
        query = query.where(AuditEvent.entity == thing.entity, AuditEvent.entity_id == thing.entity_id)
    return thing, paging.read(session, query.order_by(col(AuditEvent.seq).desc()), offset, size)
