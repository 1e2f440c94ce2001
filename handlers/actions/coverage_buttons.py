"""Buttons beside gaps in cover (Waive…, Upgrade action…) and beside open actions (Done)."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import actions
from bot import cover as coverage
from bot.errors import DomainError
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.presenters.cover import describe
from handlers.events import app_home_opened
from handlers.views import action_form, waive_form
from messages import render_message
from messages.ids import Action
from models import ActionStatus


def _target_and_gap(body: dict) -> tuple[int, str]:
    target_id, _, key = body["actions"][0]["value"].partition(":")
    return int(target_id), key


def _channel(body: dict) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


@registry.action(Action.COVER_WAIVE)
def waive(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    require(actor, Capability.WAIVE_GAP)  # before the form is filled, not after
    target_id, key = _target_and_gap(body)
    with context["deps"].db.session() as session:
        target, agreement = coverage.sla_target(session, actor.team_id, target_id)
        found = coverage.check_one(session, target, agreement, at=actor.at())
        gap = found.finding(key)
        if gap is not None:  # waived already (the SLA perhaps agreed since): said now, not after the form
            coverage.refuse_if_waived(agreement, target, found, gap, actor.tz)
    if gap is None:
        raise DomainError(f"That gap of {target.key} is not there any more: see `/slm tree {agreement.name}`.")
    waive_form.open(client, body["trigger_id"], target_id=target_id, key=key, rule=gap.rule,
                    label=f"{target.key} {describe(target)}", gap=gap.reason, channel_id=_channel(body))


@registry.action(Action.COVER_UPGRADE)
def upgrade(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    require(actor, Capability.RECORD_ACTION)  # who may record the action: told before the form, not after
    target_id, key = _target_and_gap(body)
    action_form.open(client, body["trigger_id"], context["deps"], actor, target_id=target_id, key=key,
                     channel_id=_channel(body))


@registry.action(Action.ACTION_DONE)
def done(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    with context["deps"].db.session() as session:
        moved = actions.move(session, context["actor"], int(body["actions"][0]["value"]), ActionStatus.DONE)
        row = moved.action
    context["done"] = f"Action #{row.number} is done"
    if (body.get("container") or {}).get("type") == "view":  # pressed on App Home: the tab is drawn again without it
        app_home_opened.publish(client, context["deps"], context["actor"])
        return
    sentence = f"Action #{row.number} is done:" if moved.changed else f"Action #{row.number} was done already:"
    respond(replace_original=False, **render_message("req_status.yml.j2", sentence=sentence, detail=row.title))
