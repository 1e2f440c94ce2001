"""What the customer sees in a channel shared with their workspace (Slack Connect), through signed Slack requests.

Acme Corp's SLA is negotiated in #acme-connect, shared with Acme's own workspace (the sandbox's second workspace,
bot/sandbox/connect.py), where Ann, their approver, is from; the OLA with the Network group and
the contract with Carrier X (CX-114) are negotiated in #network-team, the provider's own. In the shared channel the
bot shows Acme its SLA and nothing beneath it: the tree and the gate's gaps go privately to the provider's people.

Ann holds no role in the provider's workspace (tests/slack/test_connect_people.py): every /slm command she types is
refused with connect_people's words, and she acts only with the buttons on the bot's messages (Agree, here).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from bot import agreements, service_map
from bot import cover as coverage
from bot.workspace.actor import Actor
from messages.ids import Action
from bot.sandbox.connect import CONNECT_CHANNEL, CUSTOMER_APPROVER, CUSTOMER_TEAM
from models import Agreement, ContactRole, Signoff
from tests.conftest import START
from tests.helpers import text_of
from tests.slack.test_coverage import build_world, make

ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"
SHARED, INTERNAL = CONNECT_CHANNEL, "C0NETWORKTE"
ANN = CUSTOMER_APPROVER
# What Acme must never read in its channel: the OLA and the contract, their owners, the contract's reference, the
# other customer, and a waiver's reason.
INTERNAL_WORDS = ("Network OLA", "Network group", "Carrier X", "CX-114", "Globex", "Underpinning contract", "OLA ",
                  "on-call engineer")


@pytest.fixture
def world(db, team, harness_clean):
    """tests/slack/test_coverage.py's world with Acme Corp as the customer, in the shared channel, the OLA and the
    contract in #network-team; Ann named Acme's approver; another customer, Globex; every party linked to Payroll;
    the SLA's T1 and T2 underpinned by the OLA (stage 1) and the contract (stage 2)."""
    others = {}

    def with_customer(s, parts):
        # Ann, of Acme Corp's own workspace, named as `/slm party contact @ann approver` names her in the shared
        # channel: by user id and workspace.
        service_map.name_contact(s, parts.sm, parts.acme.id, ANN, ContactRole.APPROVER.value, user_team=CUSTOMER_TEAM,
                                 in_shared_channel=True)
        others["globex"] = service_map.add_party(s, parts.sm, service_map.PartyInput(kind="customer", name="Globex"))

    def with_parties(s, parts):
        for party, component in ((parts.acme, ""), (others["globex"], ""), (parts.network, ""),
                                 (parts.carrier, "circuits")):
            service_map.link(s, parts.sm, service_id=parts.payroll.id, party_id=party.id, component=component,
                             activities=["incident handling"])

    def with_targets(s, parts, ids):
        for (sla_key, leg, key, stage) in (("T1", "Network OLA", "T1", 1), ("T1", "Carrier X contract", "T1", 2),
                                           ("T2", "Network OLA", "T2", 1), ("T2", "Carrier X contract", "T2", 2)):
            coverage.link(s, parts.sm, sla_target_id=ids[("Acme Payroll", sla_key)], leg_target_id=ids[(leg, key)],
                          stage=stage)

    return build_world(db, team, harness_clean, customer="Acme Corp", channel=SHARED, legs_channel=INTERNAL,
                       with_customer=with_customer, with_parties=with_parties, with_targets=with_targets)


def in_channel(sandbox, channel: str = SHARED) -> list[str]:
    """Every message and document the stand-in holds in the channel, ephemerals included (each only for one
    person, but shown inside the shared channel)."""
    texts = []
    for m in sandbox.messages:
        if m.channel == channel:
            texts.append(text_of(m))
            texts += [sandbox.file_content(f["id"]).decode() for f in m.files or ()
                      if not f["name"].endswith(".png") and sandbox.file_content(f["id"]) is not None]
    return texts


def assert_nothing_internal(texts: list[str]) -> None:
    for text in texts:
        for word in INTERNAL_WORDS:
            assert word not in text, f"{word!r} shown in the shared channel: {text[:300]}"


def headline(sandbox, db, name="Acme Payroll"):
    with Session(db.engine) as s:
        row = s.exec(select(Agreement).where(Agreement.name == name)).one()
    return next(m for m in sandbox.messages if m.ts == row.thread_ts)


def test_the_tree_asked_for_in_a_shared_channel_is_answered_privately(slack, sandbox, db, team, world):
    assert slack.command("tree Acme Payroll", channel=SHARED).ok
    [dm] = sandbox.dms(ALICE)
    private = text_of(dm)
    assert (":lock: Sent to you here, not in <#C0ACMECONN>: this channel is shared with Acme "
                              "Corp's workspace, and this shows the OLAs and underpinning contracts beneath it.") in private
    assert "What underpins Acme Payroll" in private and "Carrier X contract" in private  # the whole tree, there
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert (":lock: The tree under Acme Payroll went to you by DM: this channel is shared with Acme Corp's "
            "workspace.") in said
    assert_nothing_internal(in_channel(sandbox))

    # Acme's own approver, from their workspace, asking the same: she holds no role here, so /slm is not hers
    # (connect_people's refusal), and nothing of it reaches anywhere she sees.
    assert slack.command("tree Acme Payroll", user=ANN, channel=SHARED).ok
    assert text_of(sandbox.last_ephemeral(ANN)).startswith(
        "You're from Acme Corp's workspace: only this workspace's own people can use /slm tree here. As your "
        "organisation's contact you can propose changes to your organisation's agreements")
    assert sandbox.dms(ANN) == [] and len(sandbox.dms(ALICE)) == 1
    assert_nothing_internal(in_channel(sandbox))

    # The same question in the provider's own channel is answered there, as before.
    assert slack.command("tree Acme Payroll", channel=INTERNAL).ok
    assert "What underpins Acme Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    assert len(sandbox.dms(ALICE)) == 1


def test_whether_the_asker_is_the_providers_own_is_the_actors_word(slack, sandbox, db, team, world):
    """The middleware's users.info said who Alice is: the tree asks Slack nothing more about her."""
    slack.command("help", channel=SHARED)  # her profile is read (and kept ten minutes)
    asked = len(sandbox.calls_of("users.info"))
    slack.command("tree Acme Payroll", channel=SHARED)
    assert len(sandbox.calls_of("users.info")) == asked
    assert "What underpins Acme Payroll" in text_of(sandbox.dms(ALICE)[-1])


def test_someone_slack_never_described_is_asked_about_again_and_kept_out_if_slack_still_wont_say(
        slack, sandbox, db, team, world):
    refused = {"ok": False, "error": "user_not_visible"}
    # The middleware's quick read fails; asked again after the ack, Slack says Alice is the provider's own.
    sandbox.fail_next("users.info", 200, body=refused)
    slack.command("tree Acme Payroll", channel=SHARED)
    assert "What underpins Acme Payroll" in text_of(sandbox.dms(ALICE)[-1])
    # Someone Slack will not describe at all, twice over: not known to be the provider's own, so kept out.
    sandbox.add_user("U0NOBODY", "Nobody Known")
    sandbox.channels[SHARED]["members"].append("U0NOBODY")
    sandbox.fail_next("users.info", 200, body=refused, times=2)
    slack.command("tree Acme Payroll", channel=SHARED, user="U0NOBODY")
    assert text_of(sandbox.last_ephemeral("U0NOBODY")).endswith(
        ":lock: The tree under an SLA is for the provider's service managers, so it is not shown here: this channel "
        "is shared with Acme Corp's workspace.")
    assert sandbox.dms("U0NOBODY") == []
    assert_nothing_internal(in_channel(sandbox))


def test_a_check_asked_for_in_a_shared_channel_is_answered_privately(slack, sandbox, db, team, world):
    from bot import requirements
    from models import Source

    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        payroll, acme = service_map.find(s, team, "Payroll"), service_map.find(s, team, "Acme Corp")
        said = requirements.Said(user_id=CAROL, role=ContactRole.MANAGERIAL, source=Source.FORM)
        requirements.record(s, sm, payroll.id, acme.id, said, requirements.interview_drafts(
            "operational", ["incidents"], {"p1_resolution": "2h"}, default_tz="UTC"))
    slack.command("check #1", channel=SHARED)
    assert "*Can we meet requirement #1?*" in text_of(sandbox.dms(ALICE)[-1])
    assert "went to you by DM" in text_of(sandbox.last_ephemeral(ALICE))
    assert_nothing_internal(in_channel(sandbox))


def test_agree_refused_over_gaps_in_a_shared_channel_explains_privately(slack, sandbox, db, team, world):
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ALICE)
    [dm] = sandbox.dms(ALICE)
    private = text_of(dm)
    assert (":lock: Sent to you here, not in <#C0ACMECONN>: this channel is shared with Acme "
                              "Corp's workspace, and this shows the gaps in the cover beneath it.") in private
    assert "Acme Payroll cannot be agreed yet: 2 gaps in what underpins it." in private
    assert "(hours)" in private  # Carrier X's office hours under a 24x7 SLA
    assert any(b["type"] == "actions" for b in dm.blocks)  # her Waive… buttons came with it
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "Why version 3 of Acme Payroll can't be agreed went to you by DM" in said
    assert "Version 3 of Acme Payroll can't be agreed yet: the provider is arranging cover." in said
    with Session(db.engine) as s:
        assert s.exec(select(Signoff)).all() == []  # nothing recorded
    assert_nothing_internal(in_channel(sandbox))


def test_agree_refused_over_gaps_for_the_customers_approver_tells_the_service_managers(slack, sandbox, db, team, world):
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ANN)
    said = text_of(sandbox.last_ephemeral(ANN))
    assert said.endswith(":hourglass: Version 3 of Acme Payroll can't be agreed yet: the provider is arranging cover. "
                         "Its service managers have the details.")
    [dm] = sandbox.dms(ALICE)  # Alice, the one service manager, has the gaps and her buttons
    private = text_of(dm)
    assert "this channel is shared with Acme Corp's workspace, and this shows the gaps in the cover" in private
    assert "Acme Payroll cannot be agreed yet: 2 gaps in what underpins it." in private
    assert any(b["type"] == "actions" for b in dm.blocks)
    assert sandbox.dms(ANN) == []
    assert_nothing_internal(in_channel(sandbox))
    with Session(db.engine) as s:
        assert s.exec(select(Signoff)).all() == []


def test_the_map_in_a_shared_channel_lists_no_other_customer(slack, sandbox, db, team, world):
    slack.command("map", channel=SHARED)
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert (":lock: The map here shows only the services used by Acme Corp: this channel is shared with Acme Corp's "
            "workspace.") in shown
    assert "*Payroll*" in shown and "Acme Corp" in shown
    for other in ("Globex", "Network group", "Carrier X", "Supported by", "Supplied by"):
        assert other not in shown, other
    slack.command("map Globex", channel=SHARED)  # asked by name: still only Acme's
    assert "Globex" not in text_of(sandbox.last_ephemeral(ALICE))
    assert_nothing_internal(in_channel(sandbox))

    slack.command("map", channel=INTERNAL)  # the provider's own channel: the whole map
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Globex" in shown and "Carrier X" in shown and "Network group" in shown


def test_an_ola_is_never_posted_in_a_shared_channel(slack, sandbox, db, team, world, harness_clean):
    from handlers.flows.agreement_thread import ThreadIncomplete, start_thread

    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        network = service_map.find(s, team, "Network group")
        payroll = service_map.find(s, team, "Payroll")
        ola = make(s, sm, agreements.AgreementKind.OLA, "Network OLA 2027", network, payroll, [], SHARED)
        ola_id = ola.id
    with pytest.raises(ThreadIncomplete) as refused:
        start_thread(harness_clean.deps.client, harness_clean.deps, sm, ola_id, unanswered=[], warning=None)
    assert refused.value.progress.reason == ("this channel is shared with Acme Corp's workspace, and an OLA is the "
                                             "provider's own")
    assert_nothing_internal(in_channel(sandbox))


def test_the_relationship_in_a_shared_channel_is_only_the_customers_own(slack, sandbox, db, team, world):
    slack.command("relationship supplier Carrier X", channel=SHARED)
    assert ("Only the relationship with the customer here is posted in this channel: this channel is shared with "
            "Acme Corp's workspace." in text_of(sandbox.last_ephemeral(ALICE)))
    slack.command("relationship customer Globex", channel=SHARED)
    assert "Only the relationship with the customer here" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("relationship customer Acme Corp", channel=SHARED)
    posted = [m for m in sandbox.channel_messages(SHARED, include_ephemeral=False) if "Acme Corp" in text_of(m)]
    # waivers and renewals are left out of the customer's view: said not shown, never "None." (which would tell
    # the customer there are none when there may be)
    shown = text_of(posted[-1]) if posted else ""
    assert "*Waivers in force*" not in shown and "*Contracts renewing*" not in shown
    assert "Waivers and contracts renewing are not shown in a channel shared with the customer" in shown
    assert_nothing_internal(in_channel(sandbox))


def test_requirements_and_actions_in_a_shared_channel(slack, sandbox, db, team, world):
    from bot import requirements
    from models import Source

    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        payroll = service_map.find(s, team, "Payroll")
        for name, who in (("Acme Corp", CAROL), ("Globex", BOB)):
            said = requirements.Said(user_id=who, role=ContactRole.MANAGERIAL, source=Source.FORM)
            requirements.record(s, sm, payroll.id, service_map.find(s, team, name).id, said,
                                requirements.interview_drafts("operational", ["incidents"], {"p1_resolution": "2h"},
                                                              default_tz="UTC"))
    slack.command("requirements Payroll", channel=SHARED)  # every customer's asks of the service: not here
    assert ("Only the requirements of the customer here are listed in this channel: this channel is shared with "
            "Acme Corp's workspace.") in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("requirements Globex", channel=SHARED)
    assert "Only the requirements of the customer here" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("requirements Acme Corp", channel=SHARED)  # their own: listed
    assert "#1" in text_of(sandbox.last_ephemeral(ALICE))

    slack.command("actions", channel=SHARED)
    assert "The list of actions went to you by DM" in text_of(sandbox.last_ephemeral(ALICE))
    assert "every party's actions" in text_of(sandbox.dms(ALICE)[-1])
    dms_before = len(sandbox.dms(ALICE))
    slack.command("actions", channel=SHARED, user=ANN)  # Ann holds no role here: refused, as every /slm of hers
    assert text_of(sandbox.last_ephemeral(ANN)).startswith(
        "You're from Acme Corp's workspace: only this workspace's own people can use /slm actions here.")
    assert sandbox.dms(ANN) == [] and len(sandbox.dms(ALICE)) == dms_before
    assert_nothing_internal(in_channel(sandbox))


def test_sla_show_diff_and_list_in_a_shared_channel_are_the_customers_own(slack, sandbox, db, team, world):
    slack.command("sla show Acme Payroll", channel=SHARED)
    assert "Acme Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("sla diff Acme Payroll v1 v2", channel=SHARED)
    assert "Acme Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    for asked in ("ola show Network OLA", "uc diff Carrier X contract v1 v2"):
        slack.command(asked, channel=SHARED)
        assert ("Only the SLAs of the customer here are shown in this channel: this channel is shared with Acme "
                "Corp's workspace.") in text_of(sandbox.last_ephemeral(ALICE)), asked
    slack.command("uc list", channel=SHARED)
    assert "are not listed in this channel: this channel is shared with Acme Corp's workspace" in text_of(
        sandbox.last_ephemeral(ALICE))
    slack.command("sla list", channel=SHARED)
    assert "Acme Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    assert_nothing_internal(in_channel(sandbox))


def test_a_dm_with_the_bot_is_the_askers_own_and_the_customers_person_is_refused_in_theirs(slack, sandbox, db, team,
                                                                                              world):
    # Alice's DM with the bot is hers alone: the whole map, no note of a shared channel, and nothing asked of Slack.
    own_dm = sandbox.dm_channel(ALICE)["id"]
    asked = len(sandbox.calls_of("conversations.info"))
    slack.command("map", channel=own_dm)
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Globex" in shown and "Carrier X" in shown and ":lock:" not in shown
    assert len(sandbox.calls_of("conversations.info")) == asked
    # Ann's DM with the bot (a Slack Connect DM, the bot and she share #acme-connect) is not a door in: she holds
    # no role here, wherever she types /slm.
    ann_dm = sandbox.dm_channel(ANN)["id"]
    slack.command("map", channel=ann_dm, user=ANN)
    refused = text_of(sandbox.last_ephemeral(ANN))
    assert refused.startswith("You're from Acme Corp's workspace: only this workspace's own people can use /slm map")
    assert "Globex" not in refused and "Payroll" not in refused


def test_once_the_sla_is_agreed_the_gate_dm_says_so_without_buttons_and_a_stale_waive_press_says_what_happened(
        slack, sandbox, db, team, world):
    import copy

    from messages.ids import Block

    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ANN)  # refused: Alice has the gaps by DM
    [dm] = sandbox.dms(ALICE)
    stale = copy.deepcopy(dm)  # as a client that has not caught up with the edit still shows it
    gaps = [b["block_id"] for b in dm.blocks if b["type"] == "actions"]
    assert len(gaps) == 2  # the hours gap and the availability gap, each with its Waive… button
    for block_id in gaps:
        slack.click(Action.COVER_WAIVE, message=dm, block_id=block_id, user=ALICE)
        assert slack.submit(sandbox.open_modal(team, ALICE), {Block.COV_REASON: "Accepted for the first year"}).ok
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ALICE)
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ANN)
    with Session(db.engine) as s:
        assert s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one().agreed_version == 3

    [dm] = [m for m in sandbox.dms(ALICE) if m.ts == stale.ts]  # the same message, edited in place
    assert dm.edits == 1 and not any(b["type"] == "actions" for b in dm.blocks)
    assert text_of(dm).startswith(":white_check_mark: *Acme Payroll* was agreed at version 3: the gaps this message "
                                  "listed no longer stop it")
    assert [c["args"]["ts"] for c in sandbox.calls_of("chat.update")].count(stale.ts) == 1  # edited once

    slack.click(Action.COVER_WAIVE, message=stale, block_id=gaps[0], user=ALICE)  # pressed on the old copy anyway
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "gap of T1 is already waived, by <@U0ALICE> on 2026-03-02: “Accepted for the first year”." in said
    assert "Acme Payroll was agreed since, at version 3: this gap no longer stops it, and nothing is left to do" in said

    # Upgrade action… on the old copy: no form offering to accept a plan the SLA may be agreed on; what remains
    modals = len(sandbox.calls_of("views.open"))
    slack.click(Action.COVER_UPGRADE, message=stale, block_id=gaps[0], user=ALICE)
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "gap of T1 is already waived, by <@U0ALICE> on 2026-03-02: “Accepted for the first year”." in said
    assert ("Acme Payroll was agreed since, at version 3: this gap no longer stops it; to plan cover for it all the "
            "same, record an action with `/slm action new` naming T1 as the target it improves.") in said
    assert len(sandbox.calls_of("views.open")) == modals  # no form opened
    assert_nothing_internal(in_channel(sandbox))



def test_a_waive_press_on_a_gap_already_waived_dates_the_waiver_in_the_readers_own_zone(
        slack, sandbox, db, team, world, clock):
    from datetime import datetime, timezone

    from messages.ids import Block

    # 23:30 UTC on 1 April is 00:30 on 2 April in London (British summer time), Alice's zone (users.info).
    clock.set(datetime(2026, 4, 1, 23, 30, tzinfo=timezone.utc))
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ANN)  # refused: Alice has the gaps by DM
    [dm] = sandbox.dms(ALICE)
    gap = next(b["block_id"] for b in dm.blocks if b["type"] == "actions")
    slack.click(Action.COVER_WAIVE, message=dm, block_id=gap, user=ALICE)
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.COV_REASON: "Accepted for the first year"}).ok
    slack.click(Action.COVER_WAIVE, message=dm, block_id=gap, user=ALICE)  # pressed again on the same DM
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "is already waived, by <@U0ALICE> on 2026-04-02: “Accepted for the first year”." in said, said

def test_a_gate_dm_still_waiting_for_slack_when_the_sla_is_agreed_is_withdrawn_not_posted(
        slack, sandbox, db, team, world, harness_clean):
    from bot.scheduler import run_all_once
    from messages.ids import Block

    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ANN)  # refused: Alice has the gaps by DM
    [dm] = sandbox.dms(ALICE)
    sandbox.fail_next("chat.postMessage", 429, retry_after=600)  # Slack asks the bot to wait with the next DM
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ANN)  # refused again: its DM waits
    assert len(sandbox.dms(ALICE)) == 1
    for block_id in [b["block_id"] for b in dm.blocks if b["type"] == "actions"]:
        slack.click(Action.COVER_WAIVE, message=dm, block_id=block_id, user=ALICE)
        assert slack.submit(sandbox.open_modal(team, ALICE), {Block.COV_REASON: "Accepted for the first year"}).ok
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ALICE)
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox, db), user=ANN)
    harness_clean.clock.set(harness_clean.clock.now() + timedelta(hours=1))  # Slack's wait is long over
    run_all_once(harness_clean.deps)
    # The first DM says the SLA is agreed; the one that never reached Slack is never posted, gaps and buttons and all.
    [settled] = [m for m in sandbox.dms(ALICE) if not text_of(m).startswith("Waived ")]  # not her waivers' receipts
    assert settled.ts == dm.ts and text_of(settled).startswith(":white_check_mark: *Acme Payroll* was agreed")
