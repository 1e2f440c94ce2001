"""`/slm record [outage|ticket]`: record an outage or a ticket by hand (a modal)."""
from __future__ import annotations

from bot.workspace.permissions import Capability, require
from handlers.commands.router import SlashRequest, subcommand
from handlers.views import record_form

WHAT = {"outage": "outage", "outages": "outage", "ticket": "ticket", "tickets": "ticket", "incident": "ticket"}


@subcommand("record", "/slm record [outage|ticket]",
            "Record an outage or a ticket by hand, where no monitoring or ticket tool sends them")
def record(req: SlashRequest) -> None:
    require(req.actor, Capability.RECORD_MEASUREMENT)
    record_form.open(req.client, req.trigger_id, req.deps, req.actor, channel_id=req.channel_id,
                     what=WHAT.get(req.args.strip().lower()))
