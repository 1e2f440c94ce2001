"""Benchmark (`make bench`, issue 14 "breach detection"): an Alertmanager webhook received, to the breach alert's
chat.postMessage reaching the stand-in, p99. The outage it opens (down ten minutes before the frozen clock's now)
burns the availability goal's budget over the hour 14.4x over, so the sweep raises a warning for the service
manager. Each round starts from no outage, no breach and nothing queued. The baseline, in the same run, is the
webhook's own answer (the HTTP round trip): the alert follows the answer, the answer never waits for it.

`BENCH_SMOKE=1`: 5 rounds instead of 100."""
from __future__ import annotations

import os
import statistics
import time

import httpx
import pytest
from sqlalchemy import delete

from models import Breach, Outage, Outbox, Reminder
from tests.alertmanager.support import alert, issue_token, webhook
from tests.breach_world import world  # noqa: F401  (fixture)
from tests.slack.test_breach_sweep import in_force

pytestmark = pytest.mark.bench

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
ROUNDS = 5 if SMOKE else 100


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _forget(db) -> None:
    with db.engine.begin() as conn:
        for table in (Outbox, Reminder, Breach, Outage):
            conn.execute(delete(table.__table__))


def _one_alert(api, db, sandbox, courier, i: int) -> tuple[float, float]:
    """(seconds from sending the webhook to the alert's post reaching the stand-in, the webhook's own answer), the bot
    idle when it comes (the last round's courier has settled its post)."""
    while not courier.idle():
        time.sleep(0.005)
    _forget(db)
    seen = len(sandbox.calls)
    began = time.time()
    answer = api.post("/v1/alertmanager", json=webhook(alert("firing", fingerprint=f"{i:016x}",
                                                              starts="2026-03-02T08:50:00Z")))
    answered = time.time() - began
    assert answer.status_code == 200 and answer.json()["opened"], answer.text
    deadline = began + 10
    while time.time() < deadline:
        posts = [c for c in sandbox.calls[seen:] if c["method"] == "chat.postMessage"
                 and (c.get("response") or {}).get("ok")]
        if posts:
            return posts[0]["at"] - began, answered
        time.sleep(0.002)
    raise AssertionError("no breach alert within 10 s")


def test_breach_alert_follows_the_alertmanager_webhook(benchmark, slack, sandbox, db, harness_clean, world, figures):
    in_force(db, world)
    token = issue_token(slack, sandbox)
    deps = harness_clean.deps
    deps.sweep_on_arrival = True
    try:
        with httpx.Client(base_url=f"{harness_clean.base_url}/api", timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as api:
            _one_alert(api, db, sandbox, deps.courier, 0)  # warm: the first sweep imports and compiles what it needs
            rounds = [_one_alert(api, db, sandbox, deps.courier, i) for i in range(1, ROUNDS + 1)]
            benchmark.pedantic(_one_alert, args=(api, db, sandbox, deps.courier, ROUNDS + 1), rounds=1, iterations=1)
    finally:
        deps.sweep_on_arrival = False
        while not deps.courier.idle():
            time.sleep(0.01)
    alerts, answers = [r[0] for r in rounds], [r[1] for r in rounds]
    met = p99(alerts) <= 0.200
    note = "" if met else (
        "before: the alert waited for the minute's sweep and the outbox's 30 s round (up to 90 s). Now the commit "
        "wakes the courier. py-spy of the courier's round: a third in the sweep (the workspace's evaluation and the "
        "breach's routing, queueing and escalation row), two thirds in delivery (the claim, the post and the "
        "settling, each a SQLite commit with its fsync), and the webhook's own answer is part of the wait. The tail "
        "follows the machine's load (median {:.0f} ms). Meeting 200 ms p99 on a loaded machine needs fewer commits "
        "on the way: the sweep's breach and the claim of its post in one transaction.".format(
            statistics.median(alerts) * 1000))
    figures.record("breach alert after an Alertmanager webhook, p99", p99(alerts), "s", "<= 200 ms", met=met, note=note, baseline=p99(answers), baseline_name="the webhook's answer, p99",
                   median_s=round(statistics.median(alerts), 4), rounds=ROUNDS)
