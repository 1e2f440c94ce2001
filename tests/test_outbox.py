"""The once-only delivery path: queued once, sent once, retried a bounded number of times."""
from __future__ import annotations


from sqlmodel import Session, select

from bot import outbox
from bot.delivery import deliver_pending
from models import Outbox
from tests.conftest import START


def queue(db, team, key="k", template="req_status.yml.j2", context=None):
    with db.session() as s:
        return outbox.enqueue(s, team, key, "U0ALICE", template, context or {"sentence": "Hello"}, START)


def rows(db):
    with Session(db.engine) as s:
        return list(s.exec(select(Outbox)))


def test_the_same_key_is_queued_once_and_sent_once(db, team, sandbox, harness_clean):
    assert queue(db, team) and not queue(db, team)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0  # a second replica: nothing left
    [dm] = sandbox.dms("U0ALICE")
    assert dm.text == "Hello"
    [row] = rows(db)
    assert (row.status, row.attempts, row.message_ts) == ("sent", 1, dm.ts)


def test_a_refusal_is_retried_later_and_later_then_given_up(db, team, sandbox, harness_clean, clock):
    queue(db, team)
    sandbox.fail_next("chat.postMessage", 500, times=100)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # too soon: not tried again
    assert rows(db)[0].attempts == 1
    for wait in outbox.BACKOFF:
        clock.advance(seconds=wait.total_seconds())
        deliver_pending(harness_clean.deps, harness_clean.deps.client)
    [row] = rows(db)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert sandbox.dms("U0ALICE") == []


def test_an_outage_delays_a_message_without_losing_it(db, team, sandbox, harness_clean, clock):
    queue(db, team)
    sandbox.fail_next("chat.postMessage", 503, times=9)  # three rounds of the client's own three tries
    for wait in outbox.BACKOFF[:3]:
        deliver_pending(harness_clean.deps, harness_clean.deps.client)
        clock.advance(seconds=wait.total_seconds())
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    assert rows(db)[0].status == "sent"


def test_a_broken_message_does_not_hold_up_the_others(db, team, sandbox, harness_clean):
    queue(db, team, key="broken", context={"not_a_sentence": 1})  # the template needs a sentence
    queue(db, team, key="fine")
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    by_key = {r.key: r for r in rows(db)}
    assert by_key["fine"].status == "sent" and by_key["broken"].status == "pending"
    assert "UndefinedError" in by_key["broken"].last_error


def test_a_claim_that_never_finished_is_taken_over(db, team, sandbox, harness_clean, clock):
    queue(db, team)
    with db.session() as s:
        assert outbox.claim(s, rows(db)[0].id, START) is not None  # a replica that died mid-send
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0
    clock.advance(minutes=6)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1
    assert rows(db)[0].attempts == 2

