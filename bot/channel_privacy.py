"""Whether a Slack channel is public, and whether it is shared with another organisation, as Slack tells it,
remembered for a while.

Public means a public channel: everyone in the workspace can read it. A private channel, a DM (`is_im`) and a
group DM (`is_mpim`) are not. Slack's `conversations.info` says so (`is_private`, `is_im`, `is_mpim`); its answer
is kept in memory for TTL per (workspace, channel), so a thread of several posts asks once. A channel converted
to private is seen as such within TTL; until then it is treated as public, which only leaves terms out.

Shared with another organisation (Slack Connect) means people from another workspace read it. Slack's
channel object says so (https://docs.slack.dev/apis/slack-connect, "Slack Connect: working with channels between
organizations"): `is_ext_shared` is true, and `shared_team_ids` lists every workspace in it, the host's own
included (`conversation_host_id` is the host). Events from such a channel carry `is_ext_shared_channel: true` in
their outer payload, and `channel_shared` / `channel_unshared` say when a workspace joins or leaves: `note` takes
them in. Privacy may differ between the workspaces of one channel, so only the host's own answer is used.

A channel Slack will not describe (an error, no answer) counts as public, and as shared with someone unknown: the
safe side both ways (bot.workspace.audience.UNKNOWN). Called after the ack, with no database session open (Slack
calls never hold one); inside a session, `known_audience` answers from what Slack said lately, or UNKNOWN.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.workspace.audience import INTERNAL, UNKNOWN, Audience

log = logging.getLogger(__name__)

TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class _Known:
    public: bool
    audience: Audience | None  # None: only its privacy is known (a slash command's channel_name said it)
    at: datetime


_known: dict[tuple[str, str], _Known] = {}
_lock = threading.Lock()


def public_in(answer: dict) -> bool:
    """Whether a conversations.info `channel` object is a public channel."""
    return not (answer.get("is_private") or answer.get("is_im") or answer.get("is_mpim") or answer.get("is_group"))


def audience_in(answer: dict, team_id: str) -> Audience:
    """Who reads a conversations.info `channel` object, seen from workspace `team_id`: the other workspaces in it.
    `is_ext_shared` with no `shared_team_ids` (an older answer) is shared with someone unknown: still shared."""
    if not (answer.get("is_ext_shared") or answer.get("is_pending_ext_shared")):
        return INTERNAL
    others = tuple(t for t in answer.get("shared_team_ids") or () if t and t != team_id)
    return Audience(external_teams=others) if others else UNKNOWN


def _fresh(team_id: str, channel_id: str, now: datetime) -> _Known | None:
    with _lock:
        known = _known.get((team_id, channel_id))
    return known if known is not None and timedelta(0) <= now - known.at < TTL else None


def _ask(client: WebClient, team_id: str, channel_id: str, now: datetime) -> _Known | None:
    """Slack's answer, remembered; None when Slack would not say."""
    if channel_id[:1] == "D":  # a DM's id says so; no need to ask
        found = _Known(False, INTERNAL, now)
    else:
        try:
            answer = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as err:
            log.info("conversations.info %s: %s; treated as public and shared", channel_id,
                     err.response.get("error"))
            return None
        except Exception:  # noqa: BLE001 - no answer (a timeout, Slack down): the safe side, asked again next time
            log.info("conversations.info %s: no answer; treated as public and shared", channel_id)
            return None
        found = _Known(public_in(answer), audience_in(answer, team_id), now)
    with _lock:
        _known[(team_id, channel_id)] = found
    return found


def is_public(client: WebClient, team_id: str, channel_id: str, now: datetime) -> bool:
    known = _fresh(team_id, channel_id, now) or _ask(client, team_id, channel_id, now)
    return True if known is None else known.public


def audience(client: WebClient, team_id: str, channel_id: str | None, now: datetime) -> Audience:
    """Who reads the channel (bot.workspace.audience): asks Slack unless it said lately. No channel (a DM's reply,
    nowhere) is the host's own. Slack not saying is UNKNOWN: treated as shared."""
    if not channel_id:
        return INTERNAL
    known = _fresh(team_id, channel_id, now)
    if known is None or known.audience is None:
        known = _ask(client, team_id, channel_id, now)
    return UNKNOWN if known is None or known.audience is None else known.audience


def known_audience(team_id: str, channel_id: str | None, now: datetime) -> Audience:
    """Who reads the channel without asking Slack (for work inside a database session): a DM's id says it is the
    host's own; otherwise what Slack said within TTL. Never asked, or asked too long ago: UNKNOWN, so treated as
    shared (the safe side: the customer's view is shown)."""
    if not channel_id or channel_id[:1] == "D":
        return INTERNAL
    known = _fresh(team_id, channel_id, now)
    return UNKNOWN if known is None or known.audience is None else known.audience


def note(team_id: str, channel_id: str, now: datetime, *, ext_shared: bool) -> None:
    """What an event said of its channel (`is_ext_shared_channel`, or `channel_shared` / `channel_unshared`): an
    answer remembered that disagrees (a channel shared since Slack was asked, or no longer) is forgotten, so the
    next post asks Slack afresh, with whom. Until then the channel counts as shared (UNKNOWN): the safe side."""
    with _lock:
        known = _known.get((team_id, channel_id))
        if known is not None and (known.audience is None or known.audience.shared != ext_shared):
            _known.pop((team_id, channel_id), None)


def known_private(team_id: str, channel_id: str, now: datetime) -> bool:
    """Whether the channel is known not to be public without asking Slack (for work inside a database session): a
    DM's id says so, or Slack said so within TTL. Anything else (never asked, or asked too long ago) is not known
    private: the safe side."""
    if channel_id[:1] == "D":
        return True
    known = _fresh(team_id, channel_id, now)
    return known is not None and not known.public


def is_public_here(client: WebClient, team_id: str, channel_id: str, channel_name: str, now: datetime) -> bool:
    """Where a slash command was typed: its channel_name says when it is not public ("privategroup",
    "directmessage", "mpdm-…"); otherwise Slack is asked (a channel's own name may be a private channel's too).
    A private channel may still be shared with another organisation: `audience` asks that."""
    if channel_name in ("privategroup", "directmessage") or channel_name.startswith("mpdm-"):
        with _lock:  # private; whether it is shared with another organisation is Slack's to say (`audience`)
            known = _known.get((team_id, channel_id))
            shared = known.audience if known is not None and timedelta(0) <= now - known.at < TTL else None
            _known[(team_id, channel_id)] = _Known(False, INTERNAL if channel_name == "directmessage" else shared, now)
        return False
    return is_public(client, team_id, channel_id, now)


def forget() -> None:
    """Forget every answer (a new workspace in the tests' stand-in, where channel ids are reused)."""
    with _lock:
        _known.clear()
