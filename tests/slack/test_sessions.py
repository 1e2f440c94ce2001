"""No listener holds a database connection while it waits on Slack (issue 8, section 3).

Each entry point named in the issue is driven through Slack; the session guard
(tests/session_guard.py) records any Slack call made while the listener's thread
held a pooled connection. Every test in the suite fails on such a call; these say
so for the listeners that did it, and check they still do their job.
"""
from __future__ import annotations

import pytest

from bot import service_map
from bot.workspace.actor import Actor
from messages.ids import Callback
from models import ContactRole
from tests.conftest import START
from tests.helpers import text_of
from tests.session_guard import GUARD

ALICE, CAROL = "U0ALICE", "U0CAROL"


@pytest.fixture
def acme(db, team):
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        service_map.add_service(s, admin, name="Payroll")
        service_map.add_party(s, admin, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id="C0ACMESLA",
            contacts={ContactRole.MANAGERIAL: [CAROL], ContactRole.APPROVER: [CAROL]}))


def no_connection_held_across_slack() -> None:
    found = GUARD.report()
    GUARD.violations.clear()
    assert found is None, found


@pytest.mark.parametrize("command, shown", [
    ("map", "Payroll"), ("map Payroll", "Service map: Payroll"), ("map Acme Retail", "Acme Retail"), ("map Nothing", "Nothing"),
    ("requirements Payroll", "Payroll"), ("requirements Nothing", "Nothing"),
])
def test_reading_commands_answer_after_their_session_closed(slack, sandbox, acme, command, shown):
    slack.command(command)
    no_connection_held_across_slack()
    assert shown in text_of(sandbox.last_ephemeral(ALICE))


@pytest.mark.parametrize("command, callback", [
    ("sla new", Callback.AGREEMENT_DRAFT), ("sla new Acme Retail", Callback.AGREEMENT_DRAFT),
    ("require", Callback.REQ_WHO), ("require Payroll", Callback.REQ_WHO),
])
def test_commands_open_their_modal_after_their_session_closed(slack, sandbox, team, acme, command, callback):
    slack.command(command)
    no_connection_held_across_slack()
    assert sandbox.open_modal(team, ALICE).callback_id == callback


def test_with_an_empty_map_the_commands_say_what_to_add_after_their_session_closed(slack, sandbox, team):
    slack.command("sla new")
    slack.command("require")
    slack.shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT)
    no_connection_held_across_slack()
    assert sandbox.open_modal(team, ALICE) is None
    assert "/slm service add" in text_of(sandbox.last_ephemeral(ALICE))
    assert "/slm service add" in text_of(sandbox.dms(ALICE)[-1])


def test_shortcuts_open_the_interview_after_their_session_closed(slack, sandbox, team, acme):
    slack.shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT, user=CAROL)
    no_connection_held_across_slack()
    assert sandbox.open_modal(team, CAROL).callback_id == Callback.REQ_WHO
    message = slack.post_as_user("C0ACMESLA", "Payroll must be up 99.9% of the time", user=CAROL)
    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, message)
    no_connection_held_across_slack()
    assert sandbox.open_modal(team, ALICE).callback_id == Callback.REQ_WHO
