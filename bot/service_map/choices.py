"""What a select offers: services or parties, at most a page of them, by what the person typed.

Slack holds at most 100 options in a select. A form asks for one more than that (`CHOICES_LIMIT + 1`) to learn
whether the choices fit a plain select; a searching select (Slack's external_select) asks again with the typed
text each time, and is answered with the first 100 whose name holds it. The work follows what is shown: one
query with a LIMIT, never every row.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import Party, PartyKind, Service
from models.base import name_key

CHOICES_LIMIT = 100  # Slack's limit of options in one select


@dataclass(frozen=True)
class Choice:
    id: int
    name: str
    kind: str = ""   # a party's kind (customer, supplier, support_group); "" for a service


def contains(column, typed: str):
    """`column` (a name_key) holds what was typed, compared as names are (case and spacing aside); a typed % or _
    is a character, not a wildcard."""
    key = name_key(typed).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{key}%", escape="\\")


def services(session: Session, team_id: str, typed: str = "", *, limit: int = CHOICES_LIMIT) -> list[Choice]:
    q = select(Service.id, Service.name).where(Service.team_id == team_id)
    if typed.strip():
        q = q.where(contains(Service.name_key, typed))
    return [Choice(id_, name) for id_, name in session.exec(q.order_by(Service.name_key).limit(limit))]


def parties(session: Session, team_id: str, typed: str = "", *, kinds: tuple[PartyKind, ...] = (),
            limit: int = CHOICES_LIMIT) -> list[Choice]:
    """Parties of these kinds (every kind when none is named), by kind and then name, as the forms group them."""
    q = select(Party.id, Party.name, Party.kind).where(Party.team_id == team_id)
    if kinds:
        q = q.where(Party.kind.in_([k.value for k in kinds]))
    if typed.strip():
        q = q.where(contains(Party.name_key, typed))
    return [Choice(id_, name, kind) for id_, name, kind in session.exec(q.order_by(Party.kind, Party.name_key)
                                                                        .limit(limit))]


def named(session: Session, team_id: str, model, ids: list[int]) -> list[Choice]:
    """The services or parties with these ids (what a form shows as already chosen), in name order."""
    if not ids:
        return []
    q = select(model.id, model.name).where(model.team_id == team_id, model.id.in_(ids)).order_by(model.name_key)
    return [Choice(id_, name) for id_, name in session.exec(q)]
