"""`/slm underpin`, `/slm tree`, `/slm check`: what sits beneath each SLA target."""
from __future__ import annotations

import re

from bot import agreements
from bot import cover as coverage
from bot.errors import InvalidInput
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.flows import shared_channel
from handlers.presenters.choices import leg_groups
from handlers.presenters.cover import buttons_for, capability_view, describe, tree_view
from handlers.replies import metadata
from messages import render, render_message
from models import AgreementKind

NUMBER = re.compile(r"^#?(\d{1,9})$")  # nine digits at most: a longer one overflows an INTEGER id on PostgreSQL


def _sla(req: SlashRequest, session, usage: str):
    if not req.args:
        raise InvalidInput({"name": f"Name the SLA, like `{usage}`."})
    return agreements.by_name(session, req.actor.team_id, one_name(req.args), AgreementKind.SLA)


@registry.command("underpin", "/slm underpin <sla>", "Put OLA and contract targets beneath an SLA's targets")
def underpin(req: SlashRequest) -> None:
    require(req.actor, Capability.DRAFT_AGREEMENT)
    with req.deps.db.session() as session:
        sla = _sla(req, session, "/slm underpin Acme Retail: Payroll")
        sla_targets = [(t.id, f"{t.key} {describe(t)}") for t in agreements.targets_of(session, sla)]
        # One more than a select holds: past 100 the select searches as the person types (handlers/options/),
        # so the work before views.open is one page of rows however many OLAs and contracts there are.
        found = coverage.leg_target_choices(session, req.actor.team_id, limit=101)
        groups = leg_groups(found[:100])
        empty = [] if groups else [(AgreementKind(a.kind).label, a.name)
                                   for a in coverage.agreements_without_targets(session, req.actor.team_id)]
    if not sla_targets or not groups:  # say what is missing: the SLA's targets, the OLAs and contracts, or theirs
        req.respond(**render_message("underpin_nothing.yml.j2", name=sla.name, has_targets=bool(sla_targets),
                                     empty=empty))
        return
    req.client.views_open(trigger_id=req.trigger_id, view=render(
        "underpin_form.yml.j2", agreement=sla, sla_targets=sla_targets[:100], leg_groups=groups,
        leg_search=len(found) > 100, private_metadata=metadata(agreement_id=sla.id, channel_id=req.channel_id)))


@registry.command("tree", "/slm tree <sla>", "The whole tree under an SLA: each target's legs, owners and cover")
def show_tree(req: SlashRequest) -> None:
    # The tree is OLAs, contracts, their owners and waivers: in a channel shared with another organisation it goes
    # by DM to the provider's own person asking, never into the channel (handlers/flows/shared_channel.py).
    audience = shared_channel.audience_here(req.client, req.deps, req.actor.team_id, req.channel_id)
    if audience.shared and not shared_channel.of_the_host(req.client, req.actor):
        req.respond(**shared_channel.not_here("The tree under an SLA", audience))
        return
    with req.deps.db.session() as session:
        sla = _sla(req, session, "/slm tree Acme Retail: Payroll")
        message = render_message("coverage_tree.yml.j2", agreement=sla,
                                 nodes=tree_view(coverage.tree(session, sla, req.actor.today(), at=req.actor.at())),
                                 waivers=coverage.waivers_of(session, sla), **buttons_for(req.actor))
    _answer(req, audience, message, f"The tree under {sla.name}", "the OLAs and underpinning contracts beneath it")


def _answer(req: SlashRequest, audience, message: dict, subject: str, what: str) -> None:
    """Answered where asked; in a shared channel by DM instead, with a line in the channel saying so."""
    if not audience.shared:
        req.respond(**message)
        return
    shared_channel.send_privately(req.client, req.actor.user_id, req.channel_id, audience, message, what)
    req.respond(**shared_channel.went_by_dm(subject, audience))


@registry.command("check", "/slm check <#requirement>",
                  "Could the existing OLAs and contracts meet a requirement, and what would need upgrading")
def check_requirement(req: SlashRequest) -> None:
    found = NUMBER.match(req.args.strip())
    if not found:
        raise InvalidInput({"number": "Name the requirement by its number, like `/slm check #12`."})
    audience = shared_channel.audience_here(req.client, req.deps, req.actor.team_id, req.channel_id)
    if audience.shared and not shared_channel.of_the_host(req.client, req.actor):
        req.respond(**shared_channel.not_here("What the OLAs and contracts could meet", audience))
        return
    with req.deps.db.session() as session:
        result = coverage.check_requirement(session, req.actor.team_id, int(found.group(1)), req.actor.today())
        message = render_message("capability_check.yml.j2", result=capability_view(result))
    _answer(req, audience, message, f"The check of requirement #{found.group(1)}",
            "which OLAs and underpinning contracts could meet it")

