"""The App Home tab: the person's roles, the map at a glance, their open actions, and buttons to change it."""
from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import actions, agreements, service_map
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can
from handlers import registry
from handlers.presenters.home import action_lines, overdue_count
from messages import render
from models import AgreementKind

HOME_ACTIONS = 10  # open actions listed on the tab, each a block with its Done; the rest are counted (100 blocks)


@registry.event("app_home_opened")
def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    publish(client, context["deps"], context["actor"])


def publish(client: WebClient, deps, actor: Actor) -> None:
    """Draw the tab for this person (also after they close an action from it)."""
    with deps.db.session() as session:
        services = service_map.service_views(session, actor.team_id)
        parties = service_map.list_parties(session, actor.team_id)
        rows = [{"kind": AgreementKind(a.kind).label, "name": a.name, "status": agreements.status_line(a),
                 "link": a.permalink} for a in agreements.list_agreements(session, actor.team_id)]
        open_actions = actions.list_actions(session, actor.team_id)
        listed = open_actions[:HOME_ACTIONS]
        owner_parties = {a.number: service_map.get_party(session, a.team_id, a.owner_party_id).name
                         for a in listed if a.owner_party_id}
        closable = {a.number for a in listed if actions.may_close(actor, a)}
    client.views_publish(user_id=actor.user_id, view=render(
        "home.yml.j2", services=services, parties=parties, agreements=rows,
        listed=action_lines(listed, owner_parties, closable, actor.today()), more=len(open_actions) - len(listed),
        overdue=overdue_count(open_actions, actor.today()), can_edit=can(actor, Capability.EDIT_MAP)))
