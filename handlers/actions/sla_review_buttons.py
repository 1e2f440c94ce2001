"""The outcome buttons of an SLA's annual review (on its weekly reminder, and on `/slm review sla`): each opens the
form that asks why. Who may record it, and whether it is recorded already, is said before the form opens."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.reviews import sla_review
from handlers import registry
from handlers.replies import metadata
from messages import render
from messages.ids import Action
from models import SlaReviewOutcome


@registry.action(Action.SLA_REVIEW_OUTCOME)
def choose(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    outcome, _, review_id = body["actions"][0]["value"].partition(":")
    chosen = SlaReviewOutcome(outcome)
    with deps.db.session() as session:  # refused here (an ephemeral), not after the form is filled
        review, agreement = sla_review.check(session, actor, int(review_id), chosen)
        view = render("sla_review_form.yml.j2", name=agreement.name, due_on=review.due_on.isoformat(),
                      outcome=chosen.value, label=sla_review.OUTCOME_LABELS[chosen],
                      private_metadata=metadata(review_id=review.id, outcome=chosen.value,
                                                channel_id=body.get("channel", {}).get("id")))
    client.views_open(trigger_id=body["trigger_id"], view=view)
