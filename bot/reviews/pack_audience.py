"""A review pack, and a relationship view, as the customer may see it, in a channel shared with their workspace (bot.workspace.audience).

Their SLA's achievement, credits (as bot.agreements.terms allows), breaches and the actions taken stay. What lies
beneath the SLA goes: the waivers of gaps in its cover (the OLAs and contracts, and why a gap was accepted), the
underpinning contracts renewing, and the known risks (written by the service managers for the provider's side,
often naming a supplier). A breach's or an action's owner that is not the customer reads "the provider", and the
notes people wrote on a breach (its causes, often a supplier's or an internal team's fault) are left out.
"""
from __future__ import annotations

from dataclasses import replace

from bot.reviews.pack import Pack
from bot.reviews.pack_preview import ActionLine, Actions
from bot.reviews.relationship import Relationship

PROVIDER = "the provider"


def for_customer(pack: Pack) -> Pack:
    def owner(name: str | None) -> str | None:
        return name if not name or name == pack.customer else PROVIDER

    def action(line: ActionLine) -> ActionLine:
        return replace(line, owner=owner(line.owner))

    acts = pack.actions
    return replace(
        pack,
        breaches=[replace(b, owner=owner(b.owner), causes=[]) for b in pack.breaches],
        actions=Actions([action(a) for a in acts.opened], acts.opened_more, [action(a) for a in acts.done],
                        acts.done_more, [action(a) for a in acts.overdue], acts.overdue_more),
        previous_actions=[action(a) for a in pack.previous_actions],
        verified=[action(a) for a in pack.verified],
        waivers=[],
        preview=replace(pack.preview, renewals=[], renewals_more=0, risks=[], risks_more=0),
    )


def relationship_for_customer(view: Relationship) -> Relationship:
    """A customer's relationship view without what lies beneath their SLAs: waivers of gaps in cover, and the
    contracts renewing beneath them."""
    return replace(view, waivers=[], waivers_more=0, renewals=[], renewals_more=0, for_customer=True)
