"""Slack down (5xx, answers lost or too late) for ten minutes, then rate-limiting everything (429, Retry-After) for
five more: once it is back, everything queued before, during and just after is delivered, once each, and in the
order it was queued in each channel and each thread.

The scheduler's delivery round (bot.delivery.deliver_pending, what `outbox.deliver` runs every 5 s) is run with the
tests' frozen clock moved by hand, the pacer on a clock of its own (nobody sleeps through a backoff or a
Retry-After), and the Slack stand-in injecting the faults (`go_down`, `lose_answer_next`).
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import timedelta

from slack_sdk import WebClient
from sqlmodel import Session, select

from bot import outbox
from bot.delivery import deliver_pending
from models import Outbox
from tests.conftest import START, TEST_BOT_TOKEN

CHANNELS = ("C0ACMESLA", "C0NETWORKTE", "U0ALICE")  # two channels and a DM
TOP, REPLIES = 4, 3  # per channel: messages, and replies in the first one's thread
ROUND = timedelta(seconds=20)


def queue_all(db, team, first: int = 0, last: int = TOP) -> None:
    """Interleaved across channels, as a busy morning queues them: message i of each channel, its replies."""
    with db.session() as s:
        for i in range(first, last):
            for channel in CHANNELS:
                outbox.enqueue(s, team, f"{channel}:{i}", channel, "req_status.yml.j2",
                               {"sentence": f"{channel} message {i}"}, START)
                if i == 0:
                    continue
                outbox.enqueue(s, team, f"{channel}:0:reply:{i}", channel, "req_status.yml.j2",
                               {"sentence": f"{channel} reply {i}"}, START, parent_key=f"{channel}:0")


def rounds(harness, minutes: float, client: WebClient | None = None) -> None:
    """The delivery round every ROUND for `minutes` of the frozen clock."""
    deps = harness.deps
    for _ in range(int(timedelta(minutes=minutes) / ROUND)):
        deliver_pending(deps, client or deps.client)
        harness.clock.advance(seconds=ROUND.total_seconds())


def statuses(db) -> Counter:
    with Session(db.engine) as s:
        return Counter(s.exec(select(Outbox.status)))


def test_slack_down_then_rate_limited_for_minutes_everything_arrives_once_in_order(db, team, sandbox, harness_clean):
    began = time.monotonic()
    queue_all(db, team)
    total = len(CHANNELS) * (2 * (TOP + 2) - 1)
    # Before it goes down: a post Slack took whose answer was dropped, one answered 5xx after it was taken, and
    # one whose answer came too late for the sender (it waits 0.5 s; the answer comes after 1 s).
    sandbox.lose_answer_next("chat.postMessage", "drop")
    sandbox.lose_answer_next("chat.postMessage", "5xx")
    sandbox.lose_answer_next("chat.postMessage", "hang", seconds=1.0, times=1)
    impatient = WebClient(token=TEST_BOT_TOKEN, base_url=f"{harness_clean.base_url}/sandbox/api/", timeout=0.5,
                          retry_handlers=[])
    deliver_pending(harness_clean.deps, impatient)
    before = statuses(db)["sent"]
    sandbox.go_down(503)
    rounds(harness_clean, minutes=5)
    queue_all(db, team, TOP, TOP + 1)  # queued while Slack is down: behind the others in their channels
    rounds(harness_clean, minutes=5)
    sandbox.go_down(429, retry_after=60)
    rounds(harness_clean, minutes=5)
    assert statuses(db)["sent"] == before  # nothing got through the outage
    sandbox.come_back()
    queue_all(db, team, TOP + 1, TOP + 2)  # queued once it is back, while the others wait out their backoff
    rounds(harness_clean, minutes=30)  # a retry after an outage may wait its backoff (20 minutes after three)
    assert statuses(db) == {"sent": total}
    assert time.monotonic() - began < 60  # about 5 s on a quiet machine

    arrived = [m for m in sandbox.messages if m.metadata]
    keys = Counter(m.metadata["event_payload"]["key"] for m in arrived)
    assert len(keys) == total and set(keys.values()) == {1}, keys
    by_channel, by_thread = defaultdict(list), defaultdict(list)
    for m in arrived:  # the stand-in's order is Slack's: the order they were posted
        (by_thread if m.thread_ts and m.thread_ts != m.ts else by_channel)[m.channel].append(m.text)
    for channel in CHANNELS:
        where = sandbox.dm_channel(channel)["id"] if channel.startswith("U") else channel
        assert by_channel[where] == [f"{channel} message {i}" for i in range(TOP + 2)]
        assert by_thread[where] == [f"{channel} reply {i}" for i in range(1, TOP + 2)]


def test_a_message_slack_failed_for_a_moment_is_not_overtaken_in_its_channel(db, team, sandbox, harness_clean):
    queue_all(db, team)
    sandbox.fail_next("chat.postMessage", 503)  # the first post (C0ACMESLA's message 0); Slack took nothing
    rounds(harness_clean, minutes=10)
    assert statuses(db) == {"sent": len(CHANNELS) * (2 * TOP - 1)}
    tops = [m.text for m in sandbox.channel_messages(CHANNELS[0], include_ephemeral=False)]
    assert tops == [f"{CHANNELS[0]} message {i}" for i in range(TOP)]
