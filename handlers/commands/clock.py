from bot.errors import InvalidInput
from bot.measurements import evaluate, leg_clocks, ticket_events, timeline
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.flows import shared_channel
from messages import render_message
from models import Service


@registry.command("clock", "/slm clock <ticket>",
            "A ticket's response and resolution clocks: each stretch of time counted or not, and why; each support "
            "group's leg against its OLA")
def show_clock(req: SlashRequest) -> None:
    ref = one_name(req.args)
    if not ref:
        raise InvalidInput({"ticket": "Name the ticket, as your service desk knows it, like `/slm clock INC0012345`."})
    team, now = req.actor.team_id, req.actor.at()
    with req.deps.db.session() as session:  # read, then close, then answer: no connection waits on Slack
        ticket = evaluate.ticket_by_ref(session, team, ref)
        if ticket is None:
            raise InvalidInput({"ticket": f"I know no ticket “{ref[:120]}”: senders send tickets through the API, "
                                          "the CSV import or /slm record."})
        found = evaluate.explain(session, team, ticket, now)
        outside = [] if found else evaluate.outside_term(session, team, ticket)
        events = ticket_events.events_of(session, [ticket.id]).get(ticket.id, [])
        agreed_since = timeline.agreed_since(session, found, ticket.opened_at, req.actor.tz)
        service = session.get(Service, ticket.service_id)
        legs = leg_clocks.views(leg_clocks.ticket_legs(session, team, ticket, found, now), ticket.opened_at,
                                req.actor.tz)
    message = render_message(
        "ticket_clock.yml.j2", tz=req.actor.tz, clocks=timeline.views(found, req.actor.tz),
        corrections=timeline.corrections(events, req.actor.tz), agreed_since=agreed_since, legs=legs,
        outside_term=list(dict.fromkeys(  # each agreement once, with its term
            f"{t.agreement_kind.upper()} {t.agreement_name} ({t.start.isoformat()} to {t.end.isoformat()})"
            for t in outside)),
        ticket={"ref": ticket.external_id, "priority": ticket.priority, "service": service.name if service else "?",
                "title": ticket.title, "opened": timeline.moment(ticket.opened_at, req.actor.tz),
                "resolved": timeline.moment(ticket.resolved_at, req.actor.tz) if ticket.resolved_at else None})
    if legs:
        # A support group's leg against its OLA is the provider's own: in a channel shared with another organisation
        # the clock goes by DM, saying why, as the tree does (handlers/flows/shared_channel.py).
        audience = shared_channel.audience_here(req.client, req.deps, team, req.channel_id)
        if audience.shared:
            shared_channel.send_privately(req.client, req.actor.user_id, req.channel_id, audience, message,
                                          "each support group's leg against its OLA, which is the provider's own")
            req.respond(**shared_channel.went_by_dm(f"The clocks of {ticket.external_id}", audience))
            return
    req.respond(**message)
