"""The App Home's buttons: the same modals as `/slm service add`, `/slm party add` and `/slm link`."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import service_map
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.views import link_form, party_form, service_form
from messages.ids import Action


@registry.action(Action.HOME_ADD_SERVICE)
def add_service(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    require(context["actor"], Capability.EDIT_MAP)
    service_form.open(client, body["trigger_id"], channel_id=None)


@registry.action(Action.HOME_ADD_PARTY)
def add_party(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    require(context["actor"], Capability.EDIT_MAP)
    party_form.open(client, body["trigger_id"], channel_id=None)


@registry.action(Action.HOME_ADD_LINK)
def add_link(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    require(actor, Capability.EDIT_MAP)
    with context["deps"].db.session() as session:
        services = service_map.choices.services(session, actor.team_id, limit=101)
        parties = service_map.choices.parties(session, actor.team_id, limit=101)
    link_form.open(client, body["trigger_id"], channel_id=None, services=services, parties=parties)
