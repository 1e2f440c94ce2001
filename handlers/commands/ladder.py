"""`/slm ladder`: the escalation ladders (bot.breaches.ladders) and the priority callback (bot.breaches.callbacks)."""
from __future__ import annotations

import re

from bot import agreements
from bot.breaches import callbacks, ladders
from bot.errors import InvalidInput
from bot.workspace.permissions import Capability, can, require
from handlers import registry
from handlers.commands.router import SlashRequest
from handlers.flows import agreement_thread
from handlers.replies import tell
from handlers.paging import pager
from messages import render_message
from models import Party

SHOWN = 20  # targets with their own ladder a page, a section each (steps are at most 500 characters): 20 + 4 blocks
_TARGET = re.compile(r"\s(T[0-9]{1,3})(?:\s+|$)", re.IGNORECASE)


@registry.command("ladder", "/slm ladder [<sla> <target> <steps>]",
                  "The escalation ladders: the organisation's and each target's own; a target's is a term of its "
                  "agreement, proposed as its next version, e.g. `/slm ladder Acme Payroll T1 50% group; 75% group "
                  "manager; breach; +30m service-managers priority` (“default”: the organisation's again)", pages=True)
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
    require(req.actor, Capability.SET_LADDER)  # the provider's escalation: before who may propose to the agreement
    with req.deps.db.session() as session:
        agreement = ladders.find_agreement(session, req.actor.team_id, name)
        # A term of the agreement: proposed as its next version, as `/slm sla limit` proposes a workload limit.
        reason = (f"Escalation ladder of {key.upper()}: the organisation's" if ladders.clears(steps)
                  else f"Escalation ladder of {key.upper()}: {steps[:300]}")
        change = ladders.LadderChange(key, steps)
        made = agreements.propose(session, req.actor, agreement, change, reason, req.deps.docs)
        target = change.target
        agreed = ladders.effective(session, target)
        # `priority` does nothing without the callback: said now, not found out at a breach
        unheard = (ladders.raises_priority(ladders.proposed(session, target))
                   and callbacks.get(session, req.actor.team_id) is None)
        party = session.get(Party, agreement.counterparty_id)
        shown = {"agreement": agreement.name, "target": target.key, "number": made.version.number,
                 "changes": made.version.changes, "counterparty": party.name if party else "the other side",
                 "in_force": ladders.describe(agreed), "agreed": agreement.agreed_version is not None,
                 "steps": ladders.describe(ladders.proposed(session, target)), "organisation": ladders.clears(steps),
                 "no_callback": unheard}
        agreement_id, channel = agreement.id, agreement.channel_id
    req.context["done"] = f"Version {shown['number']} of {shown['agreement']} proposed ({shown['target']}'s ladder)"
    req.respond(**render_message("ladder.yml.j2", organisation=None, own=[], pager=None, callback=None,
                                 callback_set=False, changed=shown))
    try:
        agreement_thread.post_version(req.client, req.deps, req.actor, agreement_id, warning=made.warning)
    except agreement_thread.ThreadIncomplete as stopped:  # recorded; `/slm sla post` finishes what is left
        tell(req.client, req.actor, channel, stopped.progress.message(made.warning))


@registry.command("ladder callback", "/slm ladder callback <url>",
                  "Where a ladder's “priority” step POSTs to raise a ticket's priority; its signing secret is shown "
                  "once")
def ladder_callback(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        secret = callbacks.set_callback(session, req.actor, req.args, callbacks.policy(req.deps.settings))
        url = callbacks.redact(callbacks.get(session, req.actor.team_id).url)
    req.context["done"] = "The priority callback is set"
    req.respond(**render_message("ladder_callback.yml.j2", url=url, secret=secret))
