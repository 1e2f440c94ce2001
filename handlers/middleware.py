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

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk.errors import SlackApiError

from bot import channel_privacy, text
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from bot.errors import DomainError

log = logging.getLogger(__name__)
# The interactions a person makes: each is acted on as someone, so each must say who.
PERSON_ACTS = ("block_actions", "block_suggestion", "view_submission", "view_closed", "shortcut", "message_action")


class RightsUnconfirmed(DomainError):
    """Slack did not answer when asked who someone is, and what they asked for needs to know."""


def resolve_actor(deps, team_id: str, user_id: str, *, reread: bool = False, payload_team: str | None = None) -> Actor:
    """Who is acting. `reread` asks Slack afresh (not the cache), as a role grant or revoke must.

    `payload_team`: the person's own workspace as the signed request says it (an interaction's `user.team_id`, an
    event's `user_team`). In a Slack Connect channel it is another organisation's; users.info says the same (and is
    what a slash command, which carries no such field, relies on), but when Slack will not answer users.info for
    such a person the request's word is used (docs.slack.dev/apis/slack-connect; bot/sandbox/connect.py)."""
    now = deps.clock.now()
    fresh = answered = False
    if not reread:
        # Before the ack: a read takes no write lock (bot/database.py). The usual case, a profile read within
        # PROFILE_TTL, is then settled in this one session: the row and the grants, two statements.
        with deps.db.read_session() as session:
            member = members.get(session, team_id, user_id)
            fresh = members.is_fresh(member, now)
            if fresh:
                roles = members.roles_of(session, team_id, user_id, member=member)
    if not fresh:
        # Before the ack: a quick call with no retries; on any trouble act with what we know, try again next time.
        try:
            client = deps.profile_client_for(team_id)  # the workspace's own token (distributed mode)
            if client is None:
                raise OSError(f"workspace {team_id} has no installation")
            user = client.users_info(user=user_id)["user"]
            home = members.home_team(user, team_id)
            home_name = known_team_name(deps, client, team_id, home) if home != team_id else ""
            with deps.db.session() as session:
                members.remember(session, team_id, user_id, name=user.get("real_name") or user.get("name", ""),
                                 tz=user.get("tz") or "UTC", is_admin=members.admin_here(user, team_id), now=now,
                                 home_team=home, home_team_name=home_name)
            answered = True
        except (SlackApiError, OSError) as err:
            log.warning("users.info failed for %s: %s", user_id, getattr(err, "response", {}) or err)
            if reread:
                raise RightsUnconfirmed("I could not check your rights with Slack just now, so nothing was changed. "
                                        "Please try again in a minute.") from None
        with deps.db.read_session() as session:
            member = members.get(session, team_id, user_id)
            roles = members.roles_of(session, team_id, user_id, member=member)
    home_team = member.home_team if member else None
    if home_team is None and payload_team and payload_team != team_id and not (fresh or answered):
        # Slack did not say who they are just now, and the signed request says they are from elsewhere: that word
        # wins over a row that says "here" only because it was written before Slack Connect was known (migration
        # 0017 made every such row stale) and is kept on the row, so a grant made before ends now.
        home_team = payload_team
        if member is not None:
            with deps.db.session() as session:
                members.note_elsewhere(session, team_id, user_id, payload_team, now)
    if home_team is not None and home_team != team_id:
        roles = frozenset()  # never a role here, whatever was granted before Slack said where they belong
    return Actor(team_id=team_id, user_id=user_id, roles=roles, tz=member.tz if member else "UTC", now=now,
                 org_tz=deps.settings.timezone, home_team=home_team,
                 home_team_name=member.home_team_name if member and member.home_team else "",
                 home_known=member is not None or home_team is not None)


def known_team_name(deps, client, team_id: str, home: str) -> str:
    """Another workspace's name for the refusals' words (only wording): the name already learnt for a person of that
    workspace stored here, else team.info; so only the first person of a workspace costs that call before the ack."""
    with deps.db.read_session() as session:
        name = members.name_of_team(session, team_id, home)
    return name or team_name(client, home)


def team_name(client, team: str) -> str:
    """Another workspace's name, for the words of a refusal: team.info answers for a workspace the token can see
    through a shared channel (docs.slack.dev/reference/methods/team.info, its `team` argument). "" if not."""
    try:
        return str((client.team_info(team=team).get("team") or {}).get("name") or "")
    except SlackApiError:
        return ""


def payload_team_of(body: dict) -> str | None:
    """The acting person's own workspace, as a signed interaction (`user.team_id`) or event (`event.user_team`) says."""
    user = body.get("user")
    if isinstance(user, dict) and user.get("team_id"):
        return user["team_id"]
    event = body.get("event")
    if isinstance(event, dict) and str(event.get("user_team") or "").startswith("T"):
        return event["user_team"]
    return None


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
    def attach_actor(context: BoltContext, body: dict, next):
        context["deps"] = deps
        if context.team_id and context.user_id:
            context["actor"] = resolve_actor(deps, context.team_id, context.user_id, payload_team=payload_team_of(body))
        elif body.get("command") or body.get("type") in PERSON_ACTS:
            # Slack always says who typed a command or pressed a button; a request that does not came from
            # something else (a stand-in, a hand-made request). Its listener would fail on the missing actor.
            log.warning("A %s with no user or team: answered with nothing and not acted on",
                        "slash command" if body.get("command") else body.get("type"))
            return BoltResponse(status=200, body="")
        next()
