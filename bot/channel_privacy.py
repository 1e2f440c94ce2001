"""Whether a Slack channel is public, as Slack tells it, remembered for a while.

Public means a public channel: everyone in the workspace can read it. A private channel, a DM (`is_im`) and a
group DM (`is_mpim`) are not. Slack's `conversations.info` says so (`is_private`, `is_im`, `is_mpim`); its answer
is kept in memory for TTL per (workspace, channel), so a thread of several posts asks once. A channel converted
to private is seen as such within TTL; until then it is treated as public, which only leaves terms out.

A channel Slack will not describe (an error, no answer) counts as public: the safe side. Called after the ack,
with no database session open (Slack calls never hold one).
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

TTL = timedelta(minutes=10)
_known: dict[tuple[str, str], tuple[bool, datetime]] = {}
_lock = threading.Lock()


def public_in(answer: dict) -> bool:
    """Whether a conversations.info `channel` object is a public channel."""
    return not (answer.get("is_private") or answer.get("is_im") or answer.get("is_mpim") or answer.get("is_group"))


def is_public(client: WebClient, team_id: str, channel_id: str, now: datetime) -> bool:
    with _lock:
        known = _known.get((team_id, channel_id))
    if known is not None and timedelta(0) <= now - known[1] < TTL:
        return known[0]
    if channel_id[:1] == "D":  # a DM's id says so; no need to ask
        public = False
    else:
        try:
            public = public_in(client.conversations_info(channel=channel_id)["channel"])
        except SlackApiError as err:
            log.info("conversations.info %s: %s; treated as public", channel_id, err.response.get("error"))
            return True
        except Exception:  # noqa: BLE001 - no answer (a timeout, Slack down): public, and asked again next time
            log.info("conversations.info %s: no answer; treated as public", channel_id)
            return True
    with _lock:
        _known[(team_id, channel_id)] = (public, now)
    return public


def known_private(team_id: str, channel_id: str, now: datetime) -> bool:
    """Whether the channel is known not to be public without asking Slack (for work inside a database session): a
    DM's id says so, or Slack said so within TTL. Anything else (never asked, or asked too long ago) is not known
    private: the safe side."""
    if channel_id[:1] == "D":
        return True
    with _lock:
        known = _known.get((team_id, channel_id))
    return known is not None and not known[0] and timedelta(0) <= now - known[1] < TTL


def is_public_here(client: WebClient, team_id: str, channel_id: str, channel_name: str, now: datetime) -> bool:
    """Where a slash command was typed: its channel_name says when it is not public ("privategroup",
    "directmessage", "mpdm-…"); otherwise Slack is asked (a channel's own name may be a private channel's too)."""
    if channel_name in ("privategroup", "directmessage") or channel_name.startswith("mpdm-"):
        with _lock:
            _known[(team_id, channel_id)] = (False, now)
        return False
    return is_public(client, team_id, channel_id, now)


def forget() -> None:
    """Forget every answer (a new workspace in the tests' stand-in, where channel ids are reused)."""
    with _lock:
        _known.clear()
