"""Actions: work with an owner and a due date, numbered per workspace and followed until done.

Upgrade actions (a gap in cover to close, bot.actions.upgrades) are the first kind; remedial and improvement
actions from breaches, service reviews and `/slm action new` are the same entity. Each records where it came from
(origin, origin_id, origin_link) so its record links back and its creation is confirmed there.

Who may move an action along (start it, close it, cancel it) is one rule, `may_close`: its owner, the contacts of
the party it is agreed with, and whoever may record actions (service managers, admins).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, home_refresh, outbox, service_map
from bot.errors import DomainError, InvalidInput, NotFound
from bot.service_map.choices import contains
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can, require
from bot.actions import nudges
from models import Action, ActionKind, ActionOrigin, ActionStatus, Agreement, AgreementKind, Contact, Party, Target

OPEN_STATUSES = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)  # still to be done: listed, nudged
ASSIGNED = "action_assigned.yml.j2"  # the owner's DM about a new action


def _next_action_number(session: Session, team_id: str) -> int:
    top = session.exec(select(func.max(Action.number)).where(Action.team_id == team_id)).one()
    return (top or 0) + 1


def _problems(session: Session, actor: Actor, text: str, owner_party_id: int | None, owner_user_id: str | None,
              due: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
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
    return errors


def add_action(session: Session, actor: Actor, *, kind: ActionKind, title: str | None, owner_party_id: int | None,
               owner_user_id: str | None, due: date | None, agreement_id: int | None = None,
               target_id: int | None = None, detail: str = "", gap_rule: str | None = None,
               plan_accepted: bool = False, permitted: bool = False, origin: ActionOrigin | None = None,
               origin_id: int | None = None, origin_link: str | None = None) -> Action:
    """Record an action with the next number of the workspace; every problem with the fields at once.

    `permitted`: the caller has already decided this person may (a breach's owning group records its own remedy);
    otherwise recording actions is for service managers and workspace admins."""
    if not permitted:
        require(actor, Capability.RECORD_ACTION)
    text = " ".join((title or "").split())
    errors = _problems(session, actor, text, owner_party_id, owner_user_id, due)
    if errors:
        raise InvalidInput(errors)
    for _ in range(5):
        row = Action(team_id=actor.team_id, number=_next_action_number(session, actor.team_id), kind=kind.value,
                     title=text[:500], owner_party_id=owner_party_id, owner_user_id=owner_user_id or None, due=due,
                     agreement_id=agreement_id, target_id=target_id, detail=detail[:2000], gap_rule=gap_rule,
                     plan_accepted_by=actor.user_id if plan_accepted else None,
                     plan_accepted_at=actor.at() if plan_accepted else None, created_at=actor.at(),
                     created_by=actor.user_id, origin=origin.value if origin else None, origin_id=origin_id,
                     origin_link=(origin_link or None) and origin_link[:500], updated_at=actor.at())
        try:
            with session.begin_nested():
                session.add(row)
            break
        except IntegrityError:  # another replica took the number; take the next
            continue
    else:
        raise DomainError("Too many actions are being recorded at once; please try again.")
    audit.record(session, actor, "action.add", "action", row.id, number=row.number, kind=kind.value, title=text,
                 origin=row.origin, after=audit.snapshot(row))
    nudges.plan(session, row, actor.at())
    home_refresh.refresh(session, actor.team_id, [row.owner_user_id], actor.at())
    return row


def list_actions(session: Session, team_id: str, *, open_only: bool = True) -> list[Action]:
    """The workspace's actions (those still to be done, open or in progress, unless told), soonest due first."""
    q = select(Action).where(Action.team_id == team_id)
    if open_only:
        q = q.where(Action.status.in_(OPEN_STATUSES))
    return list(session.exec(q.order_by(Action.due, Action.number)))


def by_number(session: Session, team_id: str, number: int, *, lock: bool = False) -> Action:
    q = select(Action).where(Action.team_id == team_id, Action.number == number)
    row = session.exec(q.with_for_update() if lock else q).first()
    if row is None:
        raise NotFound(f"There is no action #{number}.")
    return row


def party_contacts(session: Session, party_ids: Iterable[int | None]) -> dict[int, frozenset[str]]:
    """The people who speak for each of these parties: they may move the actions agreed with their party."""
    wanted = {p for p in party_ids if p}
    found: dict[int, set[str]] = {p: set() for p in wanted}
    if wanted:
        for party_id, user_id in session.exec(select(Contact.party_id, Contact.user_id)
                                              .where(Contact.party_id.in_(sorted(wanted)))):
            found[party_id].add(user_id)
    return {p: frozenset(users) for p, users in found.items()}


def may_close(actor: Actor, row: Action, contacts: Iterable[str] = ()) -> bool:
    """Who may move an action along: its owner, the contacts of its party (`contacts`, from `party_contacts`), or
    whoever may record actions. Its buttons are shown to them only."""
    return (row.owner_user_id == actor.user_id or actor.user_id in set(contacts)
            or can(actor, Capability.RECORD_ACTION))


def may_move(session: Session, actor: Actor, row: Action) -> bool:
    return may_close(actor, row, party_contacts(session, [row.owner_party_id]).get(row.owner_party_id, ()))


def improvable_targets(session: Session, team_id: str, limit: int = 100, typed: str = "") -> list[tuple[int, str]]:
    """The SLA targets an action may set out to improve, for a menu: "T1 (Acme Payroll)"; the first `limit`, those
    of SLAs whose name holds `typed` when something was typed (a searching select)."""
    q = (select(Target.id, Target.key, Agreement.name)
         .join(Agreement, Agreement.id == Target.agreement_id)
         .where(Agreement.team_id == team_id, Agreement.kind == AgreementKind.SLA.value))
    if typed.strip():
        q = q.where(contains(Agreement.name_key, typed))
    rows = session.exec(q.order_by(Agreement.name, Target.key).limit(limit))
    return [(tid, f"{key} ({name})") for tid, key, name in rows]


def add_by_command(session: Session, actor: Actor, *, title: str | None, description: str | None,
                   owner_user_id: str | None, owner_party_id: int | None, due: date | None,
                   target_id: int | None) -> Action:
    """`/slm action new`: an improvement action with a person who owns it, the party it is agreed with, and
    optionally the SLA target it should improve."""
    require(actor, Capability.RECORD_ACTION)
    errors: dict[str, str] = {}
    if not owner_user_id:
        errors["owner_user"] = "Choose the person who owns it."
    target = session.get(Target, target_id) if target_id else None
    agreement = session.get(Agreement, target.agreement_id) if target else None
    if target_id and (agreement is None or agreement.team_id != actor.team_id
                      or agreement.kind != AgreementKind.SLA.value):
        errors["target"] = "Choose one of the SLA targets listed."
    errors = {**_problems(session, actor, " ".join((title or "").split()), owner_party_id, owner_user_id or "-", due),
              **errors}  # every problem at once
    if errors:
        raise InvalidInput(errors)
    return add_action(session, actor, kind=ActionKind.IMPROVEMENT, title=title, owner_party_id=owner_party_id,
                      owner_user_id=owner_user_id, due=due, agreement_id=agreement.id if agreement else None,
                      target_id=target.id if target else None, detail=(description or "").strip(),
                      permitted=True, origin=ActionOrigin.COMMAND)


def tell_owner(session: Session, actor: Actor, row: Action, key: str) -> bool:
    """A DM to the person who owns a new action (what, who recorded it, by when, with whom), queued once under `key`
    (the caller delivers it); True if this call queued it, False when queued before or nobody in person owns it.
    The DM's context keeps the action's number, due date and title, for a caller that finds it queued already."""
    if not row.owner_user_id:
        return False
    party = session.get(Party, row.owner_party_id) if row.owner_party_id else None
    target = session.get(Target, row.target_id) if row.target_id else None
    agreement = session.get(Agreement, target.agreement_id) if target else None
    context = {"by": actor.user_id, "number": row.number, "due": row.due.isoformat(), "title": row.title,
               "party": party.name if party else None, "description": row.detail,
               "target": f"{target.key} ({agreement.name})" if target and agreement else None}
    return outbox.enqueue(session, actor.team_id, key, row.owner_user_id, ASSIGNED, context, actor.at())
