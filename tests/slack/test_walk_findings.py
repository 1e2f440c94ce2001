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


def test_an_admin_named_a_service_manager_contact_is_told_how_to_agree(slack, sandbox, db, team, world):  # noqa: F811
    slack.command("role revoke <@U0ALICE> service-manager")  # still a workspace admin
    assert slack.command("party contact <@U0ALICE> service-manager Acme Retail").ok
    agree_button(sandbox, db, slack, ALICE)
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Only an approver of Acme Retail or the provider's service manager can agree to Acme Payroll" in shown, shown
    assert "being named a party's service manager contact is not the role" in shown
    assert ("As a workspace admin you can grant the service manager role, yourself included: "
            "`/slm role grant @you service-manager`") in shown
    assert "An approver of Acme Retail is named with `/slm party contact @person approver Acme Retail`." in shown
    agree_button(sandbox, db, slack, BOB)  # no admin: told who grants the role
    shown = text_of(sandbox.last_ephemeral(BOB))
    assert ("A service manager or workspace admin grants the service manager role: "
            "`/slm role grant @person service-manager`") in shown, shown


def test_a_waiver_is_confirmed_naming_the_target_it_waived(slack, sandbox, db, team, world):  # noqa: F811
    build_tree(slack, sandbox, team)
    agree_button(sandbox, db, slack, ALICE)  # refused over the gaps, each with its Waive…
    slack.click(Action.COVER_WAIVE, message=sandbox.last_ephemeral(ALICE), user=ALICE)
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.COV_REASON: "Weekend P1s go to the on-call"}).ok
    told = [text_of(m) for m in sandbox.messages if "Weekend P1s go to the on-call" in text_of(m)]
    assert any("Waived T1's hours gap (P1 resolution within 4h, 95% of tickets) in Acme Payroll. The reason:" in t
               for t in told), told


def test_a_calendar_named_in_quotes_is_the_working_calendar(slack, sandbox, db, team, world):  # noqa: F811
    from bot.calendars import records as calendar_records
    from bot.workspace import settings as workspace_settings
    from bot.workspace.actor import Actor
    from tests.conftest import START

    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        calendar_records.add(s, keeper, name="UK office", hours="Mon-Fri 09:00-17:30 Europe/London")
    for typed in ('"UK office"', "“UK office”"):
        assert slack.command("settings working_calendar Carrier office").ok  # another, so each change shows
        assert slack.command(f"settings working_calendar {typed}").ok
        shown = text_of(sandbox.last_ephemeral(ALICE))
        assert "There is no calendar" not in shown, shown
        with db.session() as s:
            assert workspace_settings.get(s, team, "working_calendar") == "UK office"


def test_a_setting_of_days_gives_an_example_of_days_only(slack, sandbox, team, world):  # noqa: F811
    for key, typed in (("action_nudge_before", "0"), ("action_nudge_before", "0 days"), ("complaint_answer_within", "0")):
        slack.command(f"settings {key} {typed}")
        shown = text_of(sandbox.last_ephemeral(ALICE))
        assert "For example: " in shown and "hour" not in shown and "minute" not in shown, shown
    assert ('I couldn\'t read "0" as how long before the due date: say a number and working days or days. '
            "For example: 2 working days, 1 day") in text_of(sandbox.ephemerals(ALICE)[-3])


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
