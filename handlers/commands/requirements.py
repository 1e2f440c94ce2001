from bot import requirements, service_map
from bot.measurements import achievement
from bot.errors import InvalidInput
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from messages import render_message


@registry.command("requirements", "/slm requirements <service or customer>",
                  "What customers asked for, grouped by kind, with who said what and conflicting asks side by side", pages=True)
def list_requirements(req: SlashRequest) -> None:
    team = req.actor.team_id
    asked = one_name(req.args)
    if not asked:
        raise InvalidInput({"subject": "Name a service or a customer, like `/slm requirements Payroll`."})
    with req.deps.db.session() as session:  # read, then close, then answer: no connection waits on Slack
        found = service_map.find(session, team, asked)
        if found is None:
            known, total = service_map.some_names(session, team)
            message = render_message("map_unknown.yml.j2", asked=asked, known=known, known_total=total)
        else:
            listing = requirements.listing(session, team, found, req.offset)
            ids = [r.id for _category, reqs in listing.by_category for r in reqs]
            message = render_message("req_list.yml.j2", listing=listing, pager=pager(req, listing.page, "requirements"),
                                     achieved=achievement.for_requirements(session, team, ids, req.actor.at()))
    req.respond(**message)
