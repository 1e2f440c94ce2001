"""PostgreSQL restarted under the bot: while it is down the bot answers Slack and /healthz clearly (and writes
nothing half), and once it is back the bot reconnects by itself and carries on: the same requests succeed, once,
and what was queued to send goes out.

The database is a private PostgreSQL cluster the test makes (initdb into a temporary folder, Debian's binaries, run
as the `postgres` user, on a free port), so stopping and starting it disturbs nobody else's database.
"""
from __future__ import annotations

import dataclasses
import glob
import os
import shutil
import subprocess
import tempfile
import time

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import func, select

from bot import outbox
from bot.database import Database
from bot.delivery import deliver_pending
from handlers.errors import DATABASE
from models import Outbox, Service
from tests.bot_processes import free_port
from tests.conftest import START
from tests.helpers import text_of
from tests.test_database_faults import (ALICE, HEALTH_DEADLINE, SLACK_DEADLINE, bot_on,
                                        healthy_again_within, healthz_at_once, timed)

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


class Cluster:
    """A PostgreSQL cluster of the test's own, run by the `postgres` user through runuser (we are root)."""

    def __init__(self):
        self.bin = os.path.dirname(BINARIES[-1])
        self.dir = tempfile.mkdtemp(prefix="slm-pg-")
        shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self._as_postgres("initdb", "-D", f"{self.dir}/data", "-U", "root", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql+psycopg://root@127.0.0.1:{self.port}/slm"

    def _as_postgres(self, program: str, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", f"{self.bin}/{program}", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def start(self) -> None:
        self._as_postgres("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-t", "30", "-o",
                          f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")

    def create_database(self) -> None:
        server = create_engine(f"postgresql+psycopg://root@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text("CREATE DATABASE slm"))
        server.dispose()

    def remove(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m",
                        "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster(database):
    if database.is_sqlite:
        pytest.skip("restarts a PostgreSQL server (set TEST_DATABASE_URL); SQLite is a file, with nothing to restart")
    if not BINARIES or os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs Debian's PostgreSQL binaries and root, to run a private cluster as the postgres user")
    made = Cluster()
    try:
        made.start()
        made.create_database()
        migrated = Database(made.url)
        migrated.migrate()
        migrated.dispose()
        yield made
    finally:
        made.remove()


def services(db) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(Service)).one()


def test_postgres_restarted_under_the_bot_it_says_so_reconnects_and_carries_on(harness_clean, sandbox, team, cluster):
    began = time.monotonic()
    with bot_on(harness_clean, cluster.url) as (slack, base_url, db):
        assert slack.command("map").ok  # the pool now holds connections to the server about to stop
        with db.session() as s:
            outbox.enqueue(s, team, "before-restart", ALICE,
                           "req_status.yml.j2", {"sentence": "Queued before the restart"}, START)
        slack.command("service add Payroll")  # the form is open when the database goes away

        cluster.stop()
        outcome, took = timed(lambda: slack.command("map"))
        assert outcome.status == 200 and took < SLACK_DEADLINE
        assert DATABASE in text_of(sandbox.last_ephemeral(ALICE))
        outcome, took = timed(slack.submit)  # the form stays open, saying why; nothing is stored
        assert took < SLACK_DEADLINE and list(outcome.errors.values()) == [DATABASE]
        answers = healthz_at_once(base_url, callers=10)
        assert {status for status, _ in answers} == {503}
        assert max(took for _, took in answers) < HEALTH_DEADLINE

        cluster.start()  # the same server, back: every pooled connection is one the old server broke
        assert healthy_again_within(base_url, 10)
        sandbox.reset()
        assert slack.command("map").ok and DATABASE not in text_of(sandbox.last_ephemeral(ALICE))
        assert services(db) == 0  # the submission refused while it was down left nothing behind
        slack.command("service add Payroll")
        outcome = slack.submit()
        assert outcome.ok and not outcome.errors, outcome
        assert services(db) == 1

        deps = dataclasses.replace(harness_clean.deps, db=db)  # the scheduler's delivery round, on this database
        assert deliver_pending(deps, deps.client) == 1
        with db.session() as s:
            assert s.exec(select(Outbox.status).where(Outbox.key == "before-restart")).one() == "sent"
    assert [m.text for m in sandbox.dms(ALICE) if m.metadata] == ["Queued before the restart"]
    assert time.monotonic() - began < 60
