"""`slm-bot run` with SLACK_APP_TOKEN and no signing secret: the process connects to Slack (here the stand-in,
through SLACK_API_URL) in Socket Mode and takes a command there, while `/slack/events` is not served at all
(nothing could check a signature). The start path (bot/server.py) is what this tests; the protocol and the
faults are tested against the in-process bot beside it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from bot.sandbox.socket_driver import SocketModeDriver
from bot.sandbox.socket_mode import SANDBOX_APP_TOKEN
from tests.conftest import TEST_BOT_TOKEN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_bot_started_with_an_app_token_takes_commands_over_socket_mode(harness_clean, db, tmp_path):
    stand_in = harness_clean.sandbox.socket_mode
    before, port = stand_in.connections, free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "HOST"))}
    env.update(SLACK_BOT_TOKEN=TEST_BOT_TOKEN, SLACK_APP_TOKEN=SANDBOX_APP_TOKEN, HOST="127.0.0.1", PORT=str(port),
               SLACK_API_URL=f"{harness_clean.base_url}/sandbox/api/", DATABASE_URL=db.url, SCHEDULER="off",
               LOG_LEVEL="WARNING")
    log = tmp_path / "run.log"
    with log.open("w") as out:
        bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    try:
        assert stand_in.wait_connections(before + 1, timeout=30), f"no Socket Mode connection: {log.read_text()}"
        slack = SocketModeDriver(harness_clean.sandbox)  # the process's connection is the newest: it gets this
        outcome = slack.command("help")
        assert outcome.status == 200, log.read_text()
        assert stand_in.wait_answered()
        # help answers after its ack, in the process: waited for as a person waits for it
        assert until(lambda: any("/slm service add" in str(r) for r in harness_clean.sandbox.responses)), \
            log.read_text()
        unsigned = httpx.post(f"http://127.0.0.1:{port}/slack/events", json={"type": "event_callback"}, timeout=5)
        assert unsigned.status_code == 404  # no signing secret: no HTTP door for Slack requests
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
    assert stand_in.wait_connections(before), "the process's connection outlived it"
