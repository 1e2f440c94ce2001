""""Record a service requirement" (anywhere) and "Record as requirement" (on a message)."""
from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import DomainError
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.views.requirement_flow import QUOTE_LIMIT, Flow, open_who
from messages.ids import Callback

log = logging.getLogger(__name__)


def _open_or_explain(client: WebClient, body: dict, context: BoltContext, flow: Flow) -> None:
    actor = context["actor"]
    missing = open_who(client, body["trigger_id"], context["deps"], actor, flow)
    if missing is not None:
        client.chat_postMessage(channel=actor.user_id, **missing)


@registry.shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT)
def from_anywhere(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    require(context["actor"], Capability.RECORD_REQUIREMENT)
    _open_or_explain(client, body, context, Flow(kind="interview", said_by=context["actor"].user_id))


@registry.shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE)
def from_message(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    require(actor, Capability.RECORD_REQUIREMENT)
    message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id")
    text = (message.get("text") or "").strip()
    if message.get("bot_id") or message.get("subtype") == "bot_message" or not message.get("user"):
        raise DomainError("That message was posted by an app, not a person; record what a person asked for.")
    if not text:
        raise DomainError("That message has no text to record; use the “Record a service requirement” shortcut.")
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=channel, message_ts=body["message_ts"])["permalink"]
    except SlackApiError as err:  # a message we cannot link to is still worth recording
        log.info("no permalink for %s/%s: %s", channel, body.get("message_ts"), err.response.get("error"))
    flow = Flow(kind="quote", said_by=message["user"], channel_id=channel,
                quote=text[:QUOTE_LIMIT], permalink=permalink)
    _open_or_explain(client, body, context, flow)
