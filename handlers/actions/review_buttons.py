"""On a review pack: "Close review". Beside a known risk in `/slm review risks`: "Close"."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.reviews import notes
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.review_thread import risks_message
from handlers.views import review_close_form
from messages.ids import Action
from models import Agreement


def _channel(body: dict) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


@registry.action(Action.REVIEW_CLOSE)
def close_review(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    require(actor, Capability.ARRANGE_REVIEWS)  # told before the form, not after
    review_close_form.open_form(client, body["trigger_id"], context["deps"], actor, int(body["actions"][0]["value"]),
                                _channel(body))


@registry.action(Action.REVIEW_RISK_CLOSE)
def close_risk(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    with context["deps"].db.session() as session:
        risk, _closed_now = notes.close_risk(session, actor, int(body["actions"][0]["value"]))
        agreement = session.get(Agreement, risk.agreement_id)
        shown = risks_message(session, actor, agreement)
    context["done"] = "The risk is closed"
    respond(replace_original=True, **shown)
