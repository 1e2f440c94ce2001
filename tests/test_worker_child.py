"""`slm-bot run` runs the scheduled jobs in one child process (bot/worker.py), and that child never outlives it:
killed with SIGKILL (no handler runs, nothing is stopped by the bot), the bot's child goes with it, so a restarted
bot never finds an old worker still running its jobs beside the new one's.

The bot runs as a process of its own (`python -m bot.cli run`, Slack mode with a fake token), on the test's
database, its Web API pointed at the Slack stand-in.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import TEST_BOT_TOKEN, TEST_SIGNING_SECRET
from tests.servers import free_socket

REPO = Path(__file__).resolve().parents[1]
CHILD_LINE = re.compile(r"scheduled jobs run in process (\d+)")


def gone(pid: int) -> bool:
    """No such process, or only its zombie (a container's pid 1 may never reap an orphan)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in state


def within(seconds: float, predicate) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def children_started(log: Path) -> list[int]:
    return [int(pid) for pid in CHILD_LINE.findall(log.read_text(errors="replace"))]


def test_the_worker_child_is_started_once_and_dies_with_a_killed_bot(harness_clean, db, tmp_path):
    with free_socket() as sock:
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "HOST"))}
    env.update(SLACK_BOT_TOKEN=TEST_BOT_TOKEN, SLACK_SIGNING_SECRET=TEST_SIGNING_SECRET, HOST="127.0.0.1",
               SLACK_API_URL=f"{harness_clean.base_url}/sandbox/api/", DATABASE_URL=db.url, PORT=str(port),
               LOG_LEVEL="INFO", SCHEDULER="child")
    log = tmp_path / "bot.log"
    with open(log, "wb") as out:
        bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=REPO, env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    child = None
    try:
        def answering() -> bool:
            assert bot.poll() is None, f"slm-bot run exited:\n{log.read_text()[-3000:]}"
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        assert within(60, answering), "slm-bot run did not answer"
        assert within(30, lambda: children_started(log)), f"no worker child was started:\n{log.read_text()[-3000:]}"
        child = children_started(log)[0]
        assert not gone(child)
        assert len(children_started(log)) == 1

        bot.send_signal(signal.SIGKILL)
        bot.wait(10)
        assert within(10, lambda: gone(child)), "the worker child outlived the bot killed with SIGKILL"
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(10)
        if child is not None and not gone(child):
            os.kill(child, signal.SIGKILL)  # only the child this test's bot started


def test_a_stop_as_the_child_starts_leaves_no_child_running():
    """The bot stopped the moment it started (a SIGTERM during start-up): the child being started then is stopped
    too, and none is started after; before, stop() missed the child still being spawned, which ran on."""
    from bot.worker import WorkerChild

    class Recorded(WorkerChild):
        def __init__(self):
            super().__init__([sys.executable, "-c", "import time; time.sleep(60)"])  # stands in for `slm-bot worker`
            self.spawned: list[subprocess.Popen] = []

        def _spawn(self):
            process = super()._spawn()
            self.spawned.append(process)
            return process

    workers = [Recorded() for _ in range(5)]
    try:
        for worker in workers:
            worker.start()
            worker.stop()
        for worker in workers:
            worker._watcher.join(10)
            assert not worker._watcher.is_alive()
            assert all(within(10, lambda p=p: p.poll() is not None) for p in worker.spawned)
    finally:
        for worker in workers:
            for process in worker.spawned:
                if process.poll() is None:
                    process.kill()  # only what this test started
                    process.wait()
