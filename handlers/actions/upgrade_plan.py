"""The "Accept upgrade #N as the plan" button beside a gap that has an open upgrade action."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.actions import upgrades
from handlers.flows import agreement_thread
from handlers import registry
from messages import render_message
from messages.ids import Action


@registry.action(Action.ACTION_ACCEPT_PLAN)
def accept(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    with deps.db.session() as session:
        row = upgrades.accept_plan(session, actor, int(body["actions"][0]["value"]))
        number, due, agreement_id = row.number, row.due.isoformat(), row.agreement_id
    context["done"] = f"Upgrade #{number} is accepted as the plan"
    respond(replace_original=False, **render_message(
        "req_status.yml.j2", sentence=f"Upgrade #{number} is accepted as the plan: the SLA may be agreed on it, "
                                      f"and cover must exist by {due}."))
    if agreement_id:
        agreement_thread.refresh_headline(client, deps, actor, agreement_id)
