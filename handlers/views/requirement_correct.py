"""The requester corrects a recorded requirement (from the confirmation DM)."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import requirements
from handlers import registry
from handlers.replies import metadata, read_metadata
from handlers.flows.requirement_dm import refresh_confirmation_dm
from handlers.views.requirement_flow import fields_for
from handlers.views.values import ViewValues, run_form
from messages import render
from messages.ids import Block, Callback

FIELDS = fields_for("statement", "target")
TARGET_HINTS = {"percent": "A percentage, e.g. 99.9%", "duration": "e.g. 15 min, 4h, 4 business hours",
                "hours": "Times are in {tz}, your Slack time zone, unless you name another. e.g. Mon-Fri 08:00-18:00, or 24x7", "quantity": "e.g. 2 s, 1,200 tickets/month"}


def open(client: WebClient, trigger_id: str, req, *, numbers: str, channel: str, ts: str, tz: str) -> None:
    metric = requirements.metric_of(req)
    client.views_open(trigger_id=trigger_id, view=render(
        "req_correct.yml.j2", requirement=req, target_hint=TARGET_HINTS[metric.kind].format(tz=tz) if metric else "",
        private_metadata=metadata(number=req.number, numbers=numbers, channel=channel, ts=ts)))


@registry.view(Callback.REQ_CORRECT)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            return requirements.correct(session, actor, meta["number"], statement=values.text(Block.REQ_STATEMENT),
                                        target=values.text(Block.REQ_TARGET), default_tz=actor.tz)

    if run_form(ack, FIELDS, work, view) is None:
        return
    ack()
    context["done"] = f"Requirement #{meta['number']} is corrected"
    refresh_confirmation_dm(client, deps, actor, meta["numbers"], meta["channel"], meta["ts"], changed=meta["number"],
                            verb="corrected")
