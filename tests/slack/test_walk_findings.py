"""What a new user met on a walk through the sandbox page, after the first fixes: each a sentence they read."""
from __future__ import annotations

import copy
from datetime import date

from sqlmodel import select

from bot import agreements
from bot import cover as coverage
from bot.agreements import targets
from bot.workspace.actor import Actor
from messages.ids import Action, Block
from models import Agreement
from tests.conftest import START
from tests.helpers import text_of
from tests.slack.test_coverage import (ALICE, BOB, CAROL, DAVE, DOCS, agree_button, build_tree, headline_of,
                                       sla_headline, world)  # noqa: F401  (world: fixture)


def test_a_command_we_suggest_in_an_error_reads_as_code_not_look_alikes(slack, sandbox, team, world):  # noqa: F811
    slack.command("tree")
    told = sandbox.last_ephemeral(ALICE)
    shown = text_of(told)
    assert "`/slm tree Acme Retail: Payroll`" in shown and "\u02cb" not in shown, shown


def test_a_typed_name_in_an_error_stays_escaped(slack, sandbox, team, world):  # noqa: F811
    slack.command("tree *Bold* `x`")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "*Bold*" not in shown and "`x`" not in shown, shown  # look-alikes: a name never formats our sentence


def test_without_a_name_post_asks_for_one(slack, sandbox, team, world):  # noqa: F811
    slack.command("sla post")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Name the SLA after the command. Known: Acme Payroll" in shown and "called “”" not in shown, shown


def test_an_admin_refused_a_service_managers_button_is_told_they_can_grant_it(slack, sandbox, db, team, world):  # noqa: F811
    build_tree(slack, sandbox, team)
    slack.command("tree Acme Payroll")
    tree = sandbox.last_ephemeral(ALICE)  # drawn while Alice is a service manager: it has Waive
    slack.command("role revoke <@U0ALICE> service-manager")  # still a workspace admin
    slack.click(Action.COVER_WAIVE, message=tree, user=ALICE)
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Only a service manager can" in shown and "As a workspace admin you can grant the role" in shown, shown
    assert "`/slm role grant @you service-manager`" in shown


def test_a_party_with_no_channel_is_said_to_have_none(slack, sandbox, team):
    from tests.slack.test_service_map import add_party

    assert add_party(slack, "supplier", "Carrier X", channel=None).ok
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "It has no channel for notices yet." in shown and "no channel." not in shown, shown


def agreed_with_every_gap_waived(slack, sandbox, db, team):
    """Acme Payroll agreed over its two gaps in cover (T1's hours, T2's availability), each waived from the gate's DM;
    the OLA and the contract beneath agreed (the contract's term long enough to leave no notice date in the SLA's)."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        uc = s.exec(select(Agreement).where(Agreement.name == "Carrier X contract")).one()
        agreements.propose(s, sm, uc, targets.TermChange(start=None, end=date(2027, 12, 31), review_month=None),
                           "a longer term", DOCS)
        for name, theirs in (("Network OLA", BOB), ("Carrier X contract", DAVE)):
            row = s.exec(select(Agreement).where(Agreement.name == name)).one()
            for who in (Actor(team_id=team, user_id=theirs, roles=frozenset(), now=START), sm):
                agreements.agree(s, who, row, row.latest_version, gate=coverage.gate)
    build_tree(slack, sandbox, team)
    agree_button(sandbox, db, slack, ALICE)
    refusal = sandbox.last_ephemeral(ALICE)
    waives = [b["elements"][0] for b in refusal.blocks if b["type"] == "actions"]
    assert len(waives) == 2, text_of(refusal)
    for button in waives:
        message = copy.deepcopy(refusal)
        message.blocks = [{"type": "actions", "elements": [button]}]
        slack.click(Action.COVER_WAIVE, message=message, user=ALICE)
        assert slack.submit(sandbox.open_modal(team, ALICE), {Block.COV_REASON: "accepted for this term"}).ok
    agree_button(sandbox, db, slack, CAROL)
    agree_button(sandbox, db, slack, ALICE)
    assert sla_headline(db).status == "agreed"


def test_the_home_counts_waived_gaps_as_waived_as_the_slas_message_does(slack, sandbox, db, team, world):  # noqa: F811
    agreed_with_every_gap_waived(slack, sandbox, db, team)
    assert "2 waivers of gaps in cover" in text_of(headline_of(sandbox, db, "Acme Payroll"))
    slack.open_home(user=ALICE)
    shown = text_of(sandbox.home(team, ALICE))
    assert "· cover: 2 waived ·" in shown and "not covered" not in shown, shown


def test_the_home_says_the_slas_own_review_its_message_says_beside_the_service_reviews(slack, sandbox, db, team,
                                                                                        world):  # noqa: F811
    """Walk finding: the Home said "next review: none planned" while the SLA's message said "Review due …": the one
    counts service review meetings (none agreed here), the other the SLA's own yearly review. Both, named."""
    agreed_with_every_gap_waived(slack, sandbox, db, team)
    assert ":calendar: Review due 2027-03-01" in text_of(headline_of(sandbox, db, "Acme Payroll"))
    slack.open_home(user=ALICE)
    shown = text_of(sandbox.home(team, ALICE))
    assert "· next service review: none planned · SLA review due 2027-03-01" in shown, shown
