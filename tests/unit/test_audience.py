"""Who may read what in a channel shared with another organisation (bot.workspace.audience), and how Slack's channel
object says a channel is shared (bot.channel_privacy.audience_in): pure, without Slack."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot import channel_privacy
from bot.channel_privacy import audience_in
from bot.workspace.audience import INTERNAL, UNKNOWN, Audience, Item, may_see, shared_with

ACME, GLOBEX = 7, 9  # two customers' party ids
WITH_ACME = Audience(external_teams=("T0CUSTOMER",), customers=frozenset({ACME}), customer_names=("Acme Corp",))
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("item, kwargs", [
    (Item.AGREEMENT, {"party_id": ACME, "agreement_kind": "sla"}),
    (Item.AGREEMENT, {"party_id": 3, "agreement_kind": "ola"}),
    (Item.PARTY, {"party_id": 4, "party_kind": "supplier"}),
    (Item.PARTY, {"party_id": GLOBEX, "party_kind": "customer"}),
    (Item.WAIVER_REASON, {}), (Item.CONTRACT_REFERENCE, {}), (Item.COVER_TREE, {}), (Item.GATE_DETAIL, {}),
    (Item.ACTION, {"party_id": None}),
])
def test_a_channel_of_the_hosts_own_sees_everything(item, kwargs):
    assert may_see(INTERNAL, item, **kwargs)


@pytest.mark.parametrize("item, kwargs, seen", [
    # the customer's own: their SLA, themselves, their requirements, reviews and actions
    (Item.AGREEMENT, {"party_id": ACME, "agreement_kind": "sla"}, True),
    (Item.PARTY, {"party_id": ACME, "party_kind": "customer"}, True),
    (Item.REQUIREMENT, {"party_id": ACME}, True),
    (Item.REVIEW, {"party_id": ACME}, True),
    (Item.ACTION, {"party_id": ACME}, True),
    # what lies beneath the SLA, even where its "party" is the customer here
    (Item.AGREEMENT, {"party_id": ACME, "agreement_kind": "ola"}, False),
    (Item.AGREEMENT, {"party_id": 3, "agreement_kind": "uc"}, False),
    (Item.PARTY, {"party_id": 4, "party_kind": "supplier"}, False),
    (Item.PARTY, {"party_id": 5, "party_kind": "support_group"}, False),
    # another customer, and their things
    (Item.PARTY, {"party_id": GLOBEX, "party_kind": "customer"}, False),
    (Item.AGREEMENT, {"party_id": GLOBEX, "agreement_kind": "sla"}, False),
    (Item.REQUIREMENT, {"party_id": GLOBEX}, False),
    (Item.ACTION, {"party_id": None}, False),  # an internal action, agreed with nobody
    # never, whoever is here
    (Item.WAIVER_REASON, {"party_id": ACME}, False), (Item.CONTRACT_REFERENCE, {}, False),
    (Item.COVER_TREE, {"party_id": ACME}, False), (Item.GATE_DETAIL, {"party_id": ACME}, False),
])
def test_a_shared_channel_sees_only_its_customers_own(item, kwargs, seen):
    assert may_see(WITH_ACME, item, **kwargs) is seen


def test_a_channel_nobody_knows_about_counts_as_shared_with_nobody_named():
    assert UNKNOWN.shared and not may_see(UNKNOWN, Item.AGREEMENT, party_id=ACME, agreement_kind="sla")
    assert not may_see(UNKNOWN, Item.COVER_TREE)
    assert "treated as shared" in shared_with(UNKNOWN)


def test_why_says_whose_workspace():
    assert shared_with(WITH_ACME) == "this channel is shared with Acme Corp's workspace"
    two = Audience(external_teams=("T1", "T2"), customer_names=("Acme Corp", "Globex"))
    assert shared_with(two) == "this channel is shared with Acme Corp's and Globex's workspaces"
    assert shared_with(Audience(external_teams=("T1",))) == "this channel is shared with another organisation's workspace"


@pytest.mark.parametrize("answer, teams, shared", [
    ({"id": "C1", "is_channel": True}, (), False),
    ({"id": "C1", "is_ext_shared": False, "is_shared": True, "shared_team_ids": ["T0HOST"]}, (), False),
    ({"id": "C1", "is_ext_shared": True, "shared_team_ids": ["T0HOST", "T0CUSTOMER"],
      "conversation_host_id": "T0HOST"}, ("T0CUSTOMER",), True),
    ({"id": "C1", "is_ext_shared": True}, (), True),  # shared, with whom Slack did not say: still shared
    ({"id": "C1", "is_pending_ext_shared": True, "shared_team_ids": ["T0HOST"]}, (), True),
])
def test_slacks_channel_object_says_who_reads_it(answer, teams, shared):
    found = audience_in(answer, "T0HOST")
    assert found.external_teams == teams and found.shared is shared


class _Slack:
    """A stand-in for Slack's Web API client: conversations.info answers with `channel`."""

    def __init__(self, channel: dict) -> None:
        self.channel, self.asked = channel, 0

    def conversations_info(self, channel: str) -> dict:
        self.asked += 1
        return {"channel": {"id": channel, **self.channel}}


def test_an_event_saying_the_channel_became_shared_makes_the_bot_ask_again():
    channel_privacy.forget()
    assert channel_privacy.known_audience("T0HOST", "C0ROOM", NOW) == UNKNOWN  # never asked: counts as shared
    assert channel_privacy.known_audience("T0HOST", "D0ALICE", NOW) == INTERNAL  # a DM's id says so
    slack = _Slack({"is_channel": True})
    assert channel_privacy.audience(slack, "T0HOST", "C0ROOM", NOW) == INTERNAL
    assert channel_privacy.audience(slack, "T0HOST", "C0ROOM", NOW + timedelta(minutes=1)) == INTERNAL
    assert slack.asked == 1  # remembered
    channel_privacy.note("T0HOST", "C0ROOM", NOW, ext_shared=False)  # agrees: nothing forgotten
    assert channel_privacy.known_audience("T0HOST", "C0ROOM", NOW) == INTERNAL
    # Shared since: the event makes the bot forget, so it counts as shared and Slack is asked with whom.
    channel_privacy.note("T0HOST", "C0ROOM", NOW, ext_shared=True)
    assert channel_privacy.known_audience("T0HOST", "C0ROOM", NOW) == UNKNOWN
    slack.channel = {"is_channel": True, "is_ext_shared": True, "shared_team_ids": ["T0HOST", "T0ACME"]}
    assert channel_privacy.audience(slack, "T0HOST", "C0ROOM", NOW).external_teams == ("T0ACME",)
    assert slack.asked == 2
    # Slack not answering: shared with someone unknown, and asked again next time.
    channel_privacy.forget()
    assert channel_privacy.audience(object(), "T0HOST", "C0ROOM", NOW) == UNKNOWN
    assert channel_privacy.known_audience("T0HOST", "C0ROOM", NOW) == UNKNOWN
    channel_privacy.forget()
