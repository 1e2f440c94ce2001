"""Two replicas of the bot on one database behave as one: every reminder, nudge and alert reaches Slack once.

Two real `slm-bot run` processes (SCHEDULER=off, as behind a load balancer) each take a Slack command and API
ingestion; each round makes review reminders, action nudges and breach alerts due (by the real clock, which is the
one `slm-bot tick` reads) and starts both replicas' scheduled jobs at once, twice each, while the web processes also
deliver what the API's arrivals queued. The Slack stand-in served by the test counts what arrived, by the outbox key
each message carries as metadata.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest

from tests.bot_processes import Replica, token_from, wait_for
from tests.replica_world import build, make_due, opened_p1, sent_keys, unsent

ROUNDS = 3


def test_two_replicas_send_every_reminder_nudge_and_alert_exactly_once(harness_clean, db, team, tmp_path):
    if db.is_sqlite:  # it runs there on a quiet machine, but a busy one's ticks wait out SQLite's 2 s write lock
        pytest.skip("replicas share one PostgreSQL database (set TEST_DATABASE_URL); SQLite is one file, one writer")
    sandbox, began = harness_clean.sandbox, time.monotonic()
    world = build(db, team)
    replicas: list[Replica] = []
    try:
        replicas.extend(Replica(harness_clean, db.url, tmp_path / f"replica-{i}.log") for i in (1, 2))
        for replica in replicas:
            replica.start()
        tokens = [token_from(replica, sandbox, f"sender-{i}") for i, replica in enumerate(replicas)]
        for n in range(1, ROUNDS + 1):
            make_due(db, world, n)
            for i, (replica, token) in enumerate(zip(replicas, tokens)):  # each replica ingests a ticket
                sent = replica.http.post(f"{replica.base_url}/api/v1/ticket-events",
                                         json=opened_p1(f"r{n}-{i}", f"INC{n}{i}", world.now),
                                         headers={"Authorization": f"Bearer {token}"})
                assert sent.status_code == 200 and sent.json()["stored"] == 1, sent.text
            for _ in range(2):  # both replicas' scheduled jobs, twice each, all at once
                for replica in replicas:
                    replica.tick()
            assert wait_for(lambda: not any(r.ticking() for r in replicas), 60), "the jobs did not finish"
        for _ in range(3):  # what a crowded round left (a channel held by Slack's pace) goes in the next
            if not unsent(db):
                break
            for replica in replicas:
                replica.tick()
            assert wait_for(lambda: not any(r.ticking() for r in replicas), 60)
        for replica in replicas:
            assert replica.answers()
    finally:
        for replica in replicas:
            try:
                replica.close()
            except Exception:  # noqa: BLE001 - the next replica is closed all the same; the first failure shows
                pass
    arrived = Counter(m.metadata["event_payload"]["key"] for m in sandbox.messages if m.metadata)
    assert unsent(db) == 0
    assert sorted(arrived) == sent_keys(db)
    assert {key: times for key, times in arrived.items() if times != 1} == {}
    kinds = Counter(key.split(":")[0] + ":" + key.split(":")[1] for key in arrived)
    print(f"{ROUNDS} rounds, 2 replicas, {sum(arrived.values())} messages, kinds {dict(kinds)}, "
          f"{time.monotonic() - began:.1f} s")
    assert kinds["reminder:review"] >= ROUNDS and kinds["reminder:action"] >= ROUNDS
    assert sum(1 for key in arrived if key.startswith("breach")) >= 2 * ROUNDS
    assert time.monotonic() - began < 120  # 15 s on a quiet machine; 40-85 s with eight suites beside it
