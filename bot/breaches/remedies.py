"""A remedial action recorded from a breach alert (competency 6.4): what it may set out to improve (the breached
target, or a leg beneath it), and the action itself, said on the alert's thread and by DM to its owner (as
`/slm action new` tells its owner)."""
from __future__ import annotations

from sqlmodel import Session

from bot import actions, cover, outbox
from bot.breaches import routing
from bot.breaches.alerts import REMEDY_REFUSED, _move, get, key_prefix, may_act_on, post_key
from bot.errors import PermissionDenied
from bot.workspace.actor import Actor
from models import Action, ActionKind, ActionOrigin, Agreement, AgreementKind, Breach, Target


def improvable_targets(session: Session, breach: Breach) -> list[tuple[int, str]]:
    """What a remedial action may set out to improve: the breached target, and the legs beneath it."""
    target = session.get(Target, breach.target_id)
    agreement = session.get(Agreement, breach.agreement_id)
    out = [(target.id, f"{target.key} {routing.promise(target)} ({agreement.name})")]
    if agreement.kind == AgreementKind.SLA.value:
        for link in cover.links_under(session, target):
            leg = session.get(Target, link.leg_target_id)
            leg_agreement = session.get(Agreement, leg.agreement_id)
            out.append((leg.id, f"{leg.key} {routing.promise(leg)} ({leg_agreement.name})"))
    return out


def add_remedial_action(session: Session, actor: Actor, breach_id: int, *, title: str | None,
                        owner_party_id: int | None, owner_user_id: str | None, due, target_id: int | None) -> Action:
    """The same Action entity as an upgrade, of kind remedial, for the target it should improve; said on the alert,
    and its owner (a person, when one is named) told by DM, under the breach's outbox keys."""
    breach = get(session, actor.team_id, breach_id, lock=True)
    if not may_act_on(session, actor, breach):
        raise PermissionDenied(REMEDY_REFUSED)
    allowed = {tid for tid, _label in improvable_targets(session, breach)}
    target_id = target_id if target_id in allowed else breach.target_id
    target, site = session.get(Target, target_id), session.get(Agreement, breach.agreement_id).permalink
    alerts = [outbox.get(session, breach.team_id, post_key(breach, r)) for r in breach.recipients]  # the links back
    links = [actions.message_link(site, posted.channel, posted.message_ts) for posted in alerts if posted]
    action = actions.add_action(session, actor, kind=ActionKind.REMEDIAL, title=title, owner_party_id=owner_party_id,
                              owner_user_id=owner_user_id, due=due, agreement_id=target.agreement_id,
                              target_id=target_id, detail=f"Remedial, after the alert on {breach.key}", permitted=True,
                              origin=ActionOrigin.BREACH, origin_id=breach.id,
                              origin_link=next(filter(None, links), None))
    _move(session, breach, actor.at(), "remedial action", by=actor.user_id, action=action.number,
          note=f"#{action.number}, due {action.due.isoformat()}: {action.title}")
    actions.tell_owner(session, actor, action, f"{key_prefix(breach.id)}remedial:{action.number}:owner")
    return action
