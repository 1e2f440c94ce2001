"""Over Socket Mode too, an ack never waits for other listeners' work: tests/test_acks_apart.py's tests, run here
with a bot of one work slot connected by WebSocket. Should an ack wait behind the held slot, no ack would come
before the driver gives up (status NO_ACK), while the held work waits for the test for 30 s."""
from __future__ import annotations

import pytest

from bot import socket_mode
from bot.app import Deps, create_bolt_app
from bot.listener_threads import ListenerThreads
from bot.sandbox.socket_driver import SocketModeDriver
from bot.sandbox.socket_mode import SANDBOX_APP_TOKEN
from tests.socket_mode.conftest import CHECK_SECONDS
from tests.test_acks_apart import (  # noqa: F401  (map_held: a fixture of the imported tests)
    map_held, test_acks_are_answered_while_a_home_tab_is_being_drawn,
    test_acks_are_answered_while_every_work_slot_is_busy)


@pytest.fixture
def one_work_slot(harness_clean, socket_bot):
    """A second bot, with one work slot, connected in Socket Mode: the stand-in sends to the newest connection,
    so it gets every envelope until it closes. Yields (driver, threads)."""
    threads = ListenerThreads(work_slots=1)
    deps = Deps(settings=harness_clean.deps.settings, db=harness_clean.deps.db, clock=harness_clean.clock,
                slack_retry_handlers=harness_clean.deps.slack_retry_handlers)
    stand_in = harness_clean.sandbox.socket_mode
    before = stand_in.connections
    handler = socket_mode.connect(create_bolt_app(deps, listener_executor=threads), SANDBOX_APP_TOKEN,
                                  check_seconds=CHECK_SECONDS)
    try:
        assert stand_in.wait_connected(opened=1)
        driver = SocketModeDriver(harness_clean.sandbox, ack_timeout=5.0)  # no waiting for the work after acks
        yield driver, threads
        assert not stand_in.unacked
    finally:
        handler.close()
    # Gone before the next test: the stand-in sends to the newest connection.
    assert stand_in.wait_connections(before), "the second bot's connection outlived it"
