"""Who may read what the bot says in a channel: the one rule for a channel shared with another organisation.

A channel shared over Slack Connect has people from another workspace in it, usually the customer's. What the bot
posts or answers there shows only what that customer may see: their SLA (targets, achievement), their
requirements, reviews and the actions agreed with them. It never shows what sits beneath the SLA (OLAs,
underpinning contracts, their terms and owners), supplier names or contract references, other customers, or why a
gap in the cover was waived. The tree under an SLA and the gate's explanations are all of that, so they never go
into a shared channel at all: the handlers send them privately to the service manager instead.

`may_see` decides; the handlers and templates apply it. Nothing here knows Slack: a channel's sharing comes in as
plain data (bot.channel_privacy reads it from Slack's `conversations.info` and events' `is_ext_shared_channel`).
A channel whose sharing nobody knows (never asked, or Slack did not answer) is treated as shared: the safe side.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlmodel import Session, select

from models import Agreement, AgreementKind, Party, PartyKind


class Item(StrEnum):
    AGREEMENT = "agreement"                # an agreement: an SLA with the customer here; never an OLA or a UC
    PARTY = "party"                        # a party named on the map, a pack or a list: the customer here only
    REQUIREMENT = "requirement"            # a requirement, with the party it was recorded for
    REVIEW = "review"                      # a review (its pack, reminders, minutes), with the SLA's customer
    ACTION = "action"                      # an action, with the party it was agreed with
    WAIVER_REASON = "waiver_reason"        # why a gap in the cover was waived: internal
    CONTRACT_REFERENCE = "contract_reference"  # a supplier's contract, its reference or its renewal: internal
    COVER_TREE = "cover_tree"              # the tree under an SLA: its OLA and UC legs, owners and gaps
    GATE_DETAIL = "gate_detail"            # why *Agree* was refused: the gaps in the cover, leg by leg


NEVER_SHARED = frozenset({Item.WAIVER_REASON, Item.CONTRACT_REFERENCE, Item.COVER_TREE, Item.GATE_DETAIL})


@dataclass(frozen=True)
class Audience:
    """Who reads a channel. `external_teams`: the other workspaces in it (Slack's `shared_team_ids`, less the
    host's own); `known`: Slack said (False: nobody asked, or Slack did not answer, so it counts as shared);
    `customers`: the customer parties the channel is with (the SLAs negotiated in it), and their names."""

    external_teams: tuple[str, ...] = ()
    known: bool = True
    customers: frozenset[int] = frozenset()
    customer_names: tuple[str, ...] = field(default=())

    @property
    def shared(self) -> bool:
        return not self.known or bool(self.external_teams)


INTERNAL = Audience()                 # a channel of the host's own workspace alone, or a DM
UNKNOWN = Audience(known=False)       # nobody knows: treated as shared


def may_see(audience: Audience, item: Item, *, party_id: int | None = None, party_kind: str | None = None,
            agreement_kind: str | None = None) -> bool:
    """Whether `audience` may be shown `item`. In a channel of the host's own, everything (each command's own
    permission still applies). In a shared channel: never the internal items; an agreement only if it is an SLA
    with a customer here; a party only if it is a customer here; a requirement, review or action only if its party
    is a customer here (an internal one, with no party, never)."""
    if not audience.shared:
        return True
    if item in NEVER_SHARED:
        return False
    if item is Item.AGREEMENT and agreement_kind != AgreementKind.SLA.value:
        return False
    if item is Item.PARTY and party_kind not in (None, PartyKind.CUSTOMER.value):
        return False
    return party_id is not None and party_id in audience.customers


def shared_with(audience: Audience) -> str:
    """Why something was not posted in the channel, in words: "this channel is shared with Acme Corp's workspace"."""
    if not audience.known:
        return ("Slack has not said whether this channel is shared with another organisation, so it is treated "
                "as shared")
    if audience.customer_names:
        names = [f"{n}'s" for n in audience.customer_names]
        if len(names) == 1:
            return f"this channel is shared with {names[0]} workspace"
        return f"this channel is shared with {', '.join(names[:-1])} and {names[-1]} workspaces"
    return "this channel is shared with another organisation's workspace"


def with_customers_of(session: Session, audience: Audience, team_id: str, channel_id: str | None) -> Audience:
    """The audience, knowing which customers the channel is with: those whose channel it is (the party's own
    channel on the map) and those whose SLAs are negotiated in it. Nothing to read for a channel of the host's own."""
    if not audience.shared or not channel_id:
        return audience
    negotiated = select(Agreement.counterparty_id).where(
        Agreement.team_id == team_id, Agreement.channel_id == channel_id, Agreement.kind == AgreementKind.SLA.value)
    rows = session.exec(select(Party.id, Party.name)
                        .where(Party.team_id == team_id, Party.kind == PartyKind.CUSTOMER.value,
                               (Party.channel_id == channel_id) | Party.id.in_(negotiated))
                        .order_by(Party.name_key)).all()
    return replace(audience, customers=frozenset(r[0] for r in rows), customer_names=tuple(r[1] for r in rows))
