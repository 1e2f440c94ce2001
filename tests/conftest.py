"""The test harness: the real HTTP app on a real port, the Slack stand-in, a clean database per test.

One server for the whole session serves the bot's `/slack/events` and the Slack
stand-in's Web API, exactly as `make run` does in sandbox mode. Each test gets a
reset stand-in, empty tables and a frozen clock; `slack` is the driver that sends
signed requests as Slack would.

The database is SQLite in a temporary folder, or PostgreSQL when
TEST_DATABASE_URL is set (CI runs the suite both ways).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy import text

from bot.app import Deps, create_bolt_app, create_http_app
from bot.clock import FrozenClock
from bot.database import Database
from bot.sandbox.driver import SlackDriver
from bot.pacing import ChannelPacer
from bot.sandbox.executor import TrackedExecutor
from bot.sandbox.workspace import SANDBOX_TEAM, SlackSandbox
from bot.settings import Settings
from bot.slack_retries import retry_handlers
from tests.servers import base_url_of, free_socket, serving
from tests.session_guard import GUARD

TEST_BOT_TOKEN = "xoxb-test-not-a-real-token"
TEST_SIGNING_SECRET = "test-signing-secret"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday morning
# The app's client retries as it does in production, but waits nothing between tries: no test sleeps in backoff.
# (A rate-limited form waits through bot/slack_retries._sleep, which test_told_the_truth records instead.)
NO_WAIT_RETRIES = retry_handlers(FixedValueRetryIntervalCalculator(0))


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


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
        if db.is_sqlite:
            for name in reversed(names):
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))


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
