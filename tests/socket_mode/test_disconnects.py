"""A connection that goes, or that Slack asks the bot to leave, loses nothing, and nothing is done twice.

Slack delivers again an envelope it has no ack for, once the app has reconnected; the bot may have acted on it
already (its ack lost on the way), so the replay guard (handlers/replay_guard.py) must know a redelivery for what
it is. Each test puts requests in flight, breaks the connection one way, and counts what the bot did: one answer
per command, one Home per event, one stored service per submission. No test waits on a timer: the stand-in closes
the connection, the client reopens it at once through apps.connections.open, and the redelivery follows.
"""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from messages.ids import Block
from models import Service

PEOPLE = ("U0ALICE", "U0BOB", "U0CAROL", "U0DAVE")


def views_opened_for(sandbox) -> list[str]:
    """The trigger_id of every views.open the bot made."""
    return [call["args"]["trigger_id"] for call in sandbox.calls_of("views.open")]


def answered(sandbox) -> list[str]:
    """Who the bot answered through a command's response_url, once per answer (`/slm help` answers there)."""
    return sorted(response["token"].split(".")[1] for response in sandbox.responses)


def in_flight(slack, *send) -> list:
    """Sends each request without waiting for its ack; after `send`s, the caller breaks the connection."""
    slack.wait_for_ack = False
    for request in send:
        request()
    slack.wait_for_ack = True


def test_an_ack_lost_on_its_way_is_delivered_again_and_done_once(slack, sandbox, team):
    stand_in = sandbox.socket_mode
    stand_in.lose_acks(1)  # the bot acts and acks; the connection breaks as its ack travels
    outcome = slack.command("service add")
    assert outcome.status == 200  # the redelivery's ack: "handled before", nothing more
    first, *again = stand_in.deliveries
    assert again and first["type"] == "slash_commands"
    assert all(d["payload"] == first["payload"] and d["envelope_id"] != first["envelope_id"] for d in again)
    assert len(views_opened_for(sandbox)) == 1 and sandbox.open_modal(team, "U0ALICE") is not None
    assert len(sandbox.calls_of("apps.connections.open")) >= 1  # the bot reconnected through a fresh URL
    assert stand_in.connections_opened >= 1  # each through a ticket of its own: a ticket opens one connection


def test_an_event_delivered_again_says_which_attempt_and_is_handled_once(slack, sandbox):
    stand_in = sandbox.socket_mode
    stand_in.lose_acks(1)
    assert slack.open_home().status == 200
    first, again, *_ = stand_in.deliveries
    assert (first["retry_attempt"], first["retry_reason"]) == (0, "")
    assert (again["retry_attempt"], again["retry_reason"]) == (1, "connection_failed")
    assert first["payload"]["event_id"] == again["payload"]["event_id"]
    assert len(sandbox.calls_of("views.publish")) == 1


def test_a_submission_whose_ack_was_lost_is_stored_once_and_the_modal_closes(slack, sandbox, db, team):
    slack.command("role grant <@U0BOB> service-manager")
    slack.command("service add", user="U0BOB")
    form = sandbox.open_modal(team, "U0BOB")
    sandbox.socket_mode.lose_acks(1)
    assert slack.submit(form, {Block.SERVICE_NAME: "Payroll"}).ok
    with Session(db.engine) as s:
        assert [x.name for x in s.exec(select(Service))] == ["Payroll"]
    assert sandbox.open_modal(team, "U0BOB") is None


def test_a_dropped_connection_with_envelopes_in_flight_loses_none_and_doubles_none(slack, sandbox):
    stand_in = sandbox.socket_mode
    in_flight(slack, *[lambda who=who: slack.command("help", user=who) for who in PEOPLE], slack.open_home)
    stand_in.drop_connections()
    outcomes = slack.answers()
    assert [o.status for o in outcomes] == [200] * 5
    assert answered(sandbox) == sorted(PEOPLE)  # each command answered, once
    assert len(sandbox.calls_of("views.publish")) == 1
    assert stand_in.connections_opened >= 1 and not stand_in.unacked


@pytest.mark.parametrize("reason", ["refresh_requested", "warning"])
def test_asked_to_reconnect_with_envelopes_in_flight_the_bot_loses_none_and_doubles_none(slack, sandbox, reason):
    stand_in = sandbox.socket_mode
    in_flight(slack, *[lambda who=who: slack.command("help", user=who) for who in PEOPLE], slack.open_home)
    stand_in.send_disconnect(reason)
    outcomes = slack.answers()
    assert [o.status for o in outcomes] == [200] * 5
    assert answered(sandbox) == sorted(PEOPLE)
    assert len(sandbox.calls_of("views.publish")) == 1
    assert stand_in.wait_connected(opened=1)  # a new connection, through a fresh apps.connections.open
    assert len(sandbox.calls_of("apps.connections.open")) >= 1
