"""`/slm ladder`: the escalation ladders (bot.breaches.ladders) and the priority callback (bot.breaches.callbacks)."""
from __future__ import annotations

import re

from bot.breaches import callbacks, ladders
from bot.errors import InvalidInput
from bot.workspace.permissions import Capability, can
from handlers import registry
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from messages import render_message

SHOWN = 20  # targets with their own ladder a page, a section each (steps are at most 500 characters): 20 + 4 blocks
_TARGET = re.compile(r"\s(T[0-9]{1,3})(?:\s+|$)", re.IGNORECASE)


@registry.command("ladder", "/slm ladder [<sla> <target> <steps>]",
                  "The escalation ladders: the organisation's and each target's own, e.g. `/slm ladder Acme Payroll T1 "
                  "50% group; 75% group manager; breach; +30m service-managers priority` (“default”: the "
                  "organisation's again)", pages=True)
def ladder(req: SlashRequest) -> None:
    text = req.args.strip()
    if not text:
        with req.deps.db.read_session() as session:
            organisation = ladders.organisation_ladder(session, req.actor.team_id)
            page = ladders.listing(session, req.actor.team_id, req.offset, SHOWN)
            callback = callbacks.get(session, req.actor.team_id)
        # The callback's address is for those who may change it (it names the ticket tool's endpoint), redacted.
        shown = callbacks.redact(callback.url) if callback and can(req.actor, Capability.SET_LADDER) else None
        req.respond(**render_message("ladder.yml.j2", organisation=ladders.describe(organisation), own=page.rows,
                                     pager=pager(req, page, "targets with their own ladder"), callback=shown,
                                     callback_set=callback is not None, changed=None))
        return
    found = _TARGET.search(" " + text)
    if found is None:
        raise InvalidInput({"target": "Name the SLA, its target and the steps, e.g. `/slm ladder Acme Payroll T1 "
                                      f"{ladders.EXAMPLE}`."})
    name, key, steps = (" " + text)[:found.start()].strip(), found.group(1), (" " + text)[found.end():].strip()
    if not name:
        raise InvalidInput({"sla": "Name the SLA first, then its target, e.g. `/slm ladder Acme Payroll T1 …`."})
    with req.deps.db.session() as session:
        target, now_climbs = ladders.set_target_ladder(session, req.actor, name, key, steps)
        # `priority` does nothing without the callback: said now, not found out at a breach
        unheard = (ladders.raises_priority(ladders.effective(session, req.actor.team_id, target.id))
                   and callbacks.get(session, req.actor.team_id) is None)
        shown = {"agreement": name, "target": target.key, "steps": now_climbs,
                 "organisation": ladders.clears(steps), "no_callback": unheard}
    req.context["done"] = f"The ladder of {target.key} is set"
    req.respond(**render_message("ladder.yml.j2", organisation=None, own=[], pager=None, callback=None,
                                 callback_set=False, changed=shown))


@registry.command("ladder callback", "/slm ladder callback <url>",
                  "Where a ladder's “priority” step POSTs to raise a ticket's priority; its signing secret is shown "
                  "once")
def ladder_callback(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        secret = callbacks.set_callback(session, req.actor, req.args, callbacks.policy(req.deps.settings))
        url = callbacks.redact(callbacks.get(session, req.actor.team_id).url)
    req.context["done"] = "The priority callback is set"
    req.respond(**render_message("ladder_callback.yml.j2", url=url, secret=secret))
