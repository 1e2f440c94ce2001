"""What `/slm actions` shows of each action: its people and parties by name, its target, and the buttons for the
viewer (only those who may move it along see them)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session

from bot import actions
from bot.workspace.actor import Actor
from models import Action, ActionStatus, Agreement, Party, Target

STATUS_WORDS = {ActionStatus.OPEN.value: "open", ActionStatus.IN_PROGRESS.value: "in progress",
                ActionStatus.DONE.value: "done", ActionStatus.CANCELLED.value: "cancelled"}


@dataclass(frozen=True)
class ActionItem:
    number: int
    title: str
    kind: str
    owner_user_id: str | None
    party: str | None
    due: str
    overdue: bool
    status: str
    closing_note: str
    origin: str | None
    origin_link: str | None
    target: str | None
    verification: str | None
    closable: bool
    can_start: bool


def _status(row: Action) -> str:
    words = STATUS_WORDS.get(row.status, row.status)
    if row.status == ActionStatus.DONE.value and row.done_at:
        return f"done {row.done_at.date().isoformat()}"
    return words


def items(session: Session, actor: Actor, rows: list[Action]) -> list[ActionItem]:
    """One ActionItem per row; the names and contacts read once for the page."""
    contacts = actions.party_contacts(session, [r.owner_party_id for r in rows])
    parties = {r.owner_party_id: session.get(Party, r.owner_party_id) for r in rows if r.owner_party_id}
    targets: dict[int, str] = {}
    for r in rows:
        if r.target_id and r.target_id not in targets and (t := session.get(Target, r.target_id)):
            agreement = session.get(Agreement, t.agreement_id)
            targets[r.target_id] = f"{t.key} ({agreement.name})" if agreement else t.key
    today = actor.today()
    out = []
    for r in rows:
        still_open = r.status in actions.OPEN_STATUSES
        party = parties.get(r.owner_party_id)
        out.append(ActionItem(
            r.number, r.title, r.kind, r.owner_user_id, party.name if party else None, r.due.isoformat(),
            still_open and r.due < today, _status(r), r.closing_note or "", r.origin, r.origin_link,
            targets.get(r.target_id) if r.target_id else None, r.verification,
            still_open and actions.may_close(actor, r, contacts.get(r.owner_party_id, ())),
            r.status == ActionStatus.OPEN.value))
    return out


def next_value(words: str, offset: int) -> str:
    """The Next page button's value: the filter as typed and where the next page starts."""
    return json.dumps({"f": words[:200], "o": offset})


def read_next_value(value: str) -> tuple[str, int]:
    try:
        data = json.loads(value)
        return str(data.get("f") or ""), max(0, int(data.get("o") or 0))
    except (ValueError, TypeError, AttributeError):
        return "", 0


def listing(session: Session, actor: Actor, words: str, offset: int = 0) -> dict:
    """The actions_list.yml.j2 context for one page of `/slm actions <words>`."""
    chosen = actions.read_filter(session, actor.team_id, actor.user_id, words, actor.today())
    found = actions.page(session, actor.team_id, chosen, offset=offset)
    empty = f"There is no action #{chosen.number}." if chosen.number is not None else "No open actions."
    return dict(label=chosen.label, empty=empty, rows=items(session, actor, found.rows), total=found.total,
                shown_from=found.offset + 1, shown_to=found.next_offset,
                next_value=next_value(chosen.words, found.next_offset) if found.more else None)

