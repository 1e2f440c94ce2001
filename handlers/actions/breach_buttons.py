"""The buttons on a breach alert: Acknowledge, Create remedial action, Escalate."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import breaches, delivery
from bot.errors import PermissionDenied
from handlers import registry
from handlers.presenters.choices import owner_choices
from handlers.replies import metadata
from messages import render
from messages.ids import Action


def _breach_id(body: dict) -> int:
    return int(body["actions"][0]["value"])


def _channel(body: dict) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


@registry.action(Action.BREACH_ACKNOWLEDGE)
def acknowledge(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    deps, actor, breach_id = context["deps"], context["actor"], _breach_id(body)
    with deps.db.session() as session:
        breaches.acknowledge(session, actor, breach_id)
    context["done"] = "The alert is acknowledged"
    # the alert shows it now, and its thread says who (this breach's messages only: the scheduler has the rest)
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=breaches.key_prefix(breach_id))


@registry.action(Action.BREACH_ESCALATE)
def escalate(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    deps, actor, breach_id = context["deps"], context["actor"], _breach_id(body)
    with deps.db.session() as session:
        breaches.escalate_by_hand(session, actor, breach_id)
    context["done"] = "The alert is escalated to the service managers"
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=breaches.key_prefix(breach_id))


@registry.action(Action.BREACH_REMEDIAL)
def remedial(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    with deps.db.session() as session:  # read, and closed before Slack is called
        breach = breaches.get(session, actor.team_id, _breach_id(body))
        if not breaches.may_act_on(session, actor, breach):  # told before the form, not after
            raise PermissionDenied(breaches.REMEDY_REFUSED)
        shown = breaches.alert_context(session, breach)
        choices = breaches.improvable_targets(session, breach)
        owner_party_id = breach.owner_party_id
        parties = owner_choices(session, actor.team_id, owner_party_id)
    client.views_open(trigger_id=body["trigger_id"], view=render(
        "breach_remedial_form.yml.j2", what=f"{shown['target_key']} {shown['what']}", agreement=shown["agreement"],
        targets=choices[:100], target_id=choices[0][0], parties=parties,
        owner_party_id=owner_party_id, due=actor.today().isoformat(),
        private_metadata=metadata(breach_id=breach.id, channel_id=_channel(body))))
