"""The App Home tab: the person's roles, the map at a glance, and buttons to change it."""
from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import service_map
from bot.permissions import Capability, can
from messages import render


def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    actor = context["actor"]
    with context["deps"].db.session() as session:
        services = service_map.service_views(session, actor.team_id)
        parties = service_map.list_parties(session, actor.team_id)
    client.views_publish(user_id=actor.user_id, view=render("home.yml.j2", services=services, parties=parties,
                                                            can_edit=can(actor, Capability.EDIT_MAP), actor=actor))
