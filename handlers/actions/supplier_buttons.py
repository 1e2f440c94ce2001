"""On a contract's review reminder: Continue, Renegotiate, Exit (recorded at once; the DM is edited to say what was
decided and when the next review is due). On `/slm disputes`: Close… (opens the form that asks how it ended)."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.suppliers import disputes, reviews
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.replies import metadata
from messages import render, render_message
from messages.ids import Action
from models import Agreement


@registry.action(Action.CONTRACT_REVIEW_OUTCOME)
def decide(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    outcome, _, value = str(body["actions"][0].get("value") or "").partition("|")
    agreement_id, due_on = reviews.read_value(value)
    with deps.db.session() as session:
        row = reviews.record_outcome(session, actor, agreement_id, due_on, outcome)
        shown = reviews.review_context(session, session.get(Agreement, agreement_id), due_on, decided_row=row)
    context["done"] = f"The review of {shown['name']} is recorded"
    respond(replace_original=True, **render_message(reviews.TEMPLATE, c=shown))


@registry.action(Action.DISPUTE_CLOSE)
def close(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    number = int(body["actions"][0]["value"])
    with deps.db.session() as session:  # refused here (an ephemeral), not after the form is filled
        row = disputes.get(session, actor.team_id, number)
        if row.owner_user_id != actor.user_id or actor.external:
            require(actor, Capability.RECORD_DISPUTE)
        # the channel the list was in: the form's confirmation is an ephemeral there (a DM where it cannot be)
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        view = render("dispute_close_form.yml.j2", number=row.number, what=row.what,
                      private_metadata=metadata(number=row.number, channel_id=channel))
    client.views_open(trigger_id=body["trigger_id"], view=view)
