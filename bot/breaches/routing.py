"""Who hears of a breach, and what the legs beneath its target promise.

The support group that owns the breached target's OLA leg hears first, in its own notice channel; where the ticket
names an assigned group, that group. A UC leg also tells the service managers, who speak to the supplier. A target
with no leg goes to the service managers, saying that it has no owner; so does one whose owner has no channel.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from bot import cover
from bot.agreements import targets
from bot.measurements import leg_clocks
from models import Agreement, AgreementKind, Breach, Party, PartyKind, Target


@dataclass(frozen=True)
class LegPromise:
    kind: str     # "OLA" or "UC"
    owner: str    # the support group or supplier
    promise: str  # "P1 resolution 3h"
    stage: int


@dataclass(frozen=True)
class Route:
    owner: Party | None           # who owns the target's fix; None: nobody (no leg, no assigned group)
    recipients: list[str]         # channels, and service managers' user ids (DMs); the first hears first
    legs: list[LegPromise] = field(default_factory=list)
    no_leg: bool = False          # an SLA target with nothing beneath it
    owner_without_channel: bool = False
    supplier_involved: bool = False  # a UC leg: the service managers speak to the supplier


def promise(target: Target) -> str:
    """A target in a few words, its number included: "P1 resolution 4h", "Availability 99.9%"."""
    what = targets.short(target.kind, target.level, target.metric_name)
    if target.duration:
        return f"{what} {target.duration}"
    if target.threshold:
        return f"{what} under {target.threshold}"
    return f"{what} {target.goal}" if target.goal else what


def legs_of(session: Session, target: Target) -> list[tuple[LegPromise, Party, Agreement]]:
    """The OLA and UC targets beneath an SLA target, in stage order (those removed from a never-agreed draft left out)."""
    out = []
    for link in cover.links_under(session, target):
        leg = session.get(Target, link.leg_target_id)
        agreement = session.get(Agreement, leg.agreement_id)
        if leg.retired and agreement.agreed_version is None:
            continue
        party = session.get(Party, agreement.counterparty_id)
        kind = "UC" if agreement.kind == AgreementKind.UC.value else "OLA"
        out.append((LegPromise(kind, party.name, promise(leg), link.stage), party, agreement))
    return out


def route(session: Session, team_id: str, target: Target, agreement: Agreement,
          assigned_group_id: int | None) -> Route:
    managers = cover.recipients(session, team_id)
    assigned = session.get(Party, assigned_group_id) if assigned_group_id else None
    if assigned is not None and (assigned.team_id != team_id or assigned.kind != PartyKind.SUPPORT_GROUP.value):
        assigned = None
    if agreement.kind != AgreementKind.SLA.value:  # an OLA or UC target measured itself: its counterparty owns it
        owner = assigned or session.get(Party, agreement.counterparty_id)
        legs, no_leg = [], False
        supplier = agreement.kind == AgreementKind.UC.value and assigned is None
    else:
        found = legs_of(session, target)
        legs = [leg for leg, _p, _a in found]
        groups = [party for leg, party, _a in found if leg.kind == "OLA"]
        suppliers = [party for leg, party, _a in found if leg.kind == "UC"]
        owner = assigned or (groups[0] if groups else suppliers[0] if suppliers else None)
        no_leg = not found
        supplier = bool(suppliers)
    recipients: list[str] = []
    # A supplier is not in our Slack: the service managers speak to it.
    has_channel = owner is not None and owner.kind == PartyKind.SUPPORT_GROUP.value and bool(owner.channel_id)
    if has_channel:
        recipients.append(owner.channel_id)
    if not has_channel or supplier or no_leg:
        recipients += [m for m in managers if m not in recipients]
    return Route(owner=owner, recipients=recipients, legs=legs, no_leg=no_leg,
                 owner_without_channel=owner is not None and owner.kind == PartyKind.SUPPORT_GROUP.value and not has_channel,
                 supplier_involved=supplier)


def overrun(session: Session, breach: Breach) -> list[str]:
    """A ticket's breach (or warning) of an SLA target: each support group whose own leg of the clock ran over its
    OLA target, in words ("Service desk held it 3h10m against its OLA's 2 business hours (over by 1h10m)"), as of
    the alert's last move (issue 17, legs: bot.measurements.leg_clocks)."""
    agreement = session.get(Agreement, breach.agreement_id)
    if breach.ticket_id is None or agreement is None or agreement.kind != AgreementKind.SLA.value:
        return []
    return leg_clocks.ran_over(session, breach.team_id, breach.ticket_id, breach.agreement_id, breach.target_id,
                               breach.updated_at)
