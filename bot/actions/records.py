"""Actions: work with an owner and a due date, numbered per workspace and followed until done.

Upgrade actions (a gap in cover to close, bot.actions.upgrades) are the first kind; remedial and improvement
actions from service reviews are the same entity.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, home_refresh, service_map
from bot.errors import DomainError, InvalidInput, NotFound
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can, require
from models import Action, ActionKind


def _next_action_number(session: Session, team_id: str) -> int:
    top = session.exec(select(func.max(Action.number)).where(Action.team_id == team_id)).one()
    return (top or 0) + 1


def add_action(session: Session, actor: Actor, *, kind: ActionKind, title: str | None, owner_party_id: int | None,
               owner_user_id: str | None, due: date | None, agreement_id: int | None = None,
               target_id: int | None = None, detail: str = "", gap_rule: str | None = None,
               plan_accepted: bool = False, permitted: bool = False) -> Action:
    """Record an action with the next number of the workspace; every problem with the fields at once.

    `permitted`: the caller has already decided this person may (a breach's owning group records its own remedy);
    otherwise recording actions is for service managers and workspace admins."""
    if not permitted:
        require(actor, Capability.RECORD_ACTION)
    errors: dict[str, str] = {}
    text = " ".join((title or "").split())
    if not text:
        errors["title"] = "Say what is to be done."
    if due is None:
        errors["due"] = "Choose the date it is due."
    elif due < actor.today():
        errors["due"] = "The due date has passed; choose today or later."
    if owner_party_id is not None:
        try:
            service_map.get_party(session, actor.team_id, owner_party_id)
        except NotFound as err:
            errors["owner_party"] = str(err)
    if owner_party_id is None and not owner_user_id:
        errors["owner_user"] = "Name who owns it: a person, a support group or a supplier."
    if errors:
        raise InvalidInput(errors)
    for _ in range(5):
        row = Action(team_id=actor.team_id, number=_next_action_number(session, actor.team_id), kind=kind.value,
                     title=text[:500], owner_party_id=owner_party_id, owner_user_id=owner_user_id or None, due=due,
                     agreement_id=agreement_id, target_id=target_id, detail=detail[:2000], gap_rule=gap_rule,
                     plan_accepted_by=actor.user_id if plan_accepted else None,
                     plan_accepted_at=actor.at() if plan_accepted else None, created_at=actor.at(),
                     created_by=actor.user_id)
        try:
            with session.begin_nested():
                session.add(row)
            break
        except IntegrityError:  # another replica took the number; take the next
            continue
    else:
        raise DomainError("Too many actions are being recorded at once; please try again.")
    audit.record(session, actor, "action.add", "action", row.id, number=row.number, kind=kind.value, title=text)
    home_refresh.refresh(session, actor.team_id, [row.owner_user_id], actor.at())
    return row


def list_actions(session: Session, team_id: str, *, open_only: bool = True) -> list[Action]:
    """The workspace's actions (the open ones unless told), soonest due first."""
    q = select(Action).where(Action.team_id == team_id)
    if open_only:
        q = q.where(Action.status == "open")
    return list(session.exec(q.order_by(Action.due, Action.number)))


def may_close(actor: Actor, row: Action) -> bool:
    """Its owner closes an action, or whoever may record actions (a *Done* button is shown to them only)."""
    return row.owner_user_id == actor.user_id or can(actor, Capability.RECORD_ACTION)


def close_action(session: Session, actor: Actor, number: int) -> Action:
    """Action #number is done: by its owner, or by whoever may record actions."""
    row = session.exec(select(Action).where(Action.team_id == actor.team_id, Action.number == number)).first()
    if row is None:
        raise NotFound(f"There is no action #{number}.")
    if not may_close(actor, row):
        require(actor, Capability.RECORD_ACTION)
    row.status, row.done_at = "done", actor.at()
    session.add(row)
    audit.record(session, actor, "action.done", "action", row.id, number=number)
    home_refresh.refresh(session, actor.team_id, [row.owner_user_id], actor.at())
    return row
