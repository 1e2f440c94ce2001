"""The buttons on a review reminder's DM: "I'll attend", "Can't attend", "Remind me in an hour", "... tomorrow".

Each answers in the DM itself (edited in place through the outbox) and, for an answer, in the review channel's
notice; both go out at once from here, this review's messages only.
"""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import delivery, reviews
from handlers import registry
from messages.ids import Action
from models import Reminder, RsvpAnswer


def _value(body: dict) -> str:
    return str(body["actions"][0].get("value") or "")


def _send_the_reviews(context: BoltContext, client: WebClient, team_id: str, value: str) -> None:
    deps = context["deps"]
    reminder_id = value.partition(":")[0]
    with deps.db.session() as session:  # which review: read, and closed before Slack is called
        row = session.get(Reminder, int(reminder_id)) if reminder_id.isdigit() else None
        review_id = row.subject_id if row is not None and row.team_id == team_id else None  # this team's only
    if review_id is not None:
        delivery.deliver_pending(deps, client, team_id=team_id,
                                 key_prefix=reviews.attendance.delivery_prefix(review_id))


def _answer(body: dict, client: WebClient, context: BoltContext, said: RsvpAnswer) -> None:
    deps, actor, value = context["deps"], context["actor"], _value(body)
    with deps.db.session() as session:
        reviews.answer(session, actor.team_id, actor.user_id, value, said, actor.at())
    _send_the_reviews(context, client, actor.team_id, value)


def _snooze(body: dict, client: WebClient, context: BoltContext, how: str) -> None:
    deps, actor, value = context["deps"], context["actor"], _value(body)
    with deps.db.session() as session:
        reviews.snooze(session, actor.team_id, actor.user_id, value, how, actor.at())
    _send_the_reviews(context, client, actor.team_id, value)


@registry.action(Action.REVIEW_RSVP_ATTEND)
def attend(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _answer(body, client, context, RsvpAnswer.ATTEND)


@registry.action(Action.REVIEW_RSVP_CANNOT)
def cannot(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _answer(body, client, context, RsvpAnswer.CANNOT)


@registry.action(Action.REVIEW_SNOOZE_HOUR)
def snooze_hour(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _snooze(body, client, context, "hour")


@registry.action(Action.REVIEW_SNOOZE_DAY)
def snooze_day(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _snooze(body, client, context, "day")
