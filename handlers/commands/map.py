from bot import service_map
from bot.permissions import Capability, require
from handlers.commands.router import SlashRequest, subcommand
from messages import render_message
from models import Service


@subcommand("map", "/slm map [service or party]",
            "Who consumes, supports and supplies what, and over which activities")
def show_map(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    team = req.actor.team_id
    with req.deps.db.session() as session:
        if not req.args:
            req.respond(**render_message("map.yml.j2", services=service_map.service_views(session, team), focus=None))
            return
        found = service_map.find(session, team, req.args)
        if found is None:
            req.respond(**render_message("map_unknown.yml.j2", asked=req.args,
                                         known=service_map.known_names(session, team)))
        elif isinstance(found, Service):
            req.respond(**render_message("map.yml.j2", services=service_map.service_views(session, team, found.id),
                                         focus=found))
        else:
            req.respond(**render_message("party.yml.j2", view=service_map.party_view(session, team, found.id)))
