"""Commercial terms (service credits, charges, a supplier's contract reference) in public channels, through signed
requests and the stand-in: left out there by default with the full version by DM, shown with a warning when the
workspace chooses, and shown without one in a private channel or a group DM."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import service_map
from bot.sandbox.objects import BOT_USER
from bot.workspace.actor import Actor
from messages.ids import Action, Block
from models import Outbox
from tests.conftest import START, TEST_BOT_TOKEN
from tests.helpers import text_of
from tests.slack.test_agreements import (ALICE, BOB, CAROL, CHANNEL, acme, agreement, draft,  # noqa: F401 (fixture)
                                         propose, thread)

CREDIT = "5% of the monthly charge"
CHARGE = "£12,000 per month."
EVERYONE = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"]


def with_credit(slack, sandbox, team):
    outcome = propose(slack, sandbox, team, ALICE, {Block.PROP_SERVICE_CREDIT: CREDIT, Block.PROP_REASON: "Credits"})
    assert outcome.ok, outcome.errors


def document(sandbox, message) -> str:
    return sandbox.files[message.files[0]["id"]]["content"].decode()


def dms_with(sandbox, user: str, words: str) -> list:
    return [m for m in sandbox.dms(user) if words in text_of(m)]


def test_a_public_channel_gets_no_credits_and_those_entitled_get_them_by_dm_once(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    assert "is a public channel: commercial terms" in text_of(sandbox.last_ephemeral(ALICE))  # warned on drafting
    with_credit(slack, sandbox, team)
    _, replies = thread(sandbox)
    v2, doc = replies[2], replies[3]
    assert CREDIT not in text_of(v2) and "service credit" not in text_of(v2).split("\n")[1]
    assert ("Service credits are not shown in this public channel: the full version went to <@U0ALICE>, <@U0CAROL> "
            "by DM.") in text_of(v2)
    shown = document(sandbox, doc)
    assert CREDIT not in shown and shown.startswith("> Service credits are not shown in this public channel")
    assert "| not shown in this channel |" in shown
    for user in (ALICE, CAROL):  # the provider's service manager and the customer's approver, once each
        assert len(dms_with(sandbox, user, CREDIT)) == 1, user
        assert "Left out of its thread in <#C0ACMESLA>, a public channel: service credits" in text_of(
            dms_with(sandbox, user, CREDIT)[0])
    assert dms_with(sandbox, BOB, CREDIT) == []
    slack.command("sla post Acme Retail: Payroll")  # going over the thread again sends nothing twice
    assert [len(dms_with(sandbox, u, CREDIT)) for u in (ALICE, CAROL)] == [1, 1]
    assert agreement(db).latest_version == 2  # and the version itself keeps its whole document
    with Session(db.engine) as s:
        assert len(s.exec(select(Outbox).where(Outbox.key.startswith("agreement-terms:"))).all()) == 2


def test_show_puts_credits_in_the_public_channel_and_warns_who_posts(slack, sandbox, db, team, acme):
    assert slack.command("settings commercial_terms_in_public Show").ok
    assert "commercial_terms_in_public" in text_of(sandbox.last_ephemeral(ALICE))
    draft(slack, sandbox, team, acme)
    assert "visible to everyone in it" in text_of(sandbox.last_ephemeral(ALICE))
    with_credit(slack, sandbox, team)
    _, replies = thread(sandbox)
    assert CREDIT in text_of(replies[2]) and CREDIT in document(sandbox, replies[3])
    warning = text_of(sandbox.last_ephemeral(ALICE))
    assert "<#C0ACMESLA> is a public channel: the service credits and charges posted there are visible" in warning
    assert "/slm settings commercial_terms_in_public hide" in warning
    assert dms_with(sandbox, CAROL, CREDIT) == []


def test_a_private_channel_shows_credits_without_a_warning(slack, sandbox, db, team, acme):
    sandbox.add_channel("acme-sla", channel_id=CHANNEL, private=True, members=EVERYONE + [BOT_USER])
    draft(slack, sandbox, team, acme)
    with_credit(slack, sandbox, team)
    _, replies = thread(sandbox)
    assert CREDIT in text_of(replies[2]) and CREDIT in document(sandbox, replies[3])
    assert not any("public channel" in text_of(m) for m in sandbox.ephemerals(ALICE))
    assert dms_with(sandbox, CAROL, CREDIT) == [] and dms_with(sandbox, ALICE, CREDIT) == []


def test_the_stand_in_describes_channels_as_slack_does(sandbox):
    """conversations.info: channel_not_found for a private channel the bot is not in (the bot then counts it as
    public, the safe side); is_private, is_channel and no member list otherwise."""
    sandbox.add_channel("acme-sla", channel_id=CHANNEL, private=True, members=EVERYONE)
    assert sandbox.call("conversations.info", {"channel": CHANNEL}, TEST_BOT_TOKEN)[2]["error"] == "channel_not_found"
    sandbox.add_channel("acme-sla", channel_id=CHANNEL, members=EVERYONE)
    answer = sandbox.call("conversations.info", {"channel": CHANNEL}, TEST_BOT_TOKEN)[2]["channel"]
    assert (answer["is_private"], answer["is_channel"], "members" in answer) == (False, True, False)


def test_a_group_dm_shows_credits(slack, sandbox, db, team, acme):
    slack.command("sla new Acme Retail")
    modal = sandbox.open_modal(team, ALICE)
    assert slack.submit(modal, {Block.AGR_NAME: "Acme DM", Block.AGR_SERVICES: [str(acme["service"])],
                                Block.AGR_CHANNEL: ""}).ok
    channel = agreement(db).channel_id
    assert sandbox.channels[channel]["is_mpim"]
    headline = next(m for m in sandbox.channel_messages(channel) if m.blocks and m.blocks[0]["type"] == "header")
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=ALICE)
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.PROP_SERVICE_CREDIT: CREDIT,
                                                          Block.PROP_REASON: "Credits"}).ok
    replies = sandbox.channel_messages(channel, thread_ts=headline.ts)
    assert CREDIT in text_of(replies[2]) and CREDIT in document(sandbox, replies[3])
    assert not any("public channel" in text_of(m) for m in sandbox.ephemerals(ALICE))


@pytest.mark.parametrize("typed", ["maybe", "", "hidden"])
def test_the_setting_takes_hide_or_show(slack, sandbox, team, typed):
    slack.command(f"settings commercial_terms_in_public {typed}".strip())
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "hide" in said and "show" in said
    slack.command("settings")
    assert "hide" in text_of(sandbox.last_ephemeral(ALICE))  # unchanged: the safe default


@pytest.fixture
def carrier(db, team):
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        service = service_map.add_service(s, sm, name="Network")
        party = service_map.add_party(s, sm, service_map.PartyInput(kind="supplier", name="Carrier X",
                                                                     channel_id="C0NETWORKTE"))
    return {"service": service.id, "party": party.id}


def uc_with_charges(slack, sandbox, team, carrier, channel, charge=CHARGE):
    slack.command("uc new Carrier X")
    modal = sandbox.open_modal(team, ALICE)
    assert slack.submit(modal, {Block.AGR_NAME: "Carrier X contract", Block.AGR_SERVICES: [str(carrier["service"])],
                                Block.AGR_CHANNEL: channel, Block.AGR_CONTRACT_REF: "CX-200"}).ok
    headline = next(m for m in sandbox.channel_messages(channel) if m.blocks and m.blocks[0]["type"] == "header")
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    slack.click(Action.INPUT, view=modal, value="clause:charges", block_id=Block.PROP_CHANGE, user=ALICE)
    assert slack.submit(sandbox.open_modal(team, ALICE), {f"{Block.PROP_CLAUSE_TEXT}.charges": charge,
                                                          Block.PROP_REASON: "Priced"}).ok
    return sandbox.channel_messages(channel, thread_ts=headline.ts)


def test_a_uc_in_a_public_channel_keeps_its_charges_out_even_with_show(slack, sandbox, db, team, carrier):
    assert slack.command("settings commercial_terms_in_public show").ok
    replies = uc_with_charges(slack, sandbox, team, carrier, "C0NETWORKTE")
    shown = document(sandbox, replies[3])
    assert "12,000" not in shown and shown.startswith("> Charges are not shown")
    assert "service managers." in shown.split("\n")[0] and "approvers" not in shown.split("\n")[0]
    assert len(dms_with(sandbox, ALICE, "12,000")) == 1  # the admin, as no service manager is granted
    assert [m for m in sandbox.messages if "12,000" in text_of(m) and m.channel == "C0NETWORKTE"] == []


def test_a_uc_in_a_private_channel_shows_its_charges(slack, sandbox, db, team, carrier):
    sandbox.add_channel("uc-private", channel_id="C0UCPRIV", private=True, members=[ALICE, BOT_USER])
    replies = uc_with_charges(slack, sandbox, team, carrier, "C0UCPRIV")
    assert "£12,000 per month." in document(sandbox, replies[3])
    assert dms_with(sandbox, ALICE, "12,000") == []


def test_the_charges_clause_ends_before_the_sentence_after_it(slack, sandbox, db, team, carrier):
    sandbox.add_channel("uc-private", channel_id="C0UCPRIV", private=True, members=[ALICE, BOT_USER])
    replies = uc_with_charges(slack, sandbox, team, carrier, "C0UCPRIV", charge="£12,000 per month")  # no full stop
    shown = document(sandbox, replies[3])
    assert "**Charges:** £12,000 per month\n\nService credits stated as a share of the monthly charge" in shown


def test_who_asks_to_see_a_version_sees_its_terms_only_if_entitled(slack, sandbox, db, team, acme):
    sandbox.add_channel("acme-sla", channel_id=CHANNEL, private=True, members=EVERYONE + [BOT_USER])
    draft(slack, sandbox, team, acme)
    with_credit(slack, sandbox, team)
    for user, sees in ((ALICE, True), (CAROL, True), (BOB, False)):  # a service manager, the approver, a member
        slack.command("sla show Acme Retail: Payroll", user=user)
        shown = text_of(sandbox.last_ephemeral(user))
        assert (CREDIT in shown) is sees, user
        assert ("Service credits are left out here" in shown) is not sees, user
        slack.command("sla diff Acme Retail: Payroll v1 v2", user=user)
        assert (CREDIT in text_of(sandbox.last_ephemeral(user))) is sees, user
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_SHOW, message=headline, user=BOB)
    assert CREDIT not in text_of(sandbox.last_ephemeral(BOB))


def test_a_ucs_charges_are_for_the_service_managers_alone(slack, sandbox, db, team, carrier):
    sandbox.add_channel("uc-private", channel_id="C0UCPRIV", private=True, members=[ALICE, BOB, BOT_USER])
    uc_with_charges(slack, sandbox, team, carrier, "C0UCPRIV")
    slack.command("uc show Carrier X contract", user=BOB, channel="C0UCPRIV")
    shown = text_of(sandbox.last_ephemeral(BOB))
    assert "12,000" not in shown and "Charges are left out here" in shown
    slack.command("uc show Carrier X contract", user=ALICE, channel="C0UCPRIV")
    assert "12,000" in text_of(sandbox.last_ephemeral(ALICE))


def test_changing_the_setting_says_what_it_means(slack, sandbox, team):
    assert slack.command("settings commercial_terms_in_public show").ok
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "SLAs negotiated in public channels are posted there, visible to everyone in them" in shown
    assert slack.command("settings commercial_terms_in_public hide").ok
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Versions already posted there with their terms stay as they are" in shown and ":warning:" not in shown
    assert slack.command("settings commercial_terms_in_public hide").ok  # no change: nothing to say
    assert "stay as they are" not in text_of(sandbox.last_ephemeral(ALICE))


def test_under_hide_a_change_of_credits_alone_says_so_and_hides_which_targets_carry_them(slack, sandbox, team, acme):
    draft(slack, sandbox, team, acme)
    with_credit(slack, sandbox, team)
    confirmed = text_of(sandbox.last_ephemeral(ALICE))  # the proposer hears of it as under `show`
    assert "Version 2 of *Acme Retail: Payroll* is posted in its thread." in confirmed
    assert ":lock: <#C0ACMESLA> is a public channel: commercial terms" in confirmed
    _, replies = thread(sandbox)
    assert "Commercial terms changed (not shown in this public channel)" in text_of(replies[2])
    rows = [line for line in document(sandbox, replies[3]).split("\n") if line.startswith("| T")]
    assert len(rows) > 1 and all(row.endswith("| not shown in this channel |") for row in rows), rows
