"""*Answer…* and *Close…* beside a listed complaint (issue 17): whoever may not is told so before any modal opens;
a complaint already answered (or closed) says so at once."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import complaints
from bot.errors import DomainError
from handlers import registry
from handlers.replies import metadata
from messages import render
from messages.ids import Action
from models import ComplaintStatus, Party


def _number(body: dict) -> int:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError) as err:
        raise DomainError("That button no longer names a complaint; list them again with `/slm complaints`.") from err


def _open(body: dict, client: WebClient, context: BoltContext, to: str) -> None:
    actor, number = context["actor"], _number(body)
    with context["deps"].db.session() as session:  # a quick read, closed before Slack is called
        row = complaints.get(session, actor.team_id, number)
        complaints.require_may_answer(actor, row)
        status, text = row.status, row.text
        customer = session.get(Party, row.customer_id).name
    if status == ComplaintStatus.CLOSED.value or (to == "answer" and status != ComplaintStatus.OPEN.value):
        raise DomainError(f"Complaint #{number} is {status} already; nothing was changed.")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    client.views_open(trigger_id=body["trigger_id"], view=render(
        "complaint_reply_form.yml.j2", to=to, number=number, customer=customer, text=text,
        private_metadata=metadata(number=number, channel_id=channel)))


@registry.action(Action.COMPLAINT_ANSWER)
def answer(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _open(body, client, context, "answer")


@registry.action(Action.COMPLAINT_CLOSE)
def close(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _open(body, client, context, "close")
