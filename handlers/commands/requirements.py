from bot import requirements, service_map
from bot.measurements import achievement
from bot.errors import InvalidInput
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.flows import shared_channel
from handlers.paging import pager
from bot.workspace.audience import Item, may_see, shared_with
from messages import render_message
from models import Party


@registry.command("requirements", "/slm requirements <service or customer>",
                  "What customers asked for, grouped by kind, with who said what and conflicting asks side by side", pages=True)
def list_requirements(req: SlashRequest) -> None:
    team = req.actor.team_id
    asked = one_name(req.args)
    if not asked:
        raise InvalidInput({"subject": "Name a service or a customer, like `/slm requirements Payroll`."})
    # Who reads the channel, asked first (no session held): shared with a customer, only that customer's asks.
    audience = shared_channel.audience_here(req.client, req.deps, team, req.channel_id)
    with req.deps.db.session() as session:  # read, then close, then answer: no connection waits on Slack
        found = service_map.find(session, team, asked)
        if found is not None and not may_see(audience, Item.REQUIREMENT,
                                             party_id=found.id if isinstance(found, Party) else None):
            # a service (every customer's asks), or another party: in a shared channel, only the customer here
            message = render_message("shared_channel.yml.j2", kind="only_here", why=shared_with(audience),
                                     subject="Only the requirements of the customer here are listed in this channel")
        elif found is None:
            known, total = service_map.some_names(session, team)
            message = render_message("map_unknown.yml.j2", asked=asked, known=known, known_total=total)
        else:
            listing = requirements.listing(session, team, found, req.offset)
            ids = [r.id for _category, reqs in listing.by_category for r in reqs]
            message = render_message("req_list.yml.j2", listing=listing, pager=pager(req, listing.page, "requirements"),
                                     achieved=achievement.for_requirements(session, team, ids, req.actor.at()))
    req.respond(**message)
