from bot import service_map
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from messages import render_message
from models import Service

SERVICES_A_PAGE = 20  # each a section of a few lines: the page and its foot stay well within 50 blocks
LINKS_A_PAGE = 60     # one service's or party's links: about 4,000 characters, split across sections


@registry.command("map", "/slm map [service or party]",
                  "Who consumes, supports and supplies what, and over which activities", pages=True)
def show_map(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    # read, then close, then answer: no connection waits on Slack; a read holds up no ack (no write lock)
    with req.deps.db.read_session() as session:
        message = _map_message(session, req, one_name(req.args))
    req.respond(**message)


def _map_message(session, req: SlashRequest, asked: str) -> dict:
    team = req.actor.team_id
    if not asked:
        page = service_map.service_page(session, team, req.offset, SERVICES_A_PAGE)
        return render_message("map.yml.j2", services=page.rows, focus=None, pager=pager(req, page, "services"))
    found = service_map.find(session, team, asked)
    if found is None:
        known, total = service_map.some_names(session, team)
        return render_message("map_unknown.yml.j2", asked=asked, known=known, known_total=total)
    if isinstance(found, Service):
        page = service_map.service_links_page(session, team, found, req.offset, LINKS_A_PAGE)
        return render_message("map.yml.j2", services=[service_map.view_of(found, page.rows)], focus=found,
                              pager=pager(req, page, "links"))
    page = service_map.party_links_page(session, team, found.id, req.offset, LINKS_A_PAGE)
    view = service_map.PartyView(party=found, contacts=service_map.contacts_of(session, team, found.id), links=page.rows)
    return render_message("party.yml.j2", view=view, pager=pager(req, page, "services"))
