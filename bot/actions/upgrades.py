"""Upgrade actions: a gap in cover becomes an action with an owner and a date, one per gap.

The rule: an open upgrade lets the SLA be agreed when a service manager accepts it as
the plan; its due date is the date by which cover must exist. The first check after
that date with the gap still there re-opens the gap (`bot.coverage.recheck_sla` says so).
"""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from bot import audit
from bot import cover as coverage
from bot.workspace.actor import Actor
from bot.errors import DomainError, NotFound
from bot.workspace.permissions import Capability, require
from models import Action, ActionKind, Target


def refuse_second(session: Session, actor: Actor, target_id: int, key: str) -> None:
    """Refuse a second upgrade action for a gap that has one open."""
    target, agreement = coverage.sla_target(session, actor.team_id, target_id)
    if not session.exec(select(Action.id).where(Action.target_id == target.id, Action.status == "open",
                                                Action.kind == ActionKind.UPGRADE.value)).first():
        return  # no upgrade open on this target at all: no need to run the check to know the gap's rule
    found = coverage.check_one(session, target, agreement, today=actor.today(), at=actor.at())  # stored if unchanged
    gap = found.finding(key)
    if gap is not None and (existing := found.upgrade_for(gap)) is not None:
        raise DomainError(f"Upgrade #{existing.action.number} is already open for the {gap.rule} gap of {target.key} "
                          f"(due {existing.action.due.isoformat()}); see `/slm actions`.")


def add_upgrade(session: Session, actor: Actor, *, target_id: int, key: str, title: str | None,
                owner_party_id: int | None, owner_user_id: str | None, due: date | None,
                accept_plan: bool) -> Action:
    """An upgrade action for one gap of an SLA target; refused when one is already open for that gap."""
    if accept_plan:
        require(actor, Capability.WAIVE_GAP)  # accepting a gap for now is the service manager's judgement
    target, agreement = coverage.sla_target(session, actor.team_id, target_id)
    # Held until the unit of work ends: two submissions at once cannot both find no upgrade open for the gap.
    session.exec(select(Target.id).where(Target.id == target.id).with_for_update()).first()
    found = coverage.check_one(session, target, agreement, today=actor.today(), at=actor.at())  # stored if unchanged
    gap = found.finding(key)
    if gap is None:
        raise DomainError(f"That gap of {target.key} is not there any more: it changed or closed. "
                          f"See `/slm tree {agreement.name}`.")
    refuse_second(session, actor, target_id, key)
    return coverage.add_action(session, actor, kind=ActionKind.UPGRADE, title=title, owner_party_id=owner_party_id,
                               owner_user_id=owner_user_id, due=due, agreement_id=agreement.id, target_id=target.id,
                               detail=f"gap {key}", gap_rule=gap.rule, plan_accepted=accept_plan)


def accept_plan(session: Session, actor: Actor, number: int) -> Action:
    """A service manager accepts an open upgrade as the plan for its gap, until its due date."""
    require(actor, Capability.WAIVE_GAP)
    row = session.exec(select(Action).where(Action.team_id == actor.team_id, Action.number == number)).first()
    if row is None or row.kind != ActionKind.UPGRADE.value:
        raise NotFound(f"There is no upgrade action #{number}.")
    if row.status != "open":
        raise DomainError(f"Upgrade #{number} is {row.status}; there is no plan to accept.")
    if row.plan_accepted_by:
        raise DomainError(f"Upgrade #{number} is already accepted as the plan.")
    if row.due < actor.today():
        raise DomainError(f"Upgrade #{number} was due on {row.due.isoformat()}, which has passed: "
                          "a plan needs a date still to come.")
    row.plan_accepted_by, row.plan_accepted_at = actor.user_id, actor.at()
    session.add(row)
    audit.record(session, actor, "action.accept_plan", "action", row.id, number=number, due=row.due.isoformat())
    return row
