"""Labels say what happens (issue 9, item 10): a required field is required, an optional one is optional, and
nothing is filled in that the person did not choose or write."""
from __future__ import annotations

import copy

from sqlmodel import Session, select

from messages.ids import Action, Block
from models import Action as ActionRow
from models import ServiceLink
from tests.slack.test_coverage import ALICE, CAROL, agree_button, build_tree, world  # noqa: F401  (a fixture)
from tests.slack.test_interview_answers import BOB, acme, questions, stored  # noqa: F401  (a fixture)
from tests.slack.test_service_map import link


def block(view, block_id):
    return next(b for b in view.view["blocks"] if b.get("block_id") == block_id)


def without_initial_option(view, block_id):
    """The form as a client shows it that does not preselect: the person leaves the choice blank."""
    shown = copy.deepcopy(view)
    block(shown, block_id)["element"].pop("initial_option")
    return shown


def test_how_firm_is_required_shown_chosen_and_a_blank_is_refused(slack, sandbox, db, team, acme):  # noqa: F811
    details = questions(slack, sandbox, team, BOB, ["incidents"])
    firm = block(details, Block.REQ_PRIORITY)
    assert firm["optional"] is False and firm["element"]["initial_option"]["value"] == "must"
    assert "“Must have” is chosen for you" in firm["hint"]["text"]
    outcome = slack.submit(without_initial_option(details, Block.REQ_PRIORITY), {Block.REQ_P1_RESOLUTION: "4h"})
    assert outcome.errors == {Block.REQ_PRIORITY: "Choose how firm this is: must, should or could have."}
    assert stored(db) == []
    assert slack.submit(details, {Block.REQ_P1_RESOLUTION: "4h", Block.REQ_PRIORITY: "should"}).ok
    assert [r.priority for r in stored(db)] == ["should"]


def test_activities_are_required_and_other_ones_are_named(slack, sandbox, db, team):
    slack.command("service add Payroll")
    slack.submit(values={Block.SERVICE_NAME: "Payroll"})
    slack.command("party add")
    slack.submit(values={Block.PARTY_KIND: "customer", Block.PARTY_NAME: "Acme Retail", Block.PARTY_CHANNEL: "C0ACMESLA"})
    slack.command("link")
    activities = block(sandbox.open_modal(team, ALICE), Block.LINK_ACTIVITIES)
    assert activities["optional"] is False  # Slack marks it required, as the rule is: at least one
    assert activities["element"]["options"][-1]["value"] == "other"
    sandbox.close_modals(team, ALICE)
    outcome = link(slack, sandbox, team, "Payroll", "Acme Retail", activities=("other",))
    assert outcome.errors == {Block.LINK_OTHER_ACTIVITIES: "You picked “Other”: name those activities here, "
                                                           "separated by commas."}
    assert link(slack, sandbox, team, "Payroll", "Acme Retail", activities=("other",), other="payroll runs").ok
    with Session(db.engine) as s:
        assert [row.activities for row in s.exec(select(ServiceLink))] == [["payroll runs"]]


def test_what_is_to_be_done_is_the_persons_words(slack, sandbox, db, team, world):  # noqa: F811
    build_tree(slack, sandbox, team)
    agree_button(sandbox, db, slack, ALICE)  # the buttons are the service manager's own
    slack.click(Action.COVER_UPGRADE, message=sandbox.last_ephemeral(ALICE), user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    title = block(modal, Block.COV_TITLE)
    assert title["optional"] is False and "initial_value" not in title["element"]  # nothing invented in the field
    assert title["hint"]["text"].startswith("For example: Upgrade what underpins")
    outcome = slack.submit(modal, {Block.COV_DUE: "2026-03-20"})
    assert outcome.errors == {Block.COV_TITLE: "Say what is to be done."}
    with Session(db.engine) as s:
        assert s.exec(select(ActionRow)).all() == []
