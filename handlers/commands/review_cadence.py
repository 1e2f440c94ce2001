"""`/slm review cadence <SLA>`: the service manager proposes how the SLA is reviewed (opens the form)."""
from __future__ import annotations

from bot import agreements, reviews
from bot.errors import InvalidInput
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.flows import review_cadence
from models import AgreementKind


@registry.command("review cadence", "/slm review cadence <SLA>", "Propose how often and how an SLA is reviewed")
def cadence(req: SlashRequest) -> None:
    require(req.actor, Capability.ARRANGE_REVIEWS)
    name = one_name(req.args)
    if not name:
        raise InvalidInput({"name": "Name the SLA, like `/slm review cadence Acme Payroll`."})
    with req.deps.db.session() as session:
        agreement = agreements.by_name(session, req.actor.team_id, name, AgreementKind.SLA)
        view = review_cadence.form(session, req.actor, agreement, reviews.defaults(session, agreement), countering=False)
    req.client.views_open(trigger_id=req.trigger_id, view=view)
