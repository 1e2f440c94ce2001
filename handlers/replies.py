"""Telling the person who acted what happened, wherever they are."""
from __future__ import annotations

import json
import logging
from enum import Enum
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import NotFound
from bot.workspace.actor import Actor

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Enum)


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


# The keys of private_metadata that hold a row's id or number (the rest hold words or Slack ids): a value there
# that is no id is no value of ours.
ID_KEYS = frozenset({"agreement_id", "target_id", "review_id", "breach_id", "number", "revision", "service_id",
                     "customer_id", "ask_id"})
LIST_KEYS = frozenset({"topics"})  # a requirement interview's chosen topics (handlers/views/requirement_flow.py)
LARGEST_ID = 2**31 - 1  # an INTEGER column's largest (PostgreSQL's); larger is no id we wrote


class FormAltered(NotFound):
    """A modal came back with private_metadata the bot did not write (altered, or from an older bot)."""

    def __init__(self) -> None:
        super().__init__("This form no longer matches what it was opened for, so nothing was done. "
                         "Close it and open it again.")


class Metadata(dict):
    """A modal's private_metadata as the bot wrote it, each value checked when it is read (read_metadata, first
    thing in a listener): a value of another sort than the bot writes (an id that is no positive integer, words
    that are not text) raises FormAltered, as does reading a key the bot did not write. The person is told to
    open the form again, and nothing is done (tests/fuzz/test_modals.py)."""

    def __init__(self, values: dict | None = None) -> None:
        super().__init__(values or {})
        for key in self:
            self[key]

    def __getitem__(self, key: str):
        if key not in self:
            raise FormAltered()
        return _checked(key, super().__getitem__(key))

    def get(self, key: str, default=None):
        return self[key] if key in self else default

    def choice(self, key: str, kind: type[E]) -> E:
        """The value as one of an enum's members; FormAltered for anything else."""
        try:
            return kind(self[key])
        except ValueError:
            raise FormAltered() from None


def _checked(key: str, value):
    if value is None:
        return None
    if key in ID_KEYS:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isascii() \
                or not str(value).isdigit() or not 0 < int(value) <= LARGEST_ID:
            raise FormAltered()
        return int(value)
    if key in LIST_KEYS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FormAltered()
        return value
    if not isinstance(value, str):
        raise FormAltered()
    return value


def read_metadata(view: dict) -> Metadata:
    """What `metadata` wrote; empty for anything else (JSON that is no object, `null` or `[1]`, is no metadata of
    ours), and each value checked as it is read (Metadata)."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return Metadata()
    return Metadata(found) if isinstance(found, dict) else Metadata()
