"""The guard in tests/session_guard.py can fail: a Slack call made while holding a connection is caught."""
from __future__ import annotations

import threading

from slack_sdk.webhook import WebhookClient
from sqlalchemy import text

from tests.session_guard import GUARD


def _caught() -> str | None:
    """What the guard caught, cleared so that this test's deliberate violation does not fail it at teardown."""
    found = GUARD.report()
    GUARD.violations.clear()
    return found


def test_a_web_api_call_inside_a_session_is_caught(db, harness_clean):
    with db.session() as session:
        session.execute(text("SELECT 1"))
        harness_clean.deps.client.auth_test()
    caught = _caught()
    assert caught is not None
    assert "Slack Web API auth.test while this thread holds 1 database connection" in caught
    assert "test_a_web_api_call_inside_a_session_is_caught" in caught  # the stack says where


def test_a_response_url_post_inside_a_session_is_caught(db, harness_clean):
    url = f"{harness_clean.base_url}/sandbox/response/T0SANDBOX.U0ALICE.C0GENERAL.-"
    with db.session() as session:
        session.execute(text("SELECT 1"))
        WebhookClient(url).send(text="hello")
    caught = _caught()
    assert caught is not None and "a Slack response_url post" in caught


def test_a_call_after_the_session_closed_is_not_caught(db, harness_clean):
    with db.session() as session:
        session.execute(text("SELECT 1"))
    harness_clean.deps.client.auth_test()
    assert _caught() is None


def test_another_threads_open_session_is_not_this_calls_doing(db, harness_clean):
    holding, release = threading.Event(), threading.Event()

    def hold():
        with db.session() as session:
            session.execute(text("SELECT 1"))
            holding.set()
            release.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert holding.wait(5)
        harness_clean.deps.client.auth_test()
    finally:
        release.set()
        other.join(5)
    assert _caught() is None
