"""The names of a party's contacts, learnt from Slack when they are named, so that an agreement's document (whose
contacts table is rendered from the names the bot knows, bot.agreements.versions.snapshot) shows "Carol Customer"
rather than a raw id for someone who has not used the bot yet.

Called after the ack, with no database session held across a Slack call. A name Slack will not give is left to be
learnt when that person next uses the bot (handlers.middleware).
"""
from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import service_map
from bot.workspace import roles as members

log = logging.getLogger(__name__)


def learn(deps, client: WebClient, team_id: str, user_ids: list[str]) -> None:
    """Also: a contact Slack says is of another workspace (picked from a Slack Connect channel) is recorded as that
    workspace's person, as `/slm party contact` records them, so they can act for their party."""
    with deps.db.read_session() as session:
        known = {u: members.get(session, team_id, u) for u in dict.fromkeys(user_ids)}
    unknown = [u for u, m in known.items() if not getattr(m, "name", "")]
    elsewhere = {u: m.home_team for u, m in known.items() if getattr(m, "home_team", None) not in (None, "", team_id)}
    for user_id in unknown:
        try:
            user = client.users_info(user=user_id)["user"]
        except (SlackApiError, OSError) as err:
            log.info("users.info %s: %s; their name is learnt later", user_id, getattr(err, "response", {}) or err)
            continue
        with deps.db.session() as session:
            members.remember(session, team_id, user_id, name=user.get("real_name") or user.get("name", ""),
                             tz=user.get("tz") or "UTC", is_admin=members.admin_here(user, team_id),
                             now=deps.clock.now(), home_team=members.home_team(user, team_id))
        elsewhere[user_id] = members.home_team(user, team_id)
    if any(home != team_id for home in elsewhere.values()):
        with deps.db.session() as session:
            for user_id, home in elsewhere.items():
                service_map.place_contacts(session, team_id, user_id, home)
