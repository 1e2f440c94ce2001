"""Who hears of a breach, through bot.breaches.route on a real database session, without Slack: the owning support
group's channel first (or the ticket's assigned group), the service managers too where a supplier's contract sits
beneath, and the service managers alone, saying so, where nothing owns the target or its owner has no channel."""
from __future__ import annotations

from bot.breaches import routing
from models import Party
from tests.unit.agreements.world import ALICE, TEAM
from tests.unit.cover.tree_helpers import link_tree

NETWORK_CHANNEL = "C0NETWORK"


def give_channel(s, party_id: int, channel: str | None = NETWORK_CHANNEL) -> None:
    party = s.get(Party, party_id)
    party.channel_id = channel
    s.add(party)
    s.flush()


def route(s, world, key="T1", agreement_id=None, assigned=None):
    agreement = world.get(s, agreement_id or world.sla)
    return routing.route(s, TEAM, world.target(s, agreement.id, key), agreement, assigned)


def test_the_owning_groups_channel_hears_first_and_the_managers_hear_of_a_contract_beneath(world):
    link_tree(world)  # T1 and T2 of the SLA: the Network OLA at stage 1, Carrier X's contract at stage 2
    with world.db.session() as s:
        give_channel(s, world.network)
        shown = route(s, world)
        assert shown.owner.id == world.network and shown.recipients == [NETWORK_CHANNEL, ALICE]
        assert shown.supplier_involved and not shown.no_leg and not shown.owner_without_channel
        assert [(leg.kind, leg.owner, leg.promise, leg.stage) for leg in shown.legs] == [
            ("OLA", "Network group", "P1 resolution 1h", 1), ("UC", "Carrier X", "P1 resolution 2h", 2)]


def test_a_target_with_nothing_beneath_it_goes_to_the_service_managers_saying_it_has_no_owner(world):
    with world.db.session() as s:
        shown = route(s, world)
        assert (shown.owner, shown.recipients, shown.legs, shown.no_leg) == (None, [ALICE], [], True)


def test_an_owning_group_without_a_channel_is_said_and_the_managers_hear_instead(world):
    link_tree(world)
    with world.db.session() as s:
        shown = route(s, world, key="T2")
        assert shown.owner.id == world.network and shown.owner_without_channel and shown.recipients == [ALICE]


def test_the_group_the_ticket_is_assigned_to_hears_first(world):
    with world.db.session() as s:  # nothing linked: but the ticket names the Network group
        give_channel(s, world.network)
        shown = route(s, world, assigned=world.network)
        assert shown.owner.id == world.network and shown.recipients[0] == NETWORK_CHANNEL
        # a supplier or a party of another workspace is not an assigned support group: it is ignored
        assert route(s, world, assigned=world.carrier).owner is None


def test_an_ola_target_measured_itself_is_owned_by_its_group_and_a_contract_by_the_supplier(world):
    with world.db.session() as s:
        give_channel(s, world.network)
        ola = route(s, world, agreement_id=world.ola)
        assert ola.owner.id == world.network and ola.recipients == [NETWORK_CHANNEL] and not ola.supplier_involved
        uc = route(s, world, agreement_id=world.uc)
        assert uc.owner.id == world.carrier and uc.supplier_involved and uc.recipients == [ALICE]
