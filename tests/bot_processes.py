"""Real `slm-bot` processes for the replica and fault tests: `run` and `tick` forked from a zygote
(tests/fault_zygote.py, which imports the bot once), on the test's database, in Slack mode with a fake token,
against the Slack stand-in the test serves. The stand-in lives in the test process, so it outlives every kill.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.sandbox.driver import SlackDriver
from tests.conftest import TEST_BOT_TOKEN, TEST_SIGNING_SECRET
from tests.helpers import text_of

ZYGOTE = Path(__file__).with_name("fault_zygote.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(predicate, seconds: float, step: float = 0.03) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def bot_env(harness, database_url: str, port: int, **extra: str) -> dict:
    """What a replica is started with: Slack mode, the stand-in as its Web API, scheduled jobs only when ticked."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "HOST"))}
    env.update(SLACK_BOT_TOKEN=TEST_BOT_TOKEN, SLACK_SIGNING_SECRET=TEST_SIGNING_SECRET, HOST="127.0.0.1",
               SLACK_API_URL=f"{harness.base_url}/sandbox/api/", DATABASE_URL=database_url, PORT=str(port),
               LOG_LEVEL="WARNING", SCHEDULER="off", **extra)
    return env


class Replica:
    """One replica: its `slm-bot run` (HTTP: Slack requests and the API) and the `slm-bot tick`s the test starts."""

    def __init__(self, harness, database_url: str, log: Path, **extra_env: str):
        self.port, self.log = free_port(), log
        env = bot_env(harness, database_url, self.port, **extra_env)
        self.zygote = subprocess.Popen([sys.executable, str(ZYGOTE), str(log)], env=env, cwd=log.parent, text=True,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.slack = SlackDriver(harness.sandbox, f"{self.base_url}/slack/events", TEST_SIGNING_SECRET)
        self.http = httpx.Client(timeout=10)
        self.server: int | None = None
        self.ticks: list[int] = []
        self.kills = 0

    def _fork(self, command: str) -> int:
        self.zygote.stdin.write(command + "\n")
        self.zygote.stdin.flush()
        return int(self.zygote.stdout.readline())

    def start(self, seconds: float = 30) -> None:
        self.server = self._fork("run")
        assert wait_for(self.answers, seconds, 0.02), f"slm-bot run did not start: see {self.log}"

    def answers(self) -> bool:
        assert self.server and alive(self.server), f"slm-bot run exited: see {self.log}"
        try:
            return self.http.get(f"{self.base_url}/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def tick(self) -> int:
        pid = self._fork("tick")
        self.ticks.append(pid)
        return pid

    def command(self, *argv: str) -> int:
        """Another `slm-bot` command (`import ...`) as a process of this replica, killed with the others."""
        pid = self._fork(" ".join(argv))
        self.ticks.append(pid)
        return pid

    def ticking(self) -> bool:
        self.ticks = [pid for pid in self.ticks if alive(pid)]
        return bool(self.ticks)

    def kill(self) -> None:
        """SIGKILL to every process of this replica: no handler runs, nothing is flushed or rolled back."""
        for pid in [self.server, *self.ticks]:
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)
                self.kills += 1
        pids, self.server, self.ticks = [self.server, *self.ticks], None, []
        assert wait_for(lambda: not any(pid and alive(pid) for pid in pids), 5), "a killed process lived on"

    def close(self) -> None:
        """Every process gone, the zygote too, whatever failed on the way (no process outlives the test)."""
        try:
            self.kill()
            self.zygote.stdin.write("quit\n")
            self.zygote.stdin.flush()
            self.zygote.wait(5)
        finally:
            if self.zygote.poll() is None:
                self.zygote.kill()
                self.zygote.wait(5)
            self.http.close()
            self.slack.http.close()


TOKEN = re.compile(r"slm_[A-Za-z0-9_-]{20,}")


def token_from(replica: Replica, sandbox, name: str, user: str = "U0ALICE") -> str:
    """`/slm token new <name>` sent to this replica; the token it shows (once) to the person."""
    seen = len(sandbox.ephemerals(user))
    assert replica.slack.command(f"token new {name}", user=user).ok
    assert wait_for(lambda: len(sandbox.ephemerals(user)) > seen, 10), "the replica did not answer the command"
    found = TOKEN.search(text_of(sandbox.ephemerals(user)[-1]))
    assert found, text_of(sandbox.ephemerals(user)[-1])
    return found.group()
