"""The bot killed with SIGKILL while it posts, then restarted: every message arrives exactly once.

The bot runs as processes of its own (`slm-bot run` in Slack mode with a fake token, and `slm-bot tick`), on the
test's database, against the Slack stand-in served by this test process, so the stand-in outlives every kill.
Each round queues an agreement to post (headline, two versions, two documents) and two notices, sets off
`/slm sla post` and a tick, and kills every bot process at a random moment: from inside the stand-in as a call
arrives ("before Slack took it") or once the stand-in has taken it and before it answers ("after Slack took
it, before the bot heard"), or on a timer. Then it restarts the bot, runs `post` and `tick` again, and counts
what Slack got by metadata key (documents by file name).

The scheduled jobs run only in the `slm-bot tick`s the test starts and kills (SCHEDULER=off, as in the replica and
ingestion tests): a worker child (SCHEDULER=child) is a fresh interpreter importing the whole bot, about 1.5 s of
CPU per start and thirty-one starts here, and its first job (the outbox's, every 5 s) comes after a round's server is
long killed, so it added CPU, not senders. That a killed bot's worker dies with it is tests/test_worker_child.py's.
The test's own looks at the database only read (on SQLite they take no write lock the bot is waiting for).
"""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import httpx
from sqlmodel import select

from bot import agreements, outbox
from bot.agreements import targets
from bot.workspace.actor import Actor
from bot.sandbox.driver import SlackDriver
from models import Agreement, AgreementKind, AgreementVersion, Outbox
from tests.bot_processes import alive
from tests.conftest import START, TEST_BOT_TOKEN, TEST_SIGNING_SECRET
from tests.slack.test_agreements import ALICE, CHANNEL, acme  # noqa: F401

ROUNDS = int(os.environ.get("SIGKILL_ROUNDS", "30"))
# The calls a round makes, and how many of each: a headline and a version post (or a version post), and a DM;
# a document (an upload URL, then completing the upload); the headline kept up to date.
CALLS = {"chat.postMessage": 3, "files.getUploadURLExternal": 1, "files.completeUploadExternal": 1, "chat.update": 1}
ZYGOTE = Path(__file__).with_name("fault_zygote.py")


class Bot:
    """The bot's processes, started through the zygote, killed with SIGKILL."""

    def __init__(self, env: dict, log: Path, port: int):
        self.port, self.log = port, log
        self.zygote = subprocess.Popen([sys.executable, str(ZYGOTE), str(log)], env=env, cwd=log.parent, text=True,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.server: int | None = None
        self.ticks: list[int] = []
        self.kills = 0
        self.http = httpx.Client(timeout=0.5)  # one client: a new one per poll costs an SSL context each time

    def _fork(self, command: str) -> int:
        self.zygote.stdin.write(command + "\n")
        self.zygote.stdin.flush()
        return int(self.zygote.stdout.readline())

    def start(self) -> None:
        self.server = self._fork("run")
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.http.get(f"http://127.0.0.1:{self.port}/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert alive(self.server), f"slm-bot run exited: see {self.log}"
            assert time.monotonic() < deadline, "slm-bot run did not start"
            time.sleep(0.02)

    def tick(self) -> int:
        pid = self._fork("tick")
        self.ticks.append(pid)
        return pid

    def kill(self) -> None:
        """SIGKILL to every bot process: no handler runs, nothing is flushed or rolled back by the bot."""
        for pid in [self.server, *self.ticks]:
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)
                self.kills += 1
        self.server, self.ticks = None, []
        _wait(lambda: not self.processes_alive(), 5)

    def processes_alive(self) -> bool:
        return any(pid and alive(pid) for pid in [self.server, *self.ticks])

    def close(self) -> None:
        self.kill()
        self.zygote.stdin.write("quit\n")
        self.zygote.stdin.flush()
        self.zygote.wait(5)
        self.http.close()


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.03)
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queue_round(db, team, acme, n: int) -> str:  # noqa: F811
    """What round n must post: odd rounds a new agreement (its headline, version 1 and its document), even rounds
    the last one's version 2 (its post and document); and a notice, every round."""
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    docs = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
    name = f"Round {(n + 1) // 2}"
    with db.session() as s:
        if n % 2:
            agreements.draft(s, admin, agreements.DraftInput(
                kind=AgreementKind.SLA, name=name, counterparty_id=acme["customer"], service_ids=[acme["service"]],
                start=date(2026, 4, 1), end=date(2027, 3, 31), review_month=4, channel_id=CHANNEL), docs)
        else:
            agreement = s.exec(select(Agreement).where(Agreement.name == name)).one()
            agreements.propose(s, admin, agreement, targets.ClauseChange("scope", f"Payroll, round {n}"),
                               "Narrower scope", docs)
        outbox.enqueue(s, team, f"fault:{n}", "U0BOB", "req_status.yml.j2", {"sentence": f"Notice {n}"}, START)
    return name


def thread_finished(db, name: str) -> bool:
    with db.read_session() as s:
        row = s.exec(select(Agreement).where(Agreement.name == name)).one()
        versions = s.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == row.id)).all()
        return bool(row.thread_ts) and all(v.message_ts and v.document_posted_at for v in versions)


def notice_sent(db, n: int) -> bool:
    with db.read_session() as s:
        return s.exec(select(Outbox.status).where(Outbox.key == f"fault:{n}")).one() == "sent"


def finished(db, name: str, n: int) -> bool:
    return thread_finished(db, name) and notice_sent(db, n)


def expected_keys(db, name: str, n: int) -> list[str]:
    with db.read_session() as s:
        row = s.exec(select(Agreement).where(Agreement.name == name)).one()
        versions = s.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == row.id)).all()
        return [agreements.headline_key(row.id), *(agreements.version_key(v.id) for v in versions), f"fault:{n}"]


def arm(sandbox, bot: Bot, rng: random.Random) -> tuple[str, threading.Timer | None]:
    """One kill, at a random moment of this round's work."""
    if rng.random() < 0.75:
        method = rng.choice(sorted(CALLS))
        after, nth = rng.random() < 0.5, rng.randint(1, CALLS[method])
        seen = {"n": 0}

        def on_call():
            seen["n"] += 1
            if seen["n"] == nth:
                bot.kill()
            else:
                sandbox.trip_next(method, on_call, after=after)
        sandbox.trip_next(method, on_call, after=after)
        return f"{method} #{nth} {'after' if after else 'before'} Slack took it", None
    delay = rng.uniform(0, 0.4)
    timer = threading.Timer(delay, bot.kill)
    timer.start()
    return f"after {delay:.2f}s", timer


def tagged(sandbox) -> list[str]:
    return [m.metadata["event_payload"]["key"] for m in sandbox.messages if m.metadata]


def documents(sandbox) -> list[str]:
    return [f["name"] for m in sandbox.messages for f in m.files]


def test_killed_at_random_points_and_restarted_every_message_arrives_exactly_once(
        harness_clean, db, team, acme, tmp_path):  # noqa: F811
    sandbox, began = harness_clean.sandbox, time.monotonic()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "HOST"))}
    env.update(SLACK_BOT_TOKEN=TEST_BOT_TOKEN, SLACK_SIGNING_SECRET=TEST_SIGNING_SECRET, HOST="127.0.0.1",
               SLACK_API_URL=f"{harness_clean.base_url}/sandbox/api/", DATABASE_URL=db.url, PORT=str(port),
               LOG_LEVEL="WARNING", SCHEDULER="off")
    slack = SlackDriver(sandbox, f"http://127.0.0.1:{port}/slack/events", TEST_SIGNING_SECRET)
    rng = random.Random(int(os.environ.get("SIGKILL_SEED", "8")))
    bot = Bot(env, tmp_path / "bot.log", port)
    expected: set[str] = set()
    try:
        bot.start()
        for n in range(1, ROUNDS + 1):
            name = queue_round(db, team, acme, n)
            how, timer = arm(sandbox, bot, rng)
            try:  # answered at once; the posting goes on in the bot's background
                slack.command(f"sla post {name}")
            except httpx.HTTPError:
                pass  # killed before it answered: Slack would show the person an error
            bot.tick()
            _wait(lambda: finished(db, name, n) or not bot.processes_alive(), 15)
            if timer:
                timer.cancel()
                timer.join()
            sandbox.disarm()
            bot.kill()  # killed by the trip; or, if the work finished first, at a quiet moment
            # The restart: the scheduler's run (if anything is left for it), and the server, where `post` resumes.
            tick = None if notice_sent(db, n) else bot.tick()
            bot.start()
            slack.command(f"sla post {name}")
            assert _wait(lambda: finished(db, name, n) and not (tick and alive(tick)), 30), \
                f"round {n} (killed {how}) did not finish after the restart: see {bot.log}"
            expected.update(expected_keys(db, name, n))
            seen = tagged(sandbox)
            twice = {key: seen.count(key) for key in expected if seen.count(key) != 1}
            assert not twice, f"round {n} (killed {how}): arrived other than once: {twice}"
            files = documents(sandbox)
            assert len(files) == len(set(files)) == n, f"round {n} (killed {how}): documents {files}"
        assert bot.kills >= ROUNDS
    finally:
        bot.close()
    assert time.monotonic() - began < 300, "the fault test must stay bounded (about 1 s of CPU a round)"
