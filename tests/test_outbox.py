"""The once-only delivery path: queued once, sent once, retried a bounded number of times, never twice.

Faults come from the Slack stand-in: a 429 or a 5xx (`fail_next`), and a call Slack took whose answer was
then lost (`lose_answer_next`: the connection dropped, a 5xx after the post, an answer too late).
"""
from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import Session, select

from bot import outbox
from bot.clock import FrozenClock
from bot.delivery import Outcome, deliver, deliver_pending
from models import Outbox
from tests.conftest import START, TEST_BOT_TOKEN


def queue(db, team, key="k", template="req_status.yml.j2", context=None):
    with db.session() as s:
        return outbox.enqueue(s, team, key, "U0ALICE", template, context or {"sentence": "Hello"}, START)


def rows(db):
    with Session(db.engine) as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)))


def tagged(sandbox, key="k"):
    return [m for m in sandbox.messages
            if (m.metadata or {}).get("event_type") == "slm_bot_post" and m.metadata["event_payload"]["key"] == key]


def replica(harness, *, ahead: timedelta = timedelta(0), claims: FrozenClock | None = None):
    """Another replica on the same database: its own clock (maybe ahead), the same database clock for claims."""
    return dataclasses.replace(harness.deps, clock=FrozenClock(harness.clock.now() + ahead), claim_clock=claims)


def client(harness, timeout: float = 15) -> WebClient:
    return WebClient(token=TEST_BOT_TOKEN, base_url=f"{harness.base_url}/sandbox/api/", timeout=timeout)


def test_the_same_key_is_queued_once_and_sent_once_tagged_with_its_key(db, team, sandbox, harness_clean):
    assert queue(db, team) and not queue(db, team)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0  # a second replica: nothing left
    [dm] = sandbox.dms("U0ALICE")
    assert dm.text == "Hello"
    assert dm.metadata == {"event_type": "slm_bot_post", "event_payload": {"key": "k"}}
    [row] = rows(db)
    assert (row.status, row.attempts, row.message_ts) == ("sent", 1, dm.ts)


def test_a_refusal_is_retried_later_and_later_then_given_up(db, team, sandbox, harness_clean, clock):
    queue(db, team)
    sandbox.fail_next("chat.postMessage", 400, times=100, body={"ok": False, "error": "channel_not_found"})
    deliver_pending(harness_clean.deps, harness_clean.deps.client)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # too soon: not tried again
    assert rows(db)[0].attempts == 1
    for wait in outbox.BACKOFF:
        clock.advance(seconds=wait.total_seconds())
        deliver_pending(harness_clean.deps, harness_clean.deps.client)
    [row] = rows(db)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert sandbox.dms("U0ALICE") == []
    assert sandbox.calls_of("conversations.history") == []  # a plain refusal: nothing to look for


def test_an_outage_delays_a_message_without_losing_it(db, team, sandbox, harness_clean, clock):
    queue(db, team)
    sandbox.fail_next("chat.postMessage", 503, times=3)
    for wait in outbox.BACKOFF[:3]:
        deliver_pending(harness_clean.deps, harness_clean.deps.client)
        clock.advance(seconds=wait.total_seconds())
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    assert rows(db)[0].status == "sent"
    assert len(sandbox.dms("U0ALICE")) == 1


def test_a_broken_message_does_not_hold_up_the_others(db, team, sandbox, harness_clean):
    queue(db, team, key="broken", context={"not_a_sentence": 1})  # the template needs a sentence
    queue(db, team, key="fine")
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    by_key = {r.key: r for r in rows(db)}
    assert by_key["fine"].status == "sent" and by_key["broken"].status == "pending"
    assert "UndefinedError" in by_key["broken"].last_error
    assert not by_key["broken"].maybe_sent  # it never left: nothing to look for next time


@pytest.mark.parametrize("how", ["drop", "5xx", "hang"])
def test_a_post_slack_took_but_whose_answer_was_lost_is_not_sent_again(db, team, sandbox, harness_clean, clock, how):
    queue(db, team)
    sandbox.lose_answer_next("chat.postMessage", how, seconds=1.5)
    sender = client(harness_clean, timeout=0.5)  # a short wait for the answer: the same fault as Slack's 15 s
    assert deliver_pending(harness_clean.deps, sender) == 0
    [row] = rows(db)
    assert (row.status, row.maybe_sent, row.message_ts) == ("pending", True, None)
    clock.advance(seconds=outbox.BACKOFF[0].total_seconds())
    assert deliver(harness_clean.deps, sender, team, "k").outcome is Outcome.FOUND
    [dm] = tagged(sandbox)  # exactly one, though two attempts were made
    [row] = rows(db)
    assert (row.status, row.message_ts, row.maybe_sent) == ("sent", dm.ts, False)
    [look] = sandbox.calls_of("conversations.history")
    assert look["args"]["include_all_metadata"] in (True, "1", "true") and float(look["args"]["oldest"]) > 0


def test_a_lost_answer_in_a_public_channel_the_bot_never_joined_is_found_after_joining(
        db, team, sandbox, harness_clean, clock):
    with db.session() as s:  # chat:write.public: posted where the bot is no member, so it must join to read back
        outbox.enqueue(s, team, "k", "C0GENERAL", "req_status.yml.j2", {"sentence": "Hello"}, START)
    sandbox.fail_next("chat.postMessage", 503)
    sandbox.lose_answer_next("chat.postMessage", "drop")
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # 503: Slack may have it
    clock.advance(minutes=1)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # not there yet: posted, the answer lost
    clock.advance(minutes=5)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # there: found, not posted again
    assert len(tagged(sandbox)) == 1 and rows(db)[0].status == "sent"
    assert sandbox.calls_of("conversations.join")  # it joined to look, rather than post blind


def test_only_a_sender_provably_gone_loses_its_claim_at_once(monkeypatch):
    me = outbox.sender_id()
    host, namespace, pid, run = me.rsplit(":", 3)
    assert not outbox._sender_is_dead(me)
    assert outbox._sender_is_dead(f"{host}:{namespace}:{pid}:earlier")  # this pid, an earlier run: restarted
    assert outbox._sender_is_dead(f"{host}:{namespace}:{2**22 + 7}:x")  # no such process here
    assert not outbox._sender_is_dead(f"{host}:other-namespace:{pid}:x")  # a container sharing the host name
    assert not outbox._sender_is_dead(f"{host}:other-namespace:{2**22 + 7}:x")
    assert not outbox._sender_is_dead(f"another-host:{namespace}:{pid}:x")
    assert not outbox._sender_is_dead(f"{host}:{pid}:x")  # a claim in the older form: its age decides


def test_a_lost_answer_for_a_post_slack_never_took_is_sent_after_looking(db, team, sandbox, harness_clean, clock):
    queue(db, team)
    sandbox.fail_next("chat.postMessage", 502)  # a 5xx: did Slack take it? Only its history can tell
    deliver_pending(harness_clean.deps, harness_clean.deps.client)
    clock.advance(minutes=1)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    assert len(tagged(sandbox)) == 1 and len(sandbox.calls_of("conversations.history")) == 1


def test_a_rate_limit_makes_the_row_wait_not_the_sender(db, team, sandbox, harness_clean, clock):
    queue(db, team)
    sandbox.fail_next("chat.postMessage", 429, retry_after=30)
    began = time.monotonic()
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0
    assert time.monotonic() - began < 5  # nobody slept through Retry-After inside the claim
    [row] = rows(db)
    assert (row.status, row.attempts, row.maybe_sent) == ("pending", 0, False)  # a 429 is no attempt, and not sent
    assert row.next_attempt_at == START + timedelta(seconds=30)
    clock.advance(seconds=29)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0
    clock.advance(seconds=1)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    assert len(tagged(sandbox)) == 1 and sandbox.calls_of("conversations.history") == []


def _in_background(func):
    done: dict = {}
    thread = threading.Thread(target=lambda: done.setdefault("result", func()), daemon=True)
    thread.start()
    return thread, done


def _wait_for(predicate, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_replica_whose_clock_is_ahead_cannot_take_a_live_claim(db, team, sandbox, harness_clean):
    queue(db, team)
    a, b = harness_clean.deps, replica(harness_clean, ahead=timedelta(minutes=7))
    sandbox.lose_answer_next("chat.postMessage", "hang", seconds=1.0)  # A's post is slow to be answered
    thread, done = _in_background(lambda: deliver_pending(a, client(harness_clean)))
    _wait_for(lambda: tagged(sandbox))
    assert deliver_pending(b, b.client) == 0  # B's clock says the claim is old; the database's says it is not
    thread.join(10)
    assert done["result"] == 1
    assert len(tagged(sandbox)) == 1 and rows(db)[0].status == "sent"


def test_a_taken_over_claims_late_answer_is_ignored(db, team, sandbox, harness_clean):
    queue(db, team)
    database_clock = FrozenClock(START)
    a, b = replica(harness_clean, claims=database_clock), replica(harness_clean, claims=database_clock)
    sandbox.lose_answer_next("chat.postMessage", "hang", seconds=1.0)
    thread, done = _in_background(lambda: deliver(a, client(harness_clean), team, "k"))
    _wait_for(lambda: tagged(sandbox))
    database_clock.advance(minutes=6)  # A's claim outlived its lease: B takes over, finds A's post, settles it
    assert deliver(b, b.client, team, "k").outcome is Outcome.FOUND
    thread.join(10)
    assert done["result"].outcome is Outcome.BUSY  # A heard Slack's answer late: its claim no longer holds
    [dm] = tagged(sandbox)
    [row] = rows(db)
    assert (row.status, row.attempts, row.message_ts) == ("sent", 2, dm.ts)


def test_a_claim_never_finished_is_taken_over_when_it_is_stale_by_the_database_clock(db, team, sandbox, harness_clean):
    queue(db, team)
    database_clock = FrozenClock(START)
    deps = replica(harness_clean, claims=database_clock)
    with db.session() as s:  # a sender on another host took it and was never heard of again
        assert outbox.claim(s, rows(db)[0].id, START, START) is not None
        s.exec(select(Outbox)).one().claimed_by = "another-host:1:abc"
    assert deliver_pending(deps, deps.client) == 0
    database_clock.advance(minutes=6)
    assert deliver_pending(deps, deps.client) == 1
    assert rows(db)[0].attempts == 2 and len(tagged(sandbox)) == 1


def test_claims_are_timed_by_the_database_clock(harness_clean):
    from datetime import datetime, timezone

    from bot.clock import DatabaseClock

    deps = dataclasses.replace(harness_clean.deps)  # no claim clock given: the database's own
    assert isinstance(deps.claims_clock, DatabaseClock)
    assert abs(deps.claims_clock.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)
