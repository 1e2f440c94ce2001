"""A database that stops answering does not hang the bot: people are told within Slack's three seconds,
/healthz says 503 within two, and all is well again seconds after the database is back.

Each test builds its own app and Database (the shared harness keeps its own): on PostgreSQL through a TCP
proxy that can go silent (accept, acknowledge, never answer), on SQLite behind another connection that holds
the write lock.
"""
from __future__ import annotations

import sqlite3
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot import database as database_module
from bot.app import Deps, create_bolt_app, create_http_app
from bot.database import Database, unavailable
from bot.sandbox.driver import SlackDriver
from bot.sandbox.executor import TrackedExecutor
from handlers.errors import DATABASE
from tests.blackhole_proxy import BlackholeProxy
from tests.conftest import TEST_SIGNING_SECRET
from tests.helpers import text_of
from tests.servers import serving

ALICE = "U0ALICE"
SLACK_DEADLINE = 3.0  # Slack shows the person an error if the bot has not answered by then
HEALTH_DEADLINE = 2.0
TLS_CONTEXT = ssl.create_default_context()  # shared: an httpx client loading CA files of its own takes ~0.1 s


@contextmanager
def bot_on(harness, url: str):
    """The bot on its own port and its own Database at `url`; yields (driver, base_url, database)."""
    db = Database(url)
    executor = TrackedExecutor()
    deps = Deps(settings=harness.deps.settings, db=db, clock=harness.clock,
                slack_retry_handlers=harness.deps.slack_retry_handlers,
                channel_pacer=harness.deps.pacer)
    app = create_http_app(deps, bolt_app=create_bolt_app(deps, listener_executor=executor))
    try:
        with serving(app) as base_url:
            driver = SlackDriver(harness.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET,
                                 wait_idle=executor.wait_idle)
            yield driver, base_url, db
            driver.http.close()
    finally:
        db.dispose()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def healthz_at_once(base_url: str, callers: int = 50) -> list[tuple[int, float]]:
    """`callers` GET /healthz at the same moment, each on its own connection; their statuses and times."""
    clients = [httpx.Client(timeout=30, verify=TLS_CONTEXT) for _ in range(callers)]
    for client in clients:  # connected beforehand, so the times measured are the server's
        client.get(f"{base_url}/sandbox-none")
    start = threading.Barrier(callers)

    def one(client):
        start.wait()
        resp, took = timed(lambda: client.get(f"{base_url}/healthz"))
        return resp.status_code, took

    try:
        with ThreadPoolExecutor(callers) as pool:
            return list(pool.map(one, clients))
    finally:
        for client in clients:
            client.close()


def healthy_again_within(base_url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(f"{base_url}/healthz", timeout=30, verify=TLS_CONTEXT).status_code == 200:
            return True
        time.sleep(0.1)
    return False


def assert_told_in_time(slack, sandbox, text: str) -> None:
    outcome, took = timed(lambda: slack.command(text))
    assert outcome.status == 200 and took < SLACK_DEADLINE, (outcome, took)
    assert DATABASE in text_of(sandbox.last_ephemeral(ALICE))


@pytest.fixture
def postgres(database):
    if database.is_sqlite:
        pytest.skip("needs PostgreSQL over TCP (set TEST_DATABASE_URL); SQLite has its own lock test below")
    url = make_url(database.url)
    proxy = BlackholeProxy((url.host or "127.0.0.1", url.port or 5432))
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.close()


def test_a_silent_postgres_is_told_in_time_and_recovers(harness_clean, sandbox, postgres):
    proxy, url = postgres
    with bot_on(harness_clean, url) as (slack, base_url, _db):
        assert slack.command("map").ok  # the pool now holds connections made while the database answered
        slack.command("service add Payroll")
        assert httpx.get(f"{base_url}/healthz", verify=TLS_CONTEXT).status_code == 200

        proxy.go_silent()
        assert_told_in_time(slack, sandbox, "map")
        outcome, took = timed(slack.submit)  # the modal opened before: its submission keeps it open, with the reason
        assert took < SLACK_DEADLINE and list(outcome.errors.values()) == [DATABASE]
        answers = healthz_at_once(base_url)
        assert {status for status, _ in answers} == {503}
        assert max(took for _, took in answers) < HEALTH_DEADLINE

        proxy.forward()
        assert healthy_again_within(base_url, 10)
        sandbox.reset()
        assert slack.command("map").ok
        assert DATABASE not in text_of(sandbox.last_ephemeral(ALICE))

        proxy.drop_connections()  # the database restarted: every pooled connection is broken, and replaced unseen
        sandbox.reset()
        assert slack.command("map").ok
        assert DATABASE not in text_of(sandbox.last_ephemeral(ALICE))


def test_a_postgres_silent_from_the_start_is_told_in_time(harness_clean, sandbox, postgres):
    proxy, url = postgres
    proxy.go_silent()  # not one connection has been made: each attempt waits out the connect timeout
    with bot_on(harness_clean, url) as (slack, base_url, _db):
        assert_told_in_time(slack, sandbox, "map")
        answers = healthz_at_once(base_url, callers=10)
        assert {status for status, _ in answers} == {503}
        assert max(took for _, took in answers) < HEALTH_DEADLINE
        proxy.forward()
        assert healthy_again_within(base_url, 10)


def test_a_statement_never_outlives_its_deadline(postgres, monkeypatch):
    """The server cancels a slow statement; a statement the server never answers is ended on our side."""
    proxy, url = postgres
    monkeypatch.setattr(database_module, "STATEMENT_TIMEOUT", 0.5)  # read as the engine is made
    db = Database(url)
    try:
        with db.session() as s:
            assert s.execute(text("SHOW statement_timeout")).scalar() == "500ms"
            with pytest.raises(OperationalError) as slow:
                timed(lambda: s.execute(text("SELECT pg_sleep(3)")))
        assert unavailable(slow.value) and "statement timeout" in str(slow.value.orig)

        with pytest.raises(OperationalError) as silent:
            with db.session() as s:
                s.execute(text("SELECT 1"))
                proxy.go_silent()  # between two statements of one unit of work
                started = time.monotonic()
                s.execute(text("SELECT 1"))
        assert time.monotonic() - started < 0.5 + 1 + 0.5  # the statement timeout, our second, a margin
        assert unavailable(silent.value)
    finally:
        proxy.forward()
        db.dispose()


def test_an_exhausted_pool_is_told_in_time(harness_clean, sandbox, database):
    """Every connection is in use (a slow unit of work in each): the next person waits only the pool timeout."""
    with bot_on(harness_clean, database.url) as (slack, _base_url, db):
        held = []
        try:
            while True:
                held.append(db.engine.raw_connection())
        except PoolTimeout:
            pass
        try:
            assert_told_in_time(slack, sandbox, "map")
        finally:
            for conn in held:
                conn.close()
        assert slack.command("map").ok


def test_a_locked_sqlite_database_is_told_in_time_and_recovers(harness_clean, sandbox, database):
    if not database.is_sqlite:
        pytest.skip("SQLite's write lock; PostgreSQL is tested through the proxy above")
    with bot_on(harness_clean, database.url) as (slack, base_url, _db):
        assert slack.command("map").ok
        holder = sqlite3.connect(make_url(database.url).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock, and keeps it
        try:
            assert_told_in_time(slack, sandbox, "map")
            answers = healthz_at_once(base_url)
            assert {status for status, _ in answers} == {503}
            assert max(took for _, took in answers) < HEALTH_DEADLINE
        finally:
            holder.rollback()
            holder.close()
        assert healthy_again_within(base_url, 10)
        assert slack.command("map").ok
