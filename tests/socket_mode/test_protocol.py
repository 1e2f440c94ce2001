"""The Socket Mode stand-in speaks Slack's protocol: what `apps.connections.open` takes and answers, the greeting,
one-time tickets, the envelopes' shapes for each kind of request, acks with and without a payload, and an envelope
left unacked going to the next connection. A plain WebSocket client (the `websockets` package) plays the app where
the bot's own client would hide what is on the wire."""
from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from starlette.applications import Starlette
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot.sandbox.objects import APP_ID
from bot.sandbox.socket_mode import SANDBOX_APP_TOKEN, SocketModeStandIn, socket_mode_routes
from messages.ids import Action, Block
from tests.conftest import TEST_BOT_TOKEN
from tests.servers import base_url_of, free_socket, serving
from tests.slack.test_requirements import acme, quote_and_open  # noqa: F401  (acme: a fixture used below)


def web_client(harness, token: str) -> WebClient:
    return WebClient(token=token, base_url=f"{harness.base_url}/sandbox/api/", retry_handlers=[])


def link_url(harness) -> str:
    return web_client(harness, SANDBOX_APP_TOKEN).apps_connections_open(app_token=SANDBOX_APP_TOKEN)["url"]


@pytest.mark.parametrize(("method", "token", "error"), [
    ("apps.connections.open", TEST_BOT_TOKEN, "not_allowed_token_type"),  # a bot token cannot open a connection
    ("apps.connections.open", "xapp-1-A0OTHER-1-not-this-apps-token", "invalid_auth"),
    ("chat.postMessage", SANDBOX_APP_TOKEN, "not_allowed_token_type"),  # nor an app-level token post
])
def test_each_method_takes_its_own_kind_of_token(harness_clean, method, token, error):
    with pytest.raises(SlackApiError) as refused:
        web_client(harness_clean, token).api_call(method, params={"channel": "C0GENERAL", "text": "hi"})
    assert refused.value.response["error"] == error


def test_the_app_token_opens_a_link_with_a_one_time_ticket_and_is_greeted(harness_clean):
    url = link_url(harness_clean)
    parts = urlsplit(url)
    assert parts.scheme == "ws" and parts.path == "/sandbox/link/"
    assert parse_qs(parts.query)["app_id"] == [APP_ID] and parse_qs(parts.query)["ticket"]
    with connect(url) as app:
        hello = json.loads(app.recv(timeout=5))
        assert hello["type"] == "hello" and hello["num_connections"] >= 1
        assert hello["connection_info"] == {"app_id": APP_ID}
    with pytest.raises(InvalidStatus):  # the ticket is spent
        connect(url)


@pytest.mark.parametrize("how", ["no ticket", "a browser page"])
def test_a_link_is_refused_without_a_ticket_or_from_a_browser(harness_clean, how):
    url = link_url(harness_clean)
    with pytest.raises(InvalidStatus):
        if how == "no ticket":
            connect(url.split("?")[0])
        else:  # a page elsewhere could open a WebSocket to this machine; it sends its Origin
            connect(url, origin="http://evil.example")


@pytest.fixture
def own_stand_in() -> SocketModeStandIn:
    """A stand-in of the test's own, served on its own port: the harness's holds the in-process bot's connection
    (tests/socket_mode/conftest.py), which may reconnect at any moment and become the newest, the one envelopes
    go to; here only the test's connections are ever there."""
    sock = free_socket()
    stand_in = SocketModeStandIn(base_url_of(sock))
    with serving(Starlette(routes=socket_mode_routes(stand_in)), sock):
        yield stand_in


def test_a_request_left_unacked_goes_to_the_next_connection_and_its_ack_payload_is_taken(own_stand_in):
    stand_in = own_stand_in
    with connect(stand_in.open_ticket()) as first:
        first.recv(timeout=5)  # hello
        assert stand_in.connections == 1  # greeted: envelopes go here from now on
        envelope = stand_in.deliver("slash_commands", {"command": "/slm", "text": "help"})
        sent = json.loads(first.recv(timeout=5))
        assert sent == {"envelope_id": envelope.id, "type": "slash_commands", "accepts_response_payload": True,
                        "payload": {"command": "/slm", "text": "help"}}
        with connect(stand_in.open_ticket()) as second:
            second.recv(timeout=5)  # hello
            assert stand_in.connections == 2
            first.close()  # gone without an ack: the envelope goes to the connection the app still holds
            again = json.loads(second.recv(timeout=5))
            assert again["envelope_id"] != sent["envelope_id"]  # each delivery in an envelope of its own
            assert {**again, "envelope_id": sent["envelope_id"]} == sent
            second.send(json.dumps({"envelope_id": "not-one-of-ours", "payload": {"text": "stray"}}))
            second.send(json.dumps({"envelope_id": again["envelope_id"], "payload": {"text": "Here is what I can do"}}))
            assert stand_in.wait_ack(envelope) == {"text": "Here is what I can do"}
    assert not stand_in.unacked


def test_envelopes_carry_what_the_http_request_carried(slack, sandbox, team):
    slack.command("service add")
    form = sandbox.open_modal(team, "U0ALICE")
    assert slack.submit(form, {Block.SERVICE_NAME: "   "}).errors  # the inline error came back in the ack
    slack.open_home()
    command, submission, event = sandbox.socket_mode.deliveries
    assert (command["type"], command["accepts_response_payload"]) == ("slash_commands", True)
    assert command["payload"]["command"] == "/slm" and command["payload"]["text"] == "service add"
    assert all(isinstance(value, str) for value in command["payload"].values())  # a form's fields, as strings
    assert (submission["type"], submission["accepts_response_payload"]) == ("interactive", True)
    assert submission["payload"]["type"] == "view_submission" and submission["payload"]["view"]["id"] == form.id
    assert (event["type"], event["accepts_response_payload"]) == ("events_api", False)
    assert event["payload"]["type"] == "event_callback" and event["payload"]["event"]["type"] == "app_home_opened"
    assert "retry_attempt" not in command and "retry_attempt" not in submission


def test_a_button_press_is_an_interactive_envelope_that_takes_no_answer(slack, sandbox, team, acme):  # noqa: F811
    _, who = quote_and_open(slack, sandbox, team, "Payroll must be available 99.9% of the month")
    slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])})
    assert slack.submit(sandbox.open_modal(team, "U0ALICE"), {Block.REQ_TARGET: "99.9%"}).ok
    slack.click(Action.REQ_ASK_REQUESTER, message=sandbox.last_ephemeral("U0ALICE"))
    press = sandbox.socket_mode.deliveries[-1]
    assert (press["type"], press["accepts_response_payload"]) == ("interactive", False)
    assert press["payload"]["type"] == "block_actions"
    assert press["payload"]["actions"][0]["action_id"] == Action.REQ_ASK_REQUESTER
    assert len(sandbox.dms("U0CAROL")) == 1  # the press was acted on


def test_a_command_that_says_no_user_is_answered_with_nothing_and_logged(slack, sandbox, caplog):
    # Slack always sends the user; an envelope without one (as a stray test's once reached the bot) ends at the
    # middleware, logged, instead of failing in the listener.
    envelope = sandbox.socket_mode.deliver("slash_commands", {"command": "/slm", "text": "help"})
    assert sandbox.socket_mode.wait_ack(envelope) == {}
    assert sandbox.socket_mode.wait_answered() and slack.wait_idle()  # whatever the bot did, done
    said = [r for r in caplog.records if r.name == "handlers.middleware"]
    assert [r.levelno for r in said] == [logging.WARNING] and "no user" in said[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not sandbox.responses
