"""Close… on a dispute: how it ended (required), then it is closed."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.suppliers import disputes
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback

FIELDS = {"outcome": Block.DISPUTE_OUTCOME}


@registry.view(Callback.DISPUTE_CLOSE_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            row = disputes.close(session, actor, int(meta.get("number") or 0), values.text(Block.DISPUTE_OUTCOME))
            return row.number, row.outcome

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    number, outcome = done
    context["done"] = f"Dispute #{number} is closed"
    tell(client, actor, meta.get("channel_id"), render_message("req_status.yml.j2", sentence=f"Dispute #{number} is closed:",
                                             detail=outcome))
