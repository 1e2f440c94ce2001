"""People are told what happened (issue 8, section 6): done is said to be done; a busy Slack is said to be busy.

Slack's failures are injected with the stand-in's fail_next. The client's own
retry waits are taken out: the harness's client waits nothing between tries
(tests/conftest.py NO_WAIT_RETRIES), and a form's waits within its trigger's life
are recorded through bot/slack_retries._sleep, so no test sleeps.
"""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import service_map, slack_retries
from bot.workspace.actor import Actor
from messages.ids import Block, Callback
from models import Calendar, ContactRole, Party, Requirement, Service
from tests.conftest import START
from tests.helpers import text_of

ALICE, CAROL = "U0ALICE", "U0CAROL"
BUSY = "Slack is busy right now, so the form could not open. Please try again in a moment."
NOT_DONE = "what you asked for was not done"


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The retry waits the client would have slept, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(slack_retries, "_sleep", recorded.append)
    return recorded


@pytest.fixture
def acme(db, team):
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        payroll = service_map.add_service(s, admin, name="Payroll")
        service_map.add_party(s, admin, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id="C0ACMESLA",
            contacts={ContactRole.MANAGERIAL: [CAROL], ContactRole.APPROVER: [CAROL]}))
    return payroll.id


def rows(db, model) -> list:
    with Session(db.engine) as s:
        return list(s.exec(select(model).order_by(model.id)))


def fail_every_reply(sandbox) -> None:
    """The ephemeral reply (past the client's own retries, 1 + 2) and the DM it falls back to (a post others see
    is never tried twice: Slack may have taken it) both fail."""
    sandbox.fail_next("chat.postEphemeral", 500, times=3)
    sandbox.fail_next("chat.postMessage", 500)


def test_a_service_added_but_not_shown_is_said_to_be_added(slack, sandbox, db, waits):
    slack.command("service add Payroll")
    fail_every_reply(sandbox)
    assert slack.submit().ok
    told = text_of(sandbox.dms(ALICE)[-1])
    assert "The service Payroll is added; but showing it in Slack failed" in told
    assert "Nothing needs doing again." in told and NOT_DONE not in told
    assert [s.name for s in rows(db, Service)] == ["Payroll"]


def test_a_quoted_requirement_recorded_but_not_shown_is_said_to_be_recorded(slack, sandbox, db, team, acme, waits):
    message = slack.post_as_user("C0ACMESLA", "We need P1 incidents fixed within 4 hours", user=CAROL)
    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, message)
    assert slack.submit(values={Block.REQ_SERVICE: str(acme)}).ok
    fail_every_reply(sandbox)
    assert slack.submit(values={Block.REQ_TARGET: "4 hours", Block.REQ_LEVEL: "P1"}).ok
    told = text_of(sandbox.dms(ALICE)[-1])
    assert "Requirement #1 is recorded; but showing it in Slack failed" in told
    assert "Nothing needs doing again." in told and NOT_DONE not in told
    [req] = rows(db, Requirement)
    assert (req.number, req.source, req.target) == (1, "message", "4h")


@pytest.mark.parametrize("command, values, said, model", [
    ("party add customer Acme Retail", {Block.PARTY_CHANNEL: "C0ACMESLA"}, "The customer Acme Retail is added", Party),
    ("calendar add", {Block.CAL_NAME: "UK office", Block.CAL_HOURS: "Mon-Fri 9-5"}, "The calendar UK office is added",
     Calendar),
])
def test_other_forms_stored_but_not_shown_say_what_is_stored(slack, sandbox, db, waits, command, values, said, model):
    slack.command(command)
    fail_every_reply(sandbox)
    assert slack.submit(values=values).ok
    told = text_of(sandbox.dms(ALICE)[-1])
    assert f"{said}; but showing it in Slack failed" in told and NOT_DONE not in told
    assert len(rows(db, model)) == 1


def test_a_form_slack_will_not_open_in_time_is_said_to_be_slack_being_busy(slack, sandbox, team, waits):
    sandbox.fail_next("views.open", 429, retry_after=5)  # longer than the trigger lives
    slack.command("service add Payroll")
    assert len(sandbox.calls_of("views.open")) == 1 and waits == []  # given up at once, nothing slept
    assert sandbox.open_modal(team, ALICE) is None
    assert BUSY in text_of(sandbox.last_ephemeral(ALICE))


def test_a_form_is_retried_only_while_its_trigger_lives(slack, sandbox, team, acme, waits):
    sandbox.fail_next("views.open", 429, retry_after=1, times=3)
    slack.shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT)  # the answer has no response_url: a DM
    assert waits == [1.0, 1.0]  # two seconds of waiting in all, no jitter; a third would outlive the trigger
    assert len(sandbox.calls_of("views.open")) == 3
    assert BUSY in text_of(sandbox.dms(ALICE)[-1])


def test_a_short_rate_limit_on_a_form_is_ridden_out(slack, sandbox, team, waits):
    sandbox.fail_next("views.open", 429, retry_after=1)
    slack.command("service add Payroll")
    assert waits == [1.0]
    assert sandbox.open_modal(team, ALICE).callback_id == Callback.SERVICE_FORM

