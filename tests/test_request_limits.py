"""/slack/events refuses what is not Slack's before reading it: too large (413), unsigned (401), malformed (400).

Each request goes over HTTP to the real app on its real port; what is refused reaches no listener, and
nothing a person typed (nor anything a stranger sent) is written to the log.
"""
from __future__ import annotations

import json
import logging
import select
import socket
import time
from urllib.parse import urlencode, urlsplit

import pytest

from bot.app import Deps, create_bolt_app, create_http_app
from bot.sandbox.driver import SlackDriver
from bot.sandbox.executor import TrackedExecutor
from bot.slack_requests import MAX_BODY_BYTES
from tests.conftest import TEST_SIGNING_SECRET
from tests.helpers import text_of
from tests.servers import serving

FORM = "application/x-www-form-urlencoded"
TYPED = "Zanzibar-typed-by-a-person"  # a marker for what a person typed; it must never reach the log


class RawHTTP:
    """A bare socket to the server, to send headers and body exactly as given and see when the answer comes."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        self.received = b""

    def send(self, data: bytes) -> bool:
        """Send `data`; False once the server has stopped taking it (it answered and closed)."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def answered(self) -> bool:
        while select.select([self.sock], [], [], 0)[0]:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return bool(self.received)
            if not chunk:
                break
            self.received += chunk
        return b"\r\n\r\n" in self.received

    def status(self, timeout: float = 5.0) -> int:
        deadline = time.monotonic() + timeout
        while not self.answered():
            if time.monotonic() > deadline:
                raise AssertionError("the server did not answer")
            time.sleep(0.01)
        return int(self.received.split(b" ", 2)[1])

    def close(self) -> None:
        self.sock.close()


def _head(base_url: str, extra: str) -> bytes:
    host = urlsplit(base_url).netloc
    return (f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: {FORM}\r\n{extra}\r\n").encode()


def test_a_huge_declared_body_is_refused_before_it_is_read(harness_clean, sandbox):
    raw = RawHTTP(harness_clean.base_url)
    try:
        raw.send(_head(harness_clean.base_url, "Content-Length: 524288000\r\n") + b"payload=" + b"x" * 65536)
        assert raw.status(timeout=3) == 413  # answered with 500 MB still to come: the body was never read
    finally:
        raw.close()
    assert sandbox.calls == []


def test_a_body_without_a_length_is_counted_as_it_streams_in(harness_clean, sandbox):
    raw = RawHTTP(harness_clean.base_url)
    chunk = b"x" * 65536
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    try:
        assert raw.send(_head(harness_clean.base_url, "Transfer-Encoding: chunked\r\n"))
        while sent < 64 * MAX_BODY_BYTES and not raw.answered():  # keeps sending until the server answers
            if not raw.send(framed):
                break
            sent += len(chunk)
        assert raw.status() == 413
        assert sent < 16 * MAX_BODY_BYTES  # refused near the limit, not after reading everything
    finally:
        raw.close()
    assert sandbox.calls == []


def test_a_body_at_the_limit_is_still_read(slack):
    body = urlencode({"text": "x" * (MAX_BODY_BYTES - 100)})[:MAX_BODY_BYTES]
    assert slack.post(body, FORM, signed=False).status == 401  # read whole, then refused for its signature


@pytest.mark.parametrize("timestamp", ["abc", "1e9", "0x10", "", "+1", "-1", "1.5", "9" * 40])
def test_a_timestamp_that_is_not_a_number_is_refused(slack, sandbox, timestamp):
    outcome = slack.command("help", headers={"X-Slack-Request-Timestamp": timestamp})
    assert outcome.status == 401
    assert sandbox.calls == []


def test_a_signature_that_is_missing_or_not_slacks_is_refused(slack, sandbox):
    assert slack.command("help", headers={"X-Slack-Signature": ""}).status == 401
    assert slack.command("help", headers={"X-Slack-Signature": "v0=" + "0" * 64}).status == 401
    assert sandbox.calls == []


@pytest.mark.parametrize("body, content_type", [
    ("payload=x", FORM),
    ("payload={", FORM),
    ("payload=[1]", FORM),
    ('payload="text"', FORM),
    ('payload={"team": "T0SANDBOX", "user": 1}', FORM),
    ("{", "application/json"),
    ("[1]", "application/json"),
    ("[" * 100_000, "application/json"),
])
def test_signed_but_malformed_input_is_a_400(slack, sandbox, body, content_type):
    outcome = slack.post(body, content_type)
    assert outcome.status == 400, outcome.body
    assert "Traceback" not in outcome.body
    assert sandbox.calls == []


def test_slacks_certificate_check_is_answered_without_a_signature(slack, sandbox):
    assert slack.post("ssl_check=1&token=deprecated-verification-token", FORM, signed=False).status == 200
    assert slack.post("ssl_check=1&token=x&command=/slm&text=help", FORM, signed=False).status == 401
    assert sandbox.calls == []


@pytest.fixture
def app_logging_at_debug(harness_clean, caplog):
    """A second app built as `LOG_LEVEL=DEBUG make run` builds it: logging at DEBUG before the app is made."""
    caplog.set_level(logging.DEBUG)
    executor = TrackedExecutor()
    deps = Deps(settings=harness_clean.deps.settings, db=harness_clean.deps.db, clock=harness_clean.clock,
                slack_retry_handlers=harness_clean.deps.slack_retry_handlers,
                channel_pacer=harness_clean.deps.pacer)
    app = create_http_app(deps, bolt_app=create_bolt_app(deps, listener_executor=executor))
    try:
        with serving(app) as base_url:
            driver = SlackDriver(harness_clean.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET,
                                 wait_idle=executor.wait_idle)
            yield driver
            driver.http.close()
    finally:
        for name in ("slack_sdk", "slm-bot.slack"):  # what building the app under DEBUG set
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_nothing_a_person_typed_is_logged(app_logging_at_debug, sandbox, caplog):
    slack = app_logging_at_debug
    big = urlencode({"command": "/slm", "text": TYPED * 1000})
    typed_search = {"type": "block_suggestion", "team": {"id": "T0SANDBOX"}, "user": {"id": "U0ALICE"},
                    "action_id": "no-such-select", "block_id": "b", "value": TYPED}
    dialog = {"type": "dialog_submission", "team": {"id": "T0SANDBOX"}, "user": {"id": "U0ALICE"},
              "callback_id": "no-such-dialog", "submission": {"what": TYPED}}
    statuses = [
        slack.post(big, FORM, signed=False).status,
        slack.post(big, FORM, secret="not-the-secret").status,
        slack.post(big, FORM, headers={"X-Slack-Request-Timestamp": "abc"}).status,
        slack.post(f"payload={TYPED}", FORM).status,
        # Signed, but no listener takes them: Bolt's "unhandled request" warning quotes a typed value or submission.
        slack.post(urlencode({"payload": json.dumps(typed_search)}), FORM).status,
        slack.post(urlencode({"payload": json.dumps(dialog)}), FORM).status,
        # A command that works, whose answer repeats what was typed.
        slack.command(f"map {TYPED}").status,
    ]
    assert TYPED in text_of(sandbox.last_ephemeral("U0ALICE"))

    assert TYPED not in caplog.text
    assert statuses == [401, 401, 401, 400, 404, 404, 200]
    assert "refused a request to /slack/events" in caplog.text  # the refusals are logged, by reason only
