"""The App Home tab: the person's roles, the map at a glance, and buttons to change it."""
from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import agreements, coverage, service_map
from bot.permissions import Capability, can
from messages import render
from models import AgreementKind


def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    actor = context["actor"]
    with context["deps"].db.session() as session:
        services = service_map.service_views(session, actor.team_id)
        parties = service_map.list_parties(session, actor.team_id)
        rows = [{"kind": AgreementKind(a.kind).label, "name": a.name, "status": agreements.status_line(a),
                 "link": a.permalink} for a in agreements.list_agreements(session, actor.team_id)]
        open_actions = coverage.actions(session, actor.team_id)
    client.views_publish(user_id=actor.user_id, view=render(
        "home.yml.j2", services=services, parties=parties, agreements=rows, open_actions=open_actions,
        today=actor.today(), can_edit=can(actor, Capability.EDIT_MAP), actor=actor))
