"""Before any listener runs: what was typed is made storable, and who is acting is resolved.

Every string Slack sends (slash-command text, modal values, a quoted message, a
select's value) loses its control characters here, once: this is the one door typed
text comes in by, so no listener, form reader or model needs to remember to do it.

The person's Slack profile (admin flag, time zone) is read with users.info and kept
for ten minutes (bot/workspace/roles.py), so most requests make no extra Slack call; admin
rights count only for the workspace whose admin Slack says the person is.
"""
from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk.errors import SlackApiError

from bot import channel_privacy, text
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from bot.errors import DomainError

log = logging.getLogger(__name__)


class RightsUnconfirmed(DomainError):
    """Slack did not answer when asked who someone is, and what they asked for needs to know."""


def resolve_actor(deps, team_id: str, user_id: str, *, reread: bool = False) -> Actor:
    """Who is acting. `reread` asks Slack afresh (not the cache), as a role grant or revoke must."""
    now = deps.clock.now()
    fresh = False
    if not reread:
        with deps.db.read_session() as session:  # before the ack: a read takes no write lock (bot/database.py)
            fresh = members.is_fresh(members.get(session, team_id, user_id), now)
    if not fresh:
        # Before the ack: a quick call with no retries; on any trouble act with what we know, try again next time.
        try:
            client = deps.profile_client_for(team_id)  # the workspace's own token (distributed mode)
            if client is None:
                raise OSError(f"workspace {team_id} has no installation")
            user = client.users_info(user=user_id)["user"]
            with deps.db.session() as session:
                members.remember(session, team_id, user_id, name=user.get("real_name") or user.get("name", ""),
                                 tz=user.get("tz") or "UTC", is_admin=members.admin_here(user, team_id), now=now,
                                 home_team=members.home_team(user, team_id))
        except (SlackApiError, OSError) as err:
            log.warning("users.info failed for %s: %s", user_id, getattr(err, "response", {}) or err)
            if reread:
                raise RightsUnconfirmed("I could not check your rights with Slack just now, so nothing was changed. "
                                        "Please try again in a minute.") from None
    with deps.db.read_session() as session:
        member = members.get(session, team_id, user_id)
        roles = members.roles_of(session, team_id, user_id)
    return Actor(team_id=team_id, user_id=user_id, roles=roles, tz=member.tz if member else "UTC", now=now,
                 org_tz=deps.settings.timezone)


def make_storable(node) -> None:
    """Drop control characters from every string in a Slack payload, in place (keys are ours, not typed)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, str):
            node[key] = text.storable(value)
        else:
            make_storable(value)


def register(app: App, deps) -> None:
    @app.middleware
    def clean_typed_text(body: dict, next):
        make_storable(body)
        next()

    @app.middleware
    def note_shared_channels(body: dict, next):
        # Slack says so of an event's channel (`is_ext_shared_channel`, the outer payload), and when a channel
        # becomes shared or stops being (`channel_shared`, `channel_unshared`): bot.channel_privacy remembers it.
        event = body.get("event") if isinstance(body.get("event"), dict) else {}
        team, channel = body.get("team_id"), event.get("channel")
        if team and isinstance(channel, str) and channel:
            if event.get("type") in ("channel_shared", "channel_unshared"):
                channel_privacy.note(team, channel, deps.clock.now(), ext_shared=event["type"] == "channel_shared")
            elif body.get("is_ext_shared_channel"):
                channel_privacy.note(team, channel, deps.clock.now(), ext_shared=True)
        next()

    @app.middleware
    def attach_actor(context: BoltContext, next):
        context["deps"] = deps
        if context.team_id and context.user_id:
            context["actor"] = resolve_actor(deps, context.team_id, context.user_id)
        next()
