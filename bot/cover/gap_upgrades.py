"""An upgrade action for a gap in cover: its first wording, and recording it, one open per gap.

The action is bot.actions' entity; which gap it is for, and whether that gap is still there, is cover's to say.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from bot import actions
from bot.agreements import targets
from bot.cover.assessment import check_one, live_links, sla_target
from bot.cover.waivers import refuse_if_waived
from bot.errors import Command, DomainError
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Action, ActionKind, ActionOrigin, Agreement, Party, Target, Waiver


def upgrade_suggestion(session: Session, team_id: str, target_id: int, key: str,
                       at: datetime | None = None) -> tuple[str, int | None, date]:
    """A first wording for the upgrade action of a gap: its title, the owner, the date (the SLA's start)."""
    target, agreement = sla_target(session, team_id, target_id)
    finding = check_one(session, target, agreement, at=at).finding(key)
    legs = [session.get(Target, ln.leg_target_id) for ln in live_links(session, target)]
    owner = None
    if legs:
        owner = session.get(Agreement, legs[-1].agreement_id).counterparty_id
    party = session.get(Party, agreement.counterparty_id)
    what = targets.short(target.kind, target.level, target.metric_name)
    title = f"Upgrade what underpins {what} of {agreement.name} before {party.name}'s SLA starts"
    if finding:
        title += f" ({finding.rule}: {finding.reason[:300]})"
    return title[:500], owner, agreement.start_date


def refuse_second_upgrade(session: Session, actor: Actor, target_id: int, key: str) -> None:
    """Refuse a second upgrade action for a gap that has one open."""
    target, agreement = sla_target(session, actor.team_id, target_id)
    if not actions.any_open_on(session, target.id):
        return  # no upgrade open on this target at all: no need to run the check to know the gap's rule
    found = check_one(session, target, agreement, today=actor.today(), at=actor.at())  # stored if unchanged
    gap = found.finding(key)
    if gap is not None and (existing := found.upgrade_for(gap)) is not None:
        raise DomainError(f"Upgrade #{existing.action.number} is already open for the {gap.rule} gap of {target.key} "
                          f"(due {existing.action.due.isoformat()}); see ", Command("actions"), ".")


def refuse_after_waived_and_agreed(session: Session, actor: Actor, target_id: int, key: str) -> None:
    """*Upgrade action…* pressed on a gap that was waived and whose SLA was agreed since (a gate DM's copy not yet
    edited, or pressed on an old one): the form's "Accept this as the plan" would settle what is settled. Say so, and
    that cover can still be planned as an action of its own, before any form opens."""
    target, agreement = sla_target(session, actor.team_id, target_id)
    if not agreement.agreed_version or session.exec(select(Waiver.id).where(
            Waiver.target_id == target.id, Waiver.gap_key == key)).first() is None:
        return  # no waiver of this gap (or nothing agreed): no need to run the check
    found = check_one(session, target, agreement, today=actor.today(), at=actor.at())  # stored if unchanged
    gap = found.finding(key)
    if gap is not None:
        refuse_if_waived(agreement, target, found, gap, actor.tz, remains=(
            "to plan cover for it all the same, record an action with ", Command("action new"),
            f" naming {target.key} as the target it improves."))


def add_upgrade(session: Session, actor: Actor, *, target_id: int, key: str, title: str | None,
                owner_party_id: int | None, owner_user_id: str | None, due: date | None,
                accept_plan: bool) -> Action:
    """An upgrade action for one gap of an SLA target; refused when one is already open for that gap."""
    if accept_plan:
        require(actor, Capability.WAIVE_GAP)  # accepting a gap for now is the service manager's judgement
    target, agreement = sla_target(session, actor.team_id, target_id)
    # Held until the unit of work ends: two submissions at once cannot both find no upgrade open for the gap.
    session.exec(select(Target.id).where(Target.id == target.id).with_for_update()).first()
    found = check_one(session, target, agreement, today=actor.today(), at=actor.at())  # stored if unchanged
    gap = found.finding(key)
    if gap is None:
        raise DomainError(f"That gap of {target.key} is not there any more: it changed or closed. See ",
                          Command("tree", agreement.name), ".")
    refuse_second_upgrade(session, actor, target_id, key)
    return actions.add_action(session, actor, kind=ActionKind.UPGRADE, title=title, owner_party_id=owner_party_id,
                              owner_user_id=owner_user_id, due=due, agreement_id=agreement.id, target_id=target.id,
                              detail=f"gap {key}", gap_rule=gap.rule, plan_accepted=accept_plan,
                              origin=ActionOrigin.GAP, origin_id=target.id)
