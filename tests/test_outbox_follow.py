"""Rows that follow another message (`parent_key`): an edit (chat.update) of it, or a line in its thread. They go
after it and after every earlier row that follows it; they wait, uncounted, while it waits; and are given up with it."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot import outbox
from bot.delivery import Outcome, deliver, deliver_pending
from models import Outbox, OutboxKind
from tests.conftest import START

CHANNEL = "C0GENERAL"


def queue(db, team, key, text, **kw):
    with db.session() as s:
        return outbox.enqueue(s, team, key, CHANNEL, "req_status.yml.j2", {"sentence": text}, START, **kw)


def row(db, key):
    with Session(db.engine) as s:
        return s.exec(select(Outbox).where(Outbox.key == key)).one()


def test_an_edit_and_a_thread_line_wait_for_their_message_then_follow_it_in_order(db, team, sandbox, harness_clean, clock):
    queue(db, team, "p", "first")
    queue(db, team, "p:r2", "second", kind=OutboxKind.UPDATE, parent_key="p")
    queue(db, team, "p:r2:note", "a line", parent_key="p")
    queue(db, team, "p:r3", "third", kind=OutboxKind.UPDATE, parent_key="p")
    sandbox.fail_next("chat.postMessage", 429, retry_after=60)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0
    edit = row(db, "p:r2")  # the 429 holds the whole channel for its Retry-After, the edit with it, untried
    assert (edit.status, edit.attempts, edit.last_error) == ("pending", 0, "Slack: rate limited for 60s")
    assert edit.next_attempt_at == START + timedelta(seconds=60)
    assert deliver(harness_clean.deps, harness_clean.deps.client, team, "p:r3").outcome == Outcome.WAITING
    clock.advance(seconds=61)
    sandbox.fail_next("chat.update", 500)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 1  # the message; r2 fails
    assert row(db, "p:r2").status == row(db, "p:r2:note").status == row(db, "p:r3").status == "pending"
    # Behind r2, not past it: Slack's failure of r2 holds the channel (every row still to go into it) until r2's
    # next try, so the line is not even tried before then.
    assert row(db, "p:r2:note").next_attempt_at == row(db, "p:r2").next_attempt_at == START + timedelta(seconds=121)
    assert [c["method"] for c in sandbox.calls].count("chat.postMessage") == 2  # the 429, then the message
    clock.advance(minutes=2)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 3
    [message] = sandbox.channel_messages(CHANNEL, include_ephemeral=False)
    assert message.text == "third" and message.edits == 2
    [line] = sandbox.channel_messages(CHANNEL, thread_ts=message.ts, include_ephemeral=False)
    assert line.text == "a line"
    order = [(c["method"], c["args"].get("text")) for c in sandbox.calls if c.get("response", {}).get("ok")]
    assert order == [("chat.postMessage", "first"), ("chat.update", "second"), ("chat.postMessage", "a line"),
                     ("chat.update", "third")]


def test_what_follows_a_message_given_up_is_given_up_with_it(db, team, sandbox, harness_clean):
    queue(db, team, "p", "first")
    queue(db, team, "p:r2", "second", kind=OutboxKind.UPDATE, parent_key="p")
    with db.session() as s:
        parent = outbox.get(s, team, "p")
        parent.status, parent.last_error = "failed", "Slack: channel_not_found"
    assert deliver(harness_clean.deps, harness_clean.deps.client, team, "p:r2").outcome == Outcome.GAVE_UP
    assert (row(db, "p:r2").status, row(db, "p:r2").last_error) == ("failed", "the message it follows (p) was never sent")
    assert sandbox.calls == []


def test_what_follows_a_message_withdrawn_is_withdrawn_with_it_not_claimed_every_round(
        db, team, sandbox, harness_clean, clock):
    queue(db, team, "p", "first")
    queue(db, team, "p:r2", "second", kind=OutboxKind.UPDATE, parent_key="p")
    queue(db, team, "p:r2:note", "a line", parent_key="p")
    with db.session() as s:  # withdrawn before it was sent (a maintenance window cancelled, an SLA agreed meanwhile)
        parent = outbox.get(s, team, "p")
        parent.status, parent.last_error = "cancelled", "the maintenance window was cancelled"
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0
    for key in ("p:r2", "p:r2:note"):
        assert (row(db, key).status, row(db, key).last_error) == (
            "cancelled", "the message it follows (p) was withdrawn before it was sent")
    settled = [(row(db, k).status, row(db, k).attempts, row(db, k).attempt_token) for k in ("p:r2", "p:r2:note")]
    clock.advance(hours=1)
    assert deliver_pending(harness_clean.deps, harness_clean.deps.client) == 0
    # Not claimed again: a later round leaves them as they were (a row still pending would be claimed, and put back)
    assert [(row(db, k).status, row(db, k).attempts, row(db, k).attempt_token) for k in ("p:r2", "p:r2:note")] == settled
    assert sandbox.calls == []
