"""The escalation ladders' review findings (issue 17, findings 1, 2, 3, 13 and 15), each through the real entry points:
signed slash commands and events into the app, the delivery job with the frozen clock, a real local HTTP receiver.

1: the priority callback goes only to https on public addresses, checked when set and when sent, to the address
   checked, and only the start of an answer is read. 2: its secret is sealed, its URL redacted wherever shown or
   audited, and shown only to who may change it. 3: a batch of slow POSTs cannot hand a row to a second sender, a
   sender whose claim lapsed settles nothing, and an uninstall cancels what is queued. 13: `/slm ladder` pages a
   section per target. 15: a re-opened alert resumes its ladder.
"""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import pytest
from sqlmodel import select

from bot import jobs
from bot.breaches import callbacks
from messages.ids import Action
from models import (AuditEvent, CallbackDelivery, DeliveryStatus, LadderCallback, Target)
from tests.api.test_ladders import (KEY, TICKET, agree, api, at, local_callbacks, open_ticket, p2, receiver,  # noqa: F401
                                    send, step_posts, steps_in, the_alert, thread)
from tests.breach_world import ALICE, BOB, world  # noqa: F401  (fixtures)
from tests.conftest import START
from tests.helpers import text_of


def deliveries(db, team, keys):
    """Rows as a ladder's priority steps queue them (bot.breaches.callbacks.raise_priority), due at START."""
    with db.session() as s:
        callback = s.exec(select(LadderCallback)).one()
        for key in keys:
            s.add(CallbackDelivery(team_id=team, key=key, url=callback.url, body='{"event":"ladder.raise_priority"}',
                                   next_at=START, created_at=START))


def rows(db):
    with db.session() as s:
        return {r.key: r for r in s.exec(select(CallbackDelivery))}


def said(sandbox) -> str:
    return text_of(sandbox.last_ephemeral(ALICE))


# ---- 1: where the callback may go -------------------------------------------------------------------------------
@pytest.mark.parametrize("url, why", [
    ("http://169.254.169.254/latest/meta-data/", "it must start with https://"),
    ("https://169.254.169.254/latest/meta-data/", "is a private, local or reserved address"),
    ("https://127.0.0.1:5432/", "is a private, local or reserved address"),
    ("https://localhost:8080/admin", "is a private, local or reserved address"),
    ("https://[::1]/x", "is a private, local or reserved address"),
    ("https://[::ffff:127.0.0.1]/x", "is a private, local or reserved address"),
    ("https://10.1.2.3/hook", "is a private, local or reserved address"),
    ("https://100.64.0.1/hook", "is a private, local or reserved address"),  # carrier-grade NAT (shared)
    ("https://user:s3cr3t@93.184.215.14/x?token=abc", "must not carry a user name or password"),
    ("http://93.184.215.14/hook", "it must start with https://"),
])
def test_a_callback_to_an_internal_address_plain_http_or_with_credentials_is_refused(slack, sandbox, db, world, url,
                                                                                     why):
    slack.command(f"ladder callback {url}")
    assert "The bot will not POST to" in said(sandbox) and why in said(sandbox)
    assert "s3cr3t" not in said(sandbox) and "abc" not in said(sandbox)  # the refusal does not repeat credentials
    with db.session() as s:
        assert s.exec(select(LadderCallback)).all() == []
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "ladder.callback")).all() == []


def test_a_public_https_address_is_taken_without_the_allowance(slack, sandbox, db, world, local_callbacks):
    local_callbacks.ladder_callback_allow_private = False  # as in production
    slack.command("ladder callback https://93.184.215.14/hooks/priority")
    assert "now POSTs to https://93.184.215.14/hooks/priority" in said(sandbox)


def test_an_address_checked_when_set_is_checked_again_when_sent(slack, sandbox, db, world, clock, harness_clean,
                                                               local_callbacks, receiver):
    """Set while LADDER_CALLBACK_ALLOW_PRIVATE was on (https to a host that resolves to loopback), sent after it is
    off: the send looks the host up again, refuses it for good, and POSTs nothing."""
    hook = receiver()
    slack.command(f"ladder callback {hook.url.replace('http://127.0.0.1', 'https://localhost')}")
    assert "now POSTs to https://localhost" in said(sandbox)
    deliveries(db, world.team, ["breach:1:step:0:priority"])
    local_callbacks.ladder_callback_allow_private = False
    jobs.deliver_callbacks(harness_clean.deps)
    assert hook.got == []
    row = rows(db)["breach:1:step:0:priority"]
    assert row.status == DeliveryStatus.FAILED.value and row.last_error.startswith(
        "not sent: its host localhost is a private, local or reserved address")


def test_the_send_connects_to_the_address_checked_not_a_second_lookup(receiver):
    """The connection goes to the pinned address whatever the URL's host resolves to (here: nothing at all)."""
    hook = receiver()
    port = hook.server.server_address[1]
    with httpcore.ConnectionPool(network_backend=callbacks._pinned_backend("127.0.0.1")) as pool:
        answer = pool.request("POST", f"http://pinned.invalid:{port}/slm/priority", content=b"{}",
                              headers={"X-SLM-Delivery": "k"})
    assert answer.status == 200 and hook.got[0][0]["Host"] == f"pinned.invalid:{port}"


class Endless:
    """A receiver answering 200 with a 64 MiB body, written until the client stops reading."""

    SIZE = 64 * 1024 * 1024

    def __init__(self):
        self.written = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Length", str(outer.SIZE))
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    while outer.written < outer.SIZE:
                        self.wfile.write(chunk)
                        outer.written += len(chunk)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slm/priority"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_only_the_start_of_an_answer_is_read(slack, db, world, harness_clean, local_callbacks):
    big = Endless()
    try:
        slack.command(f"ladder callback {big.url}")
        deliveries(db, world.team, ["breach:1:step:0:priority"])
        assert jobs.deliver_callbacks(harness_clean.deps) is None
        big.server.shutdown()
    finally:
        big.server.server_close()
    assert rows(db)["breach:1:step:0:priority"].status == DeliveryStatus.SENT.value
    # 64 KiB read, then the connection closed: the sender wrote what the sockets' buffers took, far from 64 MiB.
    assert big.written < Endless.SIZE // 2


# ---- 2: the secret sealed, the URL redacted and shown only to who may set it ------------------------------------
def test_the_secret_is_sealed_and_the_url_redacted_in_the_trail_and_the_listing(slack, sandbox, db, world,
                                                                               local_callbacks, receiver):
    hook = receiver()
    slack.command(f"ladder callback {hook.url}?token=abc123")
    shown = said(sandbox)
    secret = re.search(r"[0-9a-f]{64}", shown).group()
    assert "abc123" not in shown and f"{hook.url}?…" in shown
    with db.session() as s:
        row = s.exec(select(LadderCallback)).one()
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "ladder.callback")).all()
    assert row.secret.startswith("enc1:") and secret not in row.secret
    assert callbacks.policy(local_callbacks).cipher.open(row.secret) == secret
    assert str(event.after) == f"{hook.url}?…" and "abc123" not in str(event.before) + str(event.after)

    slack.command("ladder")  # Alice may set it: she sees where it goes, redacted
    assert f"Priority callback: {hook.url}?…" in said(sandbox) and "abc123" not in said(sandbox)
    slack.command("ladder", user=BOB)  # Bob may not: he sees that one is set, not where
    bobs = text_of(sandbox.last_ephemeral(BOB))
    assert "Priority callback: set (its address is shown to those who may change it)" in bobs
    assert "127.0.0.1" not in bobs


def test_without_an_encryption_key_the_secret_is_not_kept(slack, sandbox, db, world, local_callbacks, receiver):
    local_callbacks.token_encryption_key = None
    slack.command(f"ladder callback {receiver().url}")
    assert "this bot has no TOKEN_ENCRYPTION_KEY" in said(sandbox)
    with db.session() as s:
        assert s.exec(select(LadderCallback)).all() == []


# ---- 3: once at a time, and nothing after an uninstall ----------------------------------------------------------
def test_a_batch_of_slow_posts_does_not_let_a_second_sender_take_a_later_row(slack, db, world, clock, harness_clean,
                                                                            receiver):
    """Each POST takes 61 s (the receiver moves the clock). The first sender claims A at 0 s, B at 61 s, C at 122 s,
    each until its own claim time + 2 min; a second sender starts during C's POST, at 183 s: C's claim holds until
    122 + 120 = 242 s, so it finds nothing due. (Reading the clock once, C's claim would have ended at 120 s.)"""
    second: list[int] = []

    def slow(r):
        clock.advance(seconds=61)
        if len(r.got) == 3 and not second:
            second.append(1)
            jobs.deliver_callbacks(harness_clean.deps)

    hook = receiver(on_post=slow)
    slack.command(f"ladder callback {hook.url}")
    deliveries(db, world.team, ["a", "b", "c"])
    jobs.deliver_callbacks(harness_clean.deps)
    assert second == [1]
    assert [g[0]["X-SLM-Delivery"] for g in hook.got] == ["a", "b", "c"]  # each once
    assert {k: (r.status, r.attempts) for k, r in rows(db).items()} == {k: ("sent", 1) for k in "abc"}


def test_a_sender_whose_claim_lapsed_settles_nothing(slack, sandbox, db, world, clock, harness_clean, receiver):
    """The first POST hangs 3 minutes (past its 2-minute claim) and is refused (403); meanwhile a second sender
    claims the row again (attempt 2) and gets a 503. The row is the second sender's: pending, retried after the
    second wait (5 min) from 3 min, at 8 min; the lapsed 403 neither fails it nor says so in a thread."""
    second: list[int] = []

    def hang(r):
        if not second:
            second.append(1)
            clock.advance(minutes=3)
            jobs.deliver_callbacks(harness_clean.deps)

    hook = receiver([403, 503], on_post=hang)
    slack.command(f"ladder callback {hook.url}")
    deliveries(db, world.team, ["a"])
    jobs.deliver_callbacks(harness_clean.deps)
    assert [g[2] for g in hook.got] == [403, 503]
    row = rows(db)["a"]
    assert (row.status, row.attempts, row.last_error) == ("pending", 2, "HTTP 503")
    assert row.next_at == START + timedelta(minutes=3 + 5)


def test_an_uninstall_cancels_the_queued_callbacks_and_sends_none_after(slack, db, world, clock, harness_clean,
                                                                       receiver):
    hook = receiver()
    slack.command(f"ladder callback {hook.url}")
    deliveries(db, world.team, ["before"])
    assert slack.event({"type": "app_uninstalled", "event_ts": "1.0"}).status == 200
    harness_clean.wait_idle()
    deliveries(db, world.team, ["after"])  # queued by a job after the uninstall
    jobs.deliver_callbacks(harness_clean.deps)
    assert hook.got == []
    assert rows(db)["before"].status == DeliveryStatus.CANCELLED.value
    assert rows(db)["after"].status == DeliveryStatus.PENDING.value  # not sent; the next outbox round cancels it
    jobs.deliver(harness_clean.deps)
    assert rows(db)["after"].status == DeliveryStatus.CANCELLED.value


# ---- 13: a page of targets, a section each ----------------------------------------------------------------------
def test_the_ladders_page_twenty_targets_a_section_each_with_next(slack, sandbox, db, world):
    steps = "; ".join(f"{p}% group manager service-managers" for p in range(5, 100, 8))  # 12 steps, 429 characters
    with db.session() as s:
        for n in range(3, 28):  # T3..T27: 25 targets with their own ladder (T1 and T2 are the world's)
            target = Target(team_id=world.team, agreement_id=world.sla_id, key=f"T{n}", kind="resolution",
                            level="P3", duration="8 hours", created_at=START, created_by=ALICE)
            s.add(target)
            s.flush()
            target.ladder = steps  # proposed (the world's SLA is not agreed): listed as proposed
    slack.command("ladder")
    first = sandbox.last_ephemeral(ALICE)
    rows_shown = [b for b in first.blocks if b["type"] == "section" and b["text"]["text"].startswith("• ")]
    assert len(rows_shown) == 20 and all(len(b["text"]["text"]) < 3000 for b in rows_shown)
    assert "Showing 1–20 of 25 targets with their own ladder: …and 5 more." in text_of(first)
    assert "Acme Payroll T3:" in text_of(first) and "T23:" not in text_of(first)
    assert slack.click(Action.LIST_NEXT, message=first).ok
    second = text_of(sandbox.last_ephemeral(ALICE))
    assert "Showing 21–25 of 25" in second and "Acme Payroll T27:" in second and "T3:" not in second


# ---- 15: a re-opened alert resumes its ladder ---------------------------------------------------------------------
def test_a_reopened_alert_runs_the_steps_it_missed_once_and_repeats_none(slack, sandbox, db, clock, harness_clean,
                                                                         api):
    """T3 (P2, 4h): 50% at 120, the breach at 240, +30m at 270 minutes. Resolved at 250, before +30m; re-opened at
    300, after +30m's time: +30m runs then, once, without saying the bot was away; 50% and the breach do not run
    again. Resolved and re-opened again: nothing runs again."""
    assert slack.command("ladder Acme Payroll T3 50% group; breach; +30m service-managers").ok
    agree(db)
    open_ticket(api)
    at(clock, harness_clean, 240)
    assert steps_in(thread(sandbox, the_alert(sandbox))) == ["50%", "breach"]
    send(api, "e2", "resolved", 250 / 60)
    at(clock, harness_clean, 250)
    at(clock, harness_clean, 280)  # +30m's time, while resolved: nothing
    assert steps_in(thread(sandbox, the_alert(sandbox))) == ["50%", "breach"]
    send(api, "e3", "reopened", 300 / 60)
    at(clock, harness_clean, 300)
    at(clock, harness_clean, 301)
    lines = [line for line in thread(sandbox, the_alert(sandbox)) if line.startswith("step:")]
    assert steps_in(lines) == ["50%", "breach", "+30m"]
    assert "late by" not in lines[-1] and "unavailable" not in lines[-1]
    assert len(step_posts(sandbox, ALICE)) == 1
    send(api, "e4", "resolved", 310 / 60)
    at(clock, harness_clean, 310)
    send(api, "e5", "reopened", 320 / 60)
    for minutes in (320, 321, 400):
        at(clock, harness_clean, minutes)
    assert steps_in(thread(sandbox, the_alert(sandbox))) == ["50%", "breach", "+30m"]
    assert len(step_posts(sandbox, ALICE)) == 1
