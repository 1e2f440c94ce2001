"""A channel shared with another organisation (Slack Connect): who reads it, and answers sent privately instead.

`audience_here` asks Slack (bot.channel_privacy, no session held) whether the channel is shared and with which
workspaces, then reads which customers it is with (the SLAs negotiated there). The rule of what such a channel may
see is bot.workspace.audience.may_see; this module only carries its answers to Slack.

What only the provider may read (the tree under an SLA, the gate's gaps) is sent by DM, not as an ephemeral in the
shared channel. Why a DM: an ephemeral shows inside the channel's own view, where a screen shared in a review
meeting with the customer shows it too, and it is gone when Slack is reloaded; a DM is plainly the provider's own,
stays where the service manager can come back to it, and keeps its buttons. The channel gets one ephemeral line
saying where the answer went and why.
"""
from __future__ import annotations

from slack_sdk import WebClient

from bot import channel_privacy
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from bot.workspace.audience import INTERNAL, Audience, shared_with, with_customers_of
from bot.workspace.permissions import Capability, can
from messages import render_message

MESSAGE_BLOCKS = 50  # Slack's limit for a message


def audience_here(client: WebClient, deps, team_id: str, channel_id: str | None) -> Audience:
    """Who reads `channel_id`: Slack is asked (cached), then the customers the channel is with are read."""
    found = channel_privacy.audience(client, team_id, channel_id, deps.clock.now()) if channel_id else INTERNAL
    if not found.shared:
        return found
    with deps.db.read_session() as session:
        return with_customers_of(session, found, team_id, channel_id)


def of_the_host(client: WebClient, actor: Actor) -> bool:
    """A person of the host workspace who may read the map, not someone from the other organisation. Who they are
    is the actor's (connect_people's `Actor.external`, from the users.info the middleware read, or the signed
    request's `user.team_id`): an external person holds no role, so `can` is False for them. Only when Slack never
    said which workspace they belong to is users.info asked once more here (after the ack); Slack not answering
    then counts as not of the host (the safe side)."""
    if not can(actor, Capability.VIEW_MAP):
        return False
    if actor.home_known:
        return True
    try:
        profile = client.users_info(user=actor.user_id)["user"]
    except Exception:  # noqa: BLE001 - refused or no answer: not known to be the provider's own
        return False
    return members.home_team(profile, actor.team_id) == actor.team_id


def with_note(message: dict, note: dict) -> dict:
    """`message` with `note`'s block on top, within Slack's 50 blocks (the last block gives way)."""
    blocks = note["blocks"] + list(message.get("blocks") or [])
    return {**message, "blocks": blocks[:MESSAGE_BLOCKS]}


def send_privately(client: WebClient, user_id: str, channel_id: str, audience: Audience, message: dict,
                   what: str) -> None:
    """`message` by DM to `user_id`, saying at its top why it is not in the channel."""
    note = render_message("shared_channel.yml.j2", kind="private_note", channel_id=channel_id,
                          why=shared_with(audience), what=what)
    client.chat_postMessage(channel=user_id, **with_note(message, note))


def went_by_dm(subject: str, audience: Audience) -> dict:
    return render_message("shared_channel.yml.j2", kind="went_by_dm", subject=subject, why=shared_with(audience))


def not_here(subject: str, audience: Audience) -> dict:
    return render_message("shared_channel.yml.j2", kind="not_here", subject=subject, why=shared_with(audience))
