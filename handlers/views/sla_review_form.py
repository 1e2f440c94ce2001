"""The SLA review form: the outcome chosen, and why; recorded once, then said in the SLA's thread."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import agreements, delivery
from bot.errors import DomainError
from bot.reviews import sla_review
from handlers import registry
from handlers.flows.agreement_thread import refresh_headline, underpinning_changed
from handlers.replies import read_metadata, tell
from handlers.views import agreement_propose
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback

FIELDS = {"note": Block.SLAREV_WHY, "outcome": Block.SLAREV_WHY}


@registry.view(Callback.SLA_REVIEW_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            done = sla_review.record(session, actor, int(meta["review_id"]), meta["outcome"], values.text(Block.SLAREV_WHY))
            return done.agreement.id, done.agreement.name, done.thread_key, done.next_due, done.review.outcome

    recorded = run_form(ack, FIELDS, work, view)  # a second submission is refused inline: recorded already
    if recorded is None:
        return
    agreement_id, name, thread_key, next_due, outcome = recorded
    ack(**_next_form(deps, actor, agreement_id, outcome))
    label = sla_review.OUTCOME_LABELS[sla_review.SlaReviewOutcome(outcome)]
    context["done"] = f"The annual review of {name} is recorded: {label}"
    if thread_key:  # what does not go now, the scheduler sends later
        delivery.deliver(deps, client, actor.team_id, thread_key)
    refresh_headline(client, deps, actor, agreement_id)
    if outcome == "retire":
        underpinning_changed(client, deps, actor, agreement_id, "was retired")
    after = f" The next review is due {next_due.isoformat()}." if next_due else ""
    tell(client, actor, meta.get("channel_id"), render_message(
        "req_status.yml.j2", subject=name, sentence=f"annual review recorded: {label}.{after}"))


def _next_form(deps, actor, agreement_id: int, outcome: str) -> dict:
    """Renegotiate goes on where the agreements' own "Propose a change" starts: the form becomes that one, and
    what is proposed there is the next version, in the SLA's thread. The others just close the form."""
    if outcome != sla_review.SlaReviewOutcome.RENEGOTIATE.value:
        return {}
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        try:
            agreements.proposing_side(session, actor, agreement)
        except DomainError:  # the thread's Propose change button is there for whoever may
            return {}
        return {"response_action": "update", "view": agreement_propose.view_for(session, actor, agreement, None)}
