"""The review cadence forms: the service manager's proposal, and the counter of whichever side it waits for."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import reviews
from bot.reviews import cadence
from handlers import registry
from handlers.flows import review_cadence
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback

FIELDS = {"frequency": Block.RC_FREQUENCY, "format": Block.RC_FORMAT, "users": Block.RC_USERS,
          "parties": Block.RC_PARTIES, "reminders": Block.RC_REMINDERS, "channel": Block.RC_CHANNEL,
          "why": Block.RC_WHY}


def _input(values: ViewValues) -> reviews.CadenceInput:
    return reviews.CadenceInput(
        frequency=values.text(Block.RC_FREQUENCY), format=values.option(Block.RC_FORMAT),
        attendee_user_ids=values.users(Block.RC_USERS),
        attendee_party_ids=[int(v) for v in values.options(Block.RC_PARTIES) if v.isdigit()],
        reminders=values.text(Block.RC_REMINDERS), channel_id=values.conversation(Block.RC_CHANNEL),
        why=values.text(Block.RC_WHY))


def _sent(session, agreement, row) -> dict:
    """What the proposer is told: where the proposal went and who answers it (the approvers by name, when it waits
    for the customer)."""
    waits = cadence.waits_for(row)
    return {"name": agreement.name, "revision": row.revision, "countered": row.status == "countered",
            "channel_id": agreement.channel_id or row.channel_id,
            "people": cadence.approvers(session, agreement) if waits == "approver" else [],
            "anyone": cadence.who_may(session, agreement, row)}


@registry.view(Callback.REVIEW_CADENCE_FORM)
def propose(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            agreement = review_cadence.sla(session, actor, meta["agreement_id"])
            row = reviews.propose(session, actor, agreement, _input(values))
            review_cadence.queue_proposal(session, actor, agreement, row)
            if row.revision > 1:  # the one before loses its buttons (unless it was accepted: that stays said)
                review_cadence.queue_settled(session, actor, row.id, row.revision - 1, replaced_by=row.revision)
            return agreement.id, agreement.name, row.id, row.revision, _sent(session, agreement, row)

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    agreement_id, name, arrangement_id, revision, sent = done
    context["done"] = f"Your proposal (revision {revision}) for the reviews of {name} is recorded"
    review_cadence.posted(client, deps, actor, agreement_id, arrangement_id)
    tell(client, actor, sent["channel_id"], render_message("review_cadence_sent.yml.j2", **sent))


@registry.view(Callback.REVIEW_COUNTER_FORM)
def counter(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            agreement = review_cadence.sla(session, actor, meta["agreement_id"])
            answered = reviews.counter(session, actor, agreement, int(meta["revision"]), _input(values))
            review_cadence.queue_proposal(session, actor, agreement, answered.arrangement)
            review_cadence.queue_settled(session, actor, answered.arrangement.id, answered.arrangement.revision - 1,
                                         replaced_by=answered.arrangement.revision)
            return (agreement.id, agreement.name, answered.arrangement.id, answered.arrangement.revision,
                    _sent(session, agreement, answered.arrangement))

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    agreement_id, name, arrangement_id, revision, sent = done
    context["done"] = f"Your counter (revision {revision}) for the reviews of {name} is recorded"
    review_cadence.posted(client, deps, actor, agreement_id, arrangement_id)
    tell(client, actor, sent["channel_id"], render_message("review_cadence_sent.yml.j2", **sent))
