"""Upgrade actions: a gap in cover becomes an action with an owner and a date, one per gap.

The rule: an open upgrade lets the SLA be agreed when a service manager accepts it as
the plan; its due date is the date by which cover must exist. The first check after
that date with the gap still there re-opens the gap (`bot.cover.recheck_sla` says so).

This module knows the actions only; which gap an upgrade is for is cover's to say (bot.cover reads actions,
never the other way): recording one for a gap is `bot.cover.add_upgrade`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from bot import audit
from bot.actions.records import OPEN_STATUSES
from bot.errors import DomainError, NotFound
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Action, ActionKind, Party, Target


@dataclass
class Upgrade:
    """An open upgrade action for one gap of a target, with its owning party's name."""

    action: Action
    owner_party: str | None
    target_key: str = ""

    @property
    def accepted(self) -> bool:
        return self.action.plan_accepted_by is not None

    def holds(self, today: date | None) -> bool:
        """Accepted as the plan, and its due date not passed (None: judged as still in time)."""
        return self.accepted and (today is None or today <= self.action.due)


def open_upgrades_on(session: Session, target_rows: list[Target]) -> list[Upgrade]:
    """The open upgrade actions for gaps of these targets, by number."""
    keys = {t.id: t.key for t in target_rows}
    rows = session.exec(select(Action).where(Action.target_id.in_(list(keys) or [-1]),
                                             Action.kind == ActionKind.UPGRADE.value, Action.status.in_(OPEN_STATUSES))
                        .order_by(Action.number))
    return [Upgrade(a, session.get(Party, a.owner_party_id).name if a.owner_party_id else None, keys[a.target_id])
            for a in rows]


def any_open_on(session: Session, target_id: int) -> bool:
    """Whether any upgrade action is open on this target (for any of its gaps)."""
    return session.exec(select(Action.id).where(Action.target_id == target_id, Action.status.in_(OPEN_STATUSES),
                                                Action.kind == ActionKind.UPGRADE.value)).first() is not None


def accept_plan(session: Session, actor: Actor, number: int) -> Action:
    """A service manager accepts an open upgrade as the plan for its gap, until its due date."""
    require(actor, Capability.WAIVE_GAP)
    row = session.exec(select(Action).where(Action.team_id == actor.team_id, Action.number == number)).first()
    if row is None or row.kind != ActionKind.UPGRADE.value:
        raise NotFound(f"There is no upgrade action #{number}.")
    if row.status not in OPEN_STATUSES:
        raise DomainError(f"Upgrade #{number} is {row.status}; there is no plan to accept.")
    if row.plan_accepted_by:
        raise DomainError(f"Upgrade #{number} is already accepted as the plan.")
    if row.due < actor.today():
        raise DomainError(f"Upgrade #{number} was due on {row.due.isoformat()}, which has passed: "
                          "a plan needs a date still to come.")
    row.plan_accepted_by, row.plan_accepted_at = actor.user_id, actor.at()
    session.add(row)
    audit.record(session, actor, "action.accept_plan", "action", row.id, number=number, due=row.due.isoformat(),
                 before={"plan_accepted_by": None}, after=audit.snapshot(row, "plan_accepted_by", "plan_accepted_at"))
    return row
