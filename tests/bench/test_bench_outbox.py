"""Benchmark (`make bench`, issue 14 "outbox throughput"): 1,000 breach alerts queued to 100 channels, all sent at
Slack's pace (about one a second per channel) through the stand-in, with Slack answering 429 with Retry-After: 1 to
the first few posts. The baseline, in the same run, is the same 1,000 sent with no pace at all (what the sender
itself costs); the pace's floor is 9 s (ten messages a channel, one a second).

`BENCH_SMOKE=1`: 20 alerts to 10 channels."""
from __future__ import annotations

import dataclasses
import os
import time
from collections import defaultdict

import pytest
from sqlalchemy import delete, func, select

from bot import outbox
from bot.clock import Clock
from bot.delivery import deliver_pending
from bot.pacing import ChannelPacer
from models import Outbox
from tests.conftest import START

pytestmark = pytest.mark.bench

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
ALERTS, CHANNELS = (20, 10) if SMOKE else (1_000, 100)
RATE_LIMITED = 5  # the first posts answered 429, Retry-After: 1


def _queue(db, team, sandbox) -> list[str]:
    channels = [sandbox.add_channel(f"bench-{i}", channel_id=f"CBENCH{i:04d}")["id"] for i in range(CHANNELS)]
    with db.engine.begin() as conn:
        conn.execute(delete(Outbox.__table__))
    with db.session() as s:
        for i in range(ALERTS):
            outbox.enqueue(s, team, f"breach:{i}", channels[i % CHANNELS], "req_status.yml.j2",
                           {"sentence": f"Breached: alert {i}"}, START)
    sandbox.calls.clear()
    return channels


def _send_all(deps, db, limit: float = 120.0) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        deliver_pending(deps, deps.client)
        with db.engine.connect() as conn:
            left = conn.execute(select(func.count()).select_from(Outbox.__table__)
                                .where(Outbox.status != "sent")).scalar_one()
        if not left:
            return time.perf_counter() - began
    raise AssertionError(f"{left} not sent after {limit} s")


def _spacing(sandbox) -> tuple[float, int, float]:
    """(the smallest gap between two posts Slack took in one channel, 429s answered, the smallest gap between a 429
    and the channel's next post)."""
    calls = defaultdict(list)
    for c in sandbox.calls_of("chat.postMessage"):
        calls[c["args"]["channel"]].append((c["at"], bool((c.get("response") or {}).get("ok"))))
    gaps, after_429, limited = [], [], 0
    for seen in calls.values():
        for (a, ok_a), (b, ok_b) in zip(seen, seen[1:]):
            (gaps if ok_a and ok_b else after_429 if not ok_a else []).append(b - a)
        limited += sum(not ok for _, ok in seen)
    return min(gaps or [0.0]), limited, min(after_429 or [0.0])


def test_outbox_sends_a_burst_of_alerts_at_slacks_pace(benchmark, db, team, sandbox, harness_clean, figures):
    unpaced = dataclasses.replace(harness_clean.deps, clock=Clock(), channel_pacer=ChannelPacer(interval=0.0))
    _queue(db, team, sandbox)
    baseline = _send_all(unpaced, db)

    paced = dataclasses.replace(harness_clean.deps, clock=Clock(), channel_pacer=ChannelPacer())
    _queue(db, team, sandbox)
    sandbox.fail_next("chat.postMessage", 429, retry_after=1, times=RATE_LIMITED)
    measured = benchmark.pedantic(_send_all, args=(paced, db), rounds=1, iterations=1)
    gap, limited, after_429 = _spacing(sandbox)
    posted = [c for c in sandbox.calls_of("chat.postMessage") if (c.get("response") or {}).get("ok")]
    assert len(posted) == ALERTS and limited == RATE_LIMITED  # each once; the 429s were answered and then honoured
    assert gap >= 0.9 and after_429 >= 0.9, (gap, after_429)  # Slack's clock (the stand-in's) sees the pace kept
    figures.record(f"outbox: {ALERTS:,} alerts to {CHANNELS} channels, all sent", measured, "s", "<= 60 s",
                   met=measured <= 60, baseline=baseline, baseline_name="the same, sent with no pace",
                   min_gap_in_a_channel_s=round(gap, 3), rate_limited=limited,
                   min_wait_after_429_s=round(after_429, 3), floor_s=ALERTS / CHANNELS - 1)
