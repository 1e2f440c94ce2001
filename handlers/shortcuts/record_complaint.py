""""Record as complaint" on a message (issue 17): the complaint modal, with the message's words, its author as the
complainant and a link to the message; the customer is the one whose channel it is, when the map knows it."""
from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bot.errors import DomainError
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.views import complaint_form
from messages.ids import Callback
from models import Party, PartyKind

log = logging.getLogger(__name__)


@registry.shortcut(Callback.SHORTCUT_COMPLAINT_FROM_MESSAGE)
def from_message(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    require(actor, Capability.RECORD_COMPLAINT)
    message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id")
    text = (message.get("text") or "").strip()
    if message.get("bot_id") or message.get("subtype") == "bot_message" or not message.get("user"):
        raise DomainError("That message was posted by an app, not a person; record what a person complained of.")
    if not text:
        raise DomainError("That message has no text to record; use `/slm complaint` instead.")
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=channel, message_ts=body["message_ts"])["permalink"]
    except SlackApiError as err:  # a message we cannot link to is still worth recording
        log.info("no permalink for %s/%s: %s", channel, body.get("message_ts"), err.response.get("error"))
    with deps.db.session() as session:  # whose channel it is: that customer, chosen already
        customer_id = session.exec(select(Party.id).where(Party.team_id == actor.team_id, Party.channel_id == channel,
                                                         Party.kind == PartyKind.CUSTOMER.value)
                                   .order_by(Party.id)).first()
        view = complaint_form.view(session, actor.team_id, channel_id=channel, customer_id=customer_id,
                                   complainant=message["user"], text=text, permalink=permalink, quoted=True)
    client.views_open(trigger_id=body["trigger_id"], view=view)
