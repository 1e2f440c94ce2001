"""The bot over Socket Mode: a second Bolt app on the harness's Deps (the same database, clock and stand-in),
connected the way `slm-bot run` connects with SLACK_APP_TOKEN set (bot/socket_mode.connect), to the stand-in's
WebSocket (bot/sandbox/socket_mode.py). Here `slack` is a driver whose every request is an envelope on that
connection, so a test written for HTTP runs unchanged over Socket Mode."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot import socket_mode
from bot.app import create_bolt_app
from bot.sandbox.executor import TrackedExecutor
from bot.sandbox.socket_driver import SocketModeDriver
from bot.sandbox.socket_mode import SANDBOX_APP_TOKEN

# The client's connection check: short, so that a connection found dead is reopened within the test's bounds.
# (A connection the stand-in closes is reopened at once; no test waits for this.)
CHECK_SECONDS = 1.0


@dataclass
class SocketBot:
    handler: SocketModeHandler
    executor: TrackedExecutor


@pytest.fixture(scope="session")
def socket_bot(harness) -> SocketBot:
    executor = TrackedExecutor()
    bolt = create_bolt_app(harness.deps, listener_executor=executor)
    handler = socket_mode.connect(bolt, SANDBOX_APP_TOKEN, check_seconds=CHECK_SECONDS)
    assert harness.sandbox.socket_mode.wait_connected(opened=0), "the bot did not connect in Socket Mode"
    yield SocketBot(handler, executor)
    handler.close()


@pytest.fixture
def slack(harness_clean, socket_bot) -> SocketModeDriver:
    driver = SocketModeDriver(harness_clean.sandbox, wait_idle=socket_bot.executor.wait_idle)
    yield driver
    driver.http.close()
    # Whatever the test did reached the bot as envelopes on its WebSocket, and each was acked.
    assert driver.stand_in.deliveries, "nothing went over Socket Mode"
    assert not driver.stand_in.unacked, "envelopes were left unacked"
    assert driver.stand_in.wait_answered(), "a delivery was left unacked: its work would land in the next test"
    # A connection the bot was asked to leave is gone (tests that count connections count from here).
    assert driver.stand_in.wait_connections(1), "the bot holds other connections than its one"

