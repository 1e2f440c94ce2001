from bot import service_map
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.views import link_form
from messages import render_message
from models import Service


@registry.command("link", "/slm link [service]",
                  "Link a customer, support group or supplier to a service, with the activities between them")
def add_link(req: SlashRequest) -> None:
    require(req.actor, Capability.EDIT_MAP)
    with req.deps.db.session() as session:
        services = service_map.choices.services(session, req.actor.team_id, limit=101)
        parties = service_map.choices.parties(session, req.actor.team_id, limit=101)
        found = service_map.find(session, req.actor.team_id, one_name(req.args)) if req.args else None
    if not services or not parties:
        req.respond(**render_message("link_needs_map.yml.j2", has_services=bool(services), has_parties=bool(parties)))
        return
    chosen = service_map.choices.Choice(found.id, found.name) if isinstance(found, Service) else None
    link_form.open(req.client, req.trigger_id, channel_id=req.channel_id, services=services, parties=parties,
                   chosen=chosen)
