"""The interview, answer by answer (issue 9): each question's answer is its own requirement, in its own words;
response comes before resolution; error messages say what was wrong with what was typed."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import service_map
from bot.workspace.actor import Actor
from messages.ids import Block, Callback
from models import ContactRole, Requirement
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"


@pytest.fixture
def acme(db, team):
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        payroll = service_map.add_service(s, admin, name="Payroll")
        acme = service_map.add_party(s, admin, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id="C0ACMESLA",
            contacts={ContactRole.MANAGERIAL: [CAROL], ContactRole.OPERATIONAL: [BOB]}))
    return {"service": payroll.id, "customer": acme.id}


def stored(db) -> list[Requirement]:
    with Session(db.engine) as s:
        return list(s.exec(select(Requirement).order_by(Requirement.number)))


def questions(slack, sandbox, team, user, topics=None):
    """Open the interview as `user` (known to the map) and go to the questions step."""
    slack.command("require Payroll", user=user)
    assert slack.submit(sandbox.open_modal(team, user)).ok
    step = sandbox.open_modal(team, user)
    assert step.callback_id == Callback.REQ_TOPICS
    assert slack.submit(step, {Block.REQ_TOPICS: topics} if topics else None).ok
    details = sandbox.open_modal(team, user)
    assert details.callback_id == Callback.REQ_DETAILS
    return details


def test_what_good_looks_like_and_availability_are_two_requirements(slack, sandbox, db, team, acme):
    details = questions(slack, sandbox, team, CAROL, ["good"])
    assert slack.submit(details, {Block.REQ_GOOD: "Payslips out by the 25th, every month",
                                  Block.REQ_AVAILABILITY: "99.9%"}).ok
    assert [(r.category, r.metric, r.target, r.statement) for r in stored(db)] == [
        ("other", None, None, "What good looks like: Payslips out by the 25th, every month"),
        ("availability", "availability", "99.9%", "Available 99.9% of the time, monthly."),
    ]
    assert "Recorded 2 requirements" in text_of(sandbox.last_ephemeral(CAROL))


def test_a_response_after_its_resolution_is_refused_in_the_interview(slack, sandbox, db, team, acme):
    details = questions(slack, sandbox, team, BOB, ["incidents"])
    outcome = slack.submit(details, {Block.REQ_P1_RESPONSE: "8h", Block.REQ_P1_RESOLUTION: "1h",
                                     Block.REQ_P2_RESPONSE: "30 min", Block.REQ_P2_RESOLUTION: "8h"})
    assert outcome.errors == {Block.REQ_P1_RESPONSE: "A P1 response of 8h would come after the P1 resolution of 1h: "
                                                     "a ticket is responded to before it is resolved."}
    assert stored(db) == []
    assert slack.submit(details, {Block.REQ_P1_RESPONSE: "15 min", Block.REQ_P1_RESOLUTION: "1h"}).ok


@pytest.mark.parametrize("field,typed,said,not_said", [
    (Block.REQ_P1_RESPONSE, "0", "a duration must be longer than zero", "0 min or 0h"),
    (Block.REQ_SUPPORT_HOURS, "weekdays mostly", 'I don\'t understand "mostly"', "time zone"),
])
def test_errors_say_what_is_wrong_with_what_was_typed(slack, sandbox, db, team, acme, field, typed, said, not_said):
    details = questions(slack, sandbox, team, BOB)
    error = slack.submit(details, {field: typed}).errors[field]
    assert said in error and not_said not in error
    assert stored(db) == []


@pytest.mark.parametrize("field,said", [
    (Block.REQ_P1_RESPONSE, 'I couldn\'t read "banana" as a duration: start with a number followed by a unit.'),
    (Block.REQ_SUPPORT_HOURS, 'I couldn\'t read "banana" as service hours: give days and times.'),
])
def test_what_was_typed_is_quoted_once(slack, sandbox, db, team, acme, field, said):
    error = slack.submit(questions(slack, sandbox, team, BOB), {field: "banana"}).errors[field]
    assert error.startswith(said) and error.count("banana") == 1, error


def test_the_cost_of_an_outage_is_money_in_a_currency(slack, sandbox, db, team, acme):
    details = questions(slack, sandbox, team, CAROL, ["outage_cost"])
    error = slack.submit(details, {Block.REQ_OUTAGE_COST: "lots"}).errors[Block.REQ_OUTAGE_COST]
    assert "as a cost per hour" in error and "£20,000 an hour" in error and "tickets/month" not in error
    error = slack.submit(details, {Block.REQ_OUTAGE_COST: "20,000"}).errors[Block.REQ_OUTAGE_COST]
    assert "say which currency" in error
    assert slack.submit(details, {Block.REQ_OUTAGE_COST: "£20k an hour"}).ok
    [req] = stored(db)
    assert (req.metric, req.target, req.statement) == ("outage_cost", "20,000 GBP an hour",
                                                       "An outage costs 20,000 GBP an hour.")
    slack.command("requirements Payroll", user=CAROL)
    assert "An outage costs 20,000 GBP an hour." in text_of(sandbox.last_ephemeral(CAROL))
