"""The test harness: the real HTTP app on a real port, the Slack stand-in, a clean database per test.

One server for the whole session serves the bot's `/slack/events` and the Slack
stand-in's Web API, exactly as `make run` does in sandbox mode. Each test gets a
reset stand-in, empty tables and a frozen clock; `slack` is the driver that sends
signed requests as Slack would.

The database is SQLite in a temporary folder, or PostgreSQL when
TEST_DATABASE_URL is set (CI runs the suite both ways). Temporary folders are in memory (/dev/shm) where the
machine has one with room: the suite commits tens of thousands of times, and on a disk each SQLite commit waits
for its fsync (12 ms each on this shared virtual disk, 0.07 ms in memory).
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import channel_privacy
from bot.app import Deps, create_bolt_app, create_http_app
from bot.clock import FrozenClock
from bot import database as database_module
from bot.database import Database
from bot.sandbox.driver import SlackDriver
from bot.pacing import ChannelPacer
from bot.sandbox.executor import TrackedExecutor
from bot.sandbox.workspace import SANDBOX_TEAM, SlackSandbox
from bot.settings import Settings
from bot.slack_retries import retry_handlers
from tests.servers import base_url_of, free_socket, serving
from tests.session_guard import GUARD
from models import audit_guard

TEST_BOT_TOKEN = "xoxb-test-not-a-real-token"
TEST_SIGNING_SECRET = "test-signing-secret"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday morning
# The app's client retries as it does in production, but waits nothing between tries: no test sleeps in backoff.
# (A rate-limited form waits through bot/slack_retries._sleep, which test_told_the_truth records instead.)
NO_WAIT_RETRIES = retry_handlers(FixedValueRetryIntervalCalculator(0))


# The bot's own deadline on a PostgreSQL call (bot.database.STATEMENT_TIMEOUT, 5 s, then 1 s more of ours) is for a
# server that stops answering; on a test machine whose two cores run two workers and a browser, a call can wait
# longer than that for a CPU, and a test failed on it ("the database did not answer in time") with nothing wrong.
# The engines the tests make here get 30 s; the deadline itself is tested with 0.5 s (tests/test_database_faults.py),
# and the bots the fault tests start as processes keep 5 s.
database_module.STATEMENT_TIMEOUT = 30.0

IN_MEMORY_TEMP = "/dev/shm"
IN_MEMORY_ROOM = 1 << 30  # bytes free it needs; a container's default 64 MB /dev/shm is left to Chromium


def pytest_configure(config):
    """Temporary folders (the test databases, the sandbox's, the bot processes' logs) in memory, unless
    --basetemp, TMPDIR or PYTEST_DEBUG_TEMPROOT says where they go. pytest keeps the last three runs' folders
    there (pytest-of-<user>/pytest-<n>), as it does in /tmp.

    And pytest-xdist deals out the files in the order of LONGEST_FIRST (below): left to itself, `--dist loadfile`
    deals out the files with the most tests first (--loadscope-reorder, its default), which put the one-test
    SIGKILL, benchmark and fault files last, each then run alone on one worker while the other had finished."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    if config.option.basetemp or os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    try:
        roomy = os.access(IN_MEMORY_TEMP, os.W_OK) and shutil.disk_usage(IN_MEMORY_TEMP).free >= IN_MEMORY_ROOM
    except OSError:
        roomy = False
    if roomy:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = IN_MEMORY_TEMP


# The files that take longest, run first, longest first: in `make test`'s workers the rest of the suite runs beside
# them, not after them (a file stays on one worker, and a long one dealt out last keeps that worker busy alone).
# Each is from tens of seconds (the SIGKILL test's restarts, the benchmarks' smoke run) to some seconds.
LONGEST_FIRST = ("tests/test_fault_sigkill.py", "tests/test_replicas.py", "tests/test_bench_smoke.py",
                 "tests/browser/", "tests/test_fault_ingestion.py", "tests/test_bench_smoke_acks.py")


def pytest_collection_modifyitems(config, items):
    def longest_first(item) -> int:
        path = item.nodeid.split("::")[0]
        return next((i for i, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)), len(LONGEST_FIRST))

    items.sort(key=longest_first)  # stable: the order within each group stays as collected


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        worker = os.environ.get("PYTEST_XDIST_WORKER")  # `make test` runs the suite in workers (pytest-xdist)
        return _database_of_worker(url, worker) if worker else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"  # each worker has its own tmp folder


def _database_of_worker(url: str, worker: str) -> str:
    """A PostgreSQL database of the worker's own beside TEST_DATABASE_URL's (test -> test_gw0), made if missing:
    every test empties and migrates the database it is given, so two workers never share one."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def reset_schema(db: Database) -> None:
    """Start from nothing: what an empty database at a new site looks like."""
    if db.is_sqlite:
        db.downgrade("base")
    else:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session", autouse=True)
def _session_guard_installed():
    GUARD.install()
    yield
    GUARD.uninstall()


@pytest.fixture(autouse=True)
def no_slack_call_holds_a_connection(_session_guard_installed):
    """Fail the test if any Slack call was made while its thread held a database connection."""
    GUARD.violations.clear()
    yield GUARD
    found = GUARD.report()
    GUARD.violations.clear()
    if found:
        pytest.fail(found, pytrace=False)


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> Database:
    db = Database(_database_url(tmp_path_factory))
    reset_schema(db)
    db.migrate()
    yield db
    db.dispose()


def empty_tables(db: Database) -> None:
    names = db.table_names()
    with db.engine.begin() as conn:
        if db.is_sqlite:  # the audit trail refuses DELETE (models/audit_guard.py): lifted while emptying
            for statement in audit_guard.drop("sqlite"):
                conn.execute(text(statement))
            for name in reversed(names):
                conn.execute(text(f'DELETE FROM "{name}"'))
            for statement in audit_guard.create("sqlite"):
                conn.execute(text(statement))
        else:
            _empty_postgres(conn, names)


AUDIT_TABLES = ("audit_event", "audit_head")  # append-only by trigger: only TRUNCATE, which fires none, empties them


def _empty_postgres(conn, names: list[str]) -> None:
    """Empty only the tables a test wrote to, and restart only the sequences it used.

    A TRUNCATE of every table makes new files for all fifty of them and their indexes, and waits for an exclusive
    lock on each: about 120 ms a test, and seconds on a busy machine. DELETE of the few rows a test wrote takes
    milliseconds and no lock a reader holds. The cleaning gets its own statement timeout: the bot's five seconds
    are for the bot's work, not for a busy CI machine's housekeeping.
    """
    conn.execute(text("SET LOCAL statement_timeout = '120s'"))
    probe = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names)
    written = {row[0] for row in conn.execute(text(probe))}
    audit = [name for name in AUDIT_TABLES if name in written]
    if audit:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in audit)))
    for name in reversed(names):  # children before their parents
        if name in written and name not in audit:
            conn.execute(text(f'DELETE FROM "{name}"'))
    used = conn.execute(text("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences "
                             "WHERE last_value IS NOT NULL")).scalars().all()
    for sequence in used:
        conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@dataclass
class Harness:
    sandbox: SlackSandbox
    deps: Deps
    base_url: str
    clock: FrozenClock
    wait_idle: object


@pytest.fixture(scope="session")
def harness(database) -> Harness:
    sock = free_socket()  # the stand-in needs its own address before the app is built
    base_url = base_url_of(sock)
    sandbox = SlackSandbox(base_url=base_url)
    settings = Settings(_env_file=None, slack_bot_token=TEST_BOT_TOKEN, slack_signing_secret=TEST_SIGNING_SECRET,
                        slack_api_url=f"{base_url}/sandbox/api/", database_url=database.url)
    clock = FrozenClock(START)
    deps = Deps(settings=settings, db=database, clock=clock, slack_retry_handlers=NO_WAIT_RETRIES,
                channel_pacer=ChannelPacer.instant())  # Slack's pace kept, without waiting for it
    executor = TrackedExecutor()
    app = create_http_app(deps, bolt_app=create_bolt_app(deps, listener_executor=executor), sandbox=sandbox,
                          sandbox_page=True, wait_idle=executor.wait_idle)
    with serving(app, sock):
        yield Harness(sandbox=sandbox, deps=deps, base_url=base_url, clock=clock, wait_idle=executor.wait_idle)


@pytest.fixture
def harness_clean(harness: Harness) -> Harness:
    harness.sandbox.reset()
    channel_privacy.forget()  # the stand-in's channel ids come back in the next test, maybe private this time
    harness.clock.set(START)
    empty_tables(harness.deps.db)
    return harness


@pytest.fixture
def sandbox(harness_clean: Harness) -> SlackSandbox:
    return harness_clean.sandbox


@pytest.fixture
def clock(harness_clean: Harness) -> FrozenClock:
    return harness_clean.clock


@pytest.fixture
def db(harness_clean: Harness) -> Database:
    return harness_clean.deps.db


@pytest.fixture
def slack(harness_clean: Harness) -> SlackDriver:
    driver = SlackDriver(harness_clean.sandbox, f"{harness_clean.base_url}/slack/events", TEST_SIGNING_SECRET,
                         wait_idle=harness_clean.wait_idle)
    yield driver
    driver.http.close()


@pytest.fixture
def team() -> str:
    return SANDBOX_TEAM


@pytest.fixture
def session(database: Database):
    """One unit of work on empty tables, for the domain services' unit tests (tests/unit/<package>/): no Slack,
    no server; committed when the test ends, as a listener's unit of work would be."""
    empty_tables(database)
    with database.session() as unit:
        yield unit


@pytest.fixture
def slm_bot(db, monkeypatch, tmp_path, capsys):
    """`slm-bot …` as an operator runs it against the bot's database, in this process."""
    for name in ("SLACK_APP_TOKEN", "SLACK_API_URL", "SANDBOX", "SANDBOX_DATABASE_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TEST_BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", TEST_SIGNING_SECRET)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)

    from bot import cli

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err
    return run
