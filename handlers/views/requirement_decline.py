"""A service manager declines a requirement, with the reason the customer will read."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import requirements
from bot.errors import Person
from handlers import registry
from handlers.replies import metadata, read_metadata, tell
from handlers.views.requirement_flow import fields_for
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback


def open(client: WebClient, trigger_id: str, req, *, channel_id: str | None) -> None:
    client.views_open(trigger_id=trigger_id, view=render(
        "req_decline.yml.j2", requirement=req,
        private_metadata=metadata(number=req.number, channel_id=channel_id)))


@registry.view(Callback.REQ_DECLINE)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            return requirements.decline(session, actor, meta["number"], values.text(Block.REQ_REASON))

    req = run_form(ack, fields_for("reason"), work, view)
    if req is None:
        return
    ack()
    context["done"] = f"Requirement #{req.number} is declined"
    tell(client, actor, meta.get("channel_id"), render_message(
        "req_status.yml.j2", sentence=f"Declined requirement #{req.number}. The reason:", detail=req.status_reason))
    if req.said_by != actor.user_id:
        client.chat_postMessage(channel=req.said_by, **render_message(
            "req_status.yml.j2", sentence=[Person(actor.user_id), f" declined your requirement #{req.number}. The reason:"],
            detail=f"{req.status_reason} (you asked: {req.statement[:200]})"))
