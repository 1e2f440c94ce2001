"""Issue 17: the buttons on a satisfaction DM: a rating 1-5, and "Add a comment" (opens the comment form).

A rating answers in the DM itself, edited in place through the outbox and sent at once from here (this ask's edits
only). Pressing the same number again changes nothing."""
from __future__ import annotations

import re

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import delivery, satisfaction
from handlers import registry
from handlers.replies import metadata
from messages import render
from messages.ids import Action

RATE = re.compile(rf"^{Action.SATISFACTION_RATE}_[1-5]$")


def _value(body: dict) -> str:
    return str(body["actions"][0].get("value") or "")


def send_edits(deps, client: WebClient, team_id: str, ask_id: int | str) -> None:
    delivery.deliver_pending(deps, client, team_id=team_id,
                             key_prefix=f"{satisfaction.message_key(int(ask_id))}:edit")


@registry.action(RATE)
def rate(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    deps, actor = context["deps"], context["actor"]
    ask_id, _, rating = _value(body).partition(":")
    if not (ask_id.isdigit() and rating.isdigit()):
        return  # not a value the bot made
    with deps.db.session() as session:
        satisfaction.rate(session, actor, ask_id, int(rating))
    send_edits(deps, client, actor.team_id, ask_id)


@registry.action(Action.SATISFACTION_COMMENT)
def add_comment(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    deps, actor, ask_id = context["deps"], context["actor"], _value(body)
    with deps.db.session() as session:  # read, and closed before Slack is called
        shown = satisfaction.comment_of(session, actor, ask_id)
    client.views_open(trigger_id=body["trigger_id"], view=render(
        "satisfaction_comment_form.yml.j2", subject=shown["subject"], comment=shown["comment"],
        private_metadata=metadata(ask_id=shown["ask_id"])))
