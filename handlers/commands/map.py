from bot import service_map
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from messages import render_message
from models import Service


@registry.command("map", "/slm map [service or party]",
                  "Who consumes, supports and supplies what, and over which activities")
def show_map(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    team = req.actor.team_id
    # read, then close, then answer: no connection waits on Slack; a read holds up no ack (no write lock)
    with req.deps.db.read_session() as session:
        message = _map_message(session, team, one_name(req.args))
    req.respond(**message)


def _map_message(session, team: str, asked: str) -> dict:
    if not asked:
        return render_message("map.yml.j2", services=service_map.service_views(session, team), focus=None)
    found = service_map.find(session, team, asked)
    if found is None:
        return render_message("map_unknown.yml.j2", asked=asked, known=service_map.known_names(session, team))
    if isinstance(found, Service):
        return render_message("map.yml.j2", services=service_map.service_views(session, team, found.id), focus=found)
    return render_message("party.yml.j2", view=service_map.party_view(session, team, found.id))
