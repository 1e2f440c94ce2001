from bot import service_map
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.views.requirement_flow import Flow, open_who
from models import PartyKind, Service


@registry.command("require", "/slm require [service]",
                  "Record what a customer needs from a service: a short interview that follows your answers")
def record_requirement(req: SlashRequest) -> None:
    require(req.actor, Capability.RECORD_REQUIREMENT)
    team = req.actor.team_id
    found = None
    if req.args:
        with req.deps.db.session() as session:
            found = service_map.find(session, team, one_name(req.args))
    flow = Flow(kind="interview", said_by=req.actor.user_id, channel_id=req.channel_id,
                service_id=found.id if isinstance(found, Service) else None,
                customer_id=found.id if found is not None and getattr(found, "kind", None) == PartyKind.CUSTOMER else None)
    missing = open_who(req.client, req.trigger_id, req.deps, req.actor, flow)
    if missing is not None:
        req.respond(**missing)
