"""Moving an action along: open -> in progress -> done | cancelled, and moving its due date.

Every move stamps `updated_at` (freshest first on the App Home); closing records who closed it and the closing note
(required to cancel, so that nobody wonders later why it was dropped; optional when done). A move made twice changes
nothing the second time and says so (`Moved.changed`), so a button pressed twice is harmless. Closing forgets the
action's pending nudges; a new due date plans them again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot import audit, home_refresh
from bot.actions import nudges
from bot.actions.records import OPEN_STATUSES, by_number, may_move
from bot.errors import DomainError, InvalidInput, PermissionDenied
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability
from models import Action, ActionStatus

NOTE_LIMIT = 2000
WORDS = {ActionStatus.OPEN: "open", ActionStatus.IN_PROGRESS: "in progress", ActionStatus.DONE: "done",
         ActionStatus.CANCELLED: "cancelled"}
REFUSED = ("Only the action's owner, the contacts of the party it is agreed with, or whoever may "
           f"{Capability.RECORD_ACTION.value} can move it along.")


@dataclass(frozen=True)
class Moved:
    action: Action
    changed: bool  # False: it was already there, and nothing was changed

    @property
    def status_words(self) -> str:
        return WORDS[ActionStatus(self.action.status)]


def require_may_move(session: Session, actor: Actor, row: Action) -> None:
    if not may_move(session, actor, row):
        raise PermissionDenied(REFUSED)


def move(session: Session, actor: Actor, number: int, to: ActionStatus, note: str | None = None) -> Moved:
    """Action #number moves to `to`: started, done (with an optional note) or cancelled (with a note)."""
    row = by_number(session, actor.team_id, number, lock=True)
    require_may_move(session, actor, row)
    words = (note or "").strip()[:NOTE_LIMIT]
    if row.status == to.value:
        return Moved(row, False)
    current = ActionStatus(row.status)
    if current in (ActionStatus.DONE, ActionStatus.CANCELLED):
        raise DomainError(f"Action #{number} is {WORDS[current]} already; it cannot be {WORDS[to]} now.")
    if to == ActionStatus.OPEN:
        raise DomainError(f"Action #{number} is {WORDS[current]}; it does not go back to open.")
    if to == ActionStatus.CANCELLED and not words:
        raise InvalidInput({"note": "Say why it is cancelled: the note stays on its record."})
    closing = ("status", "closing_note", "closed_by", "done_at")
    was = audit.snapshot(row, *closing)
    row.status, row.updated_at = to.value, actor.at()
    if to in (ActionStatus.DONE, ActionStatus.CANCELLED):
        row.closing_note, row.closed_by = words, actor.user_id
        row.done_at = actor.at() if to == ActionStatus.DONE else None
        nudges.forget(session, row)
    session.add(row)
    audit.record(session, actor, f"action.{to.value}", "action", row.id, number=number, note=words or None,
                 before=was, after=audit.snapshot(row, *closing))
    home_refresh.refresh(session, actor.team_id, [row.owner_user_id], actor.at())  # their Home shows it
    return Moved(row, True)


def close_action(session: Session, actor: Actor, number: int) -> Action:
    """Action #number is done, without a note (the quick *Done* button). Done twice is still done."""
    return move(session, actor, number, ActionStatus.DONE).action


def move_due(session: Session, actor: Actor, number: int, due: date | None) -> Moved:
    """A new due date for an action still to be done; its nudges are planned again for it."""
    row = by_number(session, actor.team_id, number, lock=True)
    require_may_move(session, actor, row)
    if due is None:
        raise InvalidInput({"due": "Choose the date it is due."})
    if row.status not in OPEN_STATUSES:
        raise DomainError(f"Action #{number} is {WORDS[ActionStatus(row.status)]}; its date no longer matters.")
    if row.due == due:
        return Moved(row, False)
    if due < actor.today():
        raise InvalidInput({"due": "The due date has passed; choose today or later."})
    before, row.due, row.updated_at = row.due, due, actor.at()
    session.add(row)
    audit.record(session, actor, "action.due", "action", row.id, number=number, before={"due": before.isoformat()},
                 after={"due": due.isoformat()}, due=due.isoformat())
    nudges.plan(session, row, actor.at())
    home_refresh.refresh(session, actor.team_id, [row.owner_user_id], actor.at())
    return Moved(row, True)
