"""The buttons on a review cadence proposal in the SLA's thread: Accept, and Counter… (opens the counter form).

Each carries "<agreement id>:<revision>": pressed on a proposal that was replaced, it says so and changes nothing."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import reviews
from handlers import registry
from handlers.flows import review_cadence
from messages import render_message
from messages.ids import Action


def _pressed(body: dict) -> tuple[int, int]:
    agreement_id, _, revision = body["actions"][0]["value"].partition(":")
    return int(agreement_id), int(revision)


@registry.action(Action.REVIEW_CADENCE_ACCEPT)
def accept(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    agreement_id, revision = _pressed(body)
    with deps.db.session() as session:
        agreement = review_cadence.sla(session, actor, agreement_id)
        answered = reviews.accept(session, actor, agreement, revision)
        row = answered.arrangement
        if answered.changed:  # planned and told in the same transaction as the acceptance: once, even after a restart
            review = reviews.replan(session, row, actor.at())
            review_cadence.queue_agreed(session, actor, agreement, row, review)
            review_cadence.queue_settled(session, actor, row.id, row.revision, accepted_by=actor.user_id)
        name, arrangement_id = agreement.name, row.id
    if not answered.changed:
        respond(replace_original=False, response_type="ephemeral", **render_message(
            "req_status.yml.j2", sentence=f"The reviews of {name} are agreed already (revision {revision}); nothing "
                                          "changed."))
        return
    context["done"] = f"Your acceptance of the reviews of {name} is recorded"
    review_cadence.posted(client, deps, actor, agreement_id, arrangement_id)


@registry.action(Action.REVIEW_CADENCE_COUNTER)
def counter(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    agreement_id, revision = _pressed(body)
    with deps.db.session() as session:
        agreement = review_cadence.sla(session, actor, agreement_id)
        reviews.check_may_counter(session, actor, agreement, revision)  # refused before the form, not after
        view = review_cadence.form(session, actor, agreement, reviews.defaults(session, agreement), countering=True,
                                   revision=revision)
    client.views_open(trigger_id=body["trigger_id"], view=view)
