"""Telling the person who acted what happened, wherever they are."""
from __future__ import annotations

import json
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.workspace.actor import Actor

log = logging.getLogger(__name__)


def tell(client: WebClient, actor: Actor, channel_id: str | None, message: dict) -> None:
    """An ephemeral note in the channel the person started from, or a DM where the bot cannot post there."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=actor.user_id, **message)
            return
        except SlackApiError as err:
            log.info("ephemeral to %s failed (%s); sending a DM instead", channel_id, err.response.get("error"))
    client.chat_postMessage(channel=actor.user_id, **message)


def metadata(**values) -> str:
    """A modal's private_metadata: where it was opened from, and what it is about."""
    return json.dumps({k: v for k, v in values.items() if v is not None})


def read_metadata(view: dict) -> dict:
    """What `metadata` wrote; {} for anything else (every reader calls .get() on it: JSON that is no object,
    `null` or `[1]`, is no metadata of ours)."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
