from bot import service_map
from bot.workspace.audience import shared_with
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.flows import shared_channel
from handlers.paging import pager
from messages import render_message
from models import Service

SERVICES_A_PAGE = 20  # each a section of a few lines: the page and its foot stay well within 50 blocks
LINKS_A_PAGE = 60     # one service's or party's links: about 4,000 characters, split across sections


@registry.command("map", "/slm map [service or party]",
                  "Who consumes, supports and supplies what, and over which activities", pages=True)
def show_map(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    # Who reads the channel, asked first (no session held): shared with a customer's workspace, it sees only them.
    audience = shared_channel.audience_here(req.client, req.deps, req.actor.team_id, req.channel_id)
    # read, then close, then answer: no connection waits on Slack; a read holds up no ack (no write lock)
    with req.deps.db.read_session() as session:
        message = (_customers_map(session, req, audience) if audience.shared
                   else _map_message(session, req, one_name(req.args)))
    req.respond(**message)


def _customers_map(session, req: SlashRequest, audience) -> dict:
    """In a channel shared with another organisation: the services its customers consume, and only them as their
    consumers; no other customer, support group or supplier (bot.workspace.audience). Whatever was asked for."""
    page = service_map.customers_links_page(session, req.actor.team_id, audience.customers, req.offset,
                                            LINKS_A_PAGE)
    services = {lv.service.id: lv.service for lv in page.rows}
    views = [service_map.view_of(s, [lv for lv in page.rows if lv.service.id == s.id]) for s in services.values()]
    message = render_message("map.yml.j2", services=views, focus=None, pager=pager(req, page, "links"),
                             customers_only=True)
    names = " and ".join(audience.customer_names) or "this channel's customers"
    note = render_message("shared_channel.yml.j2", kind="map_note", subject=names, why=shared_with(audience))
    return shared_channel.with_note(message, note)


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
