"""The bot killed with SIGKILL at random points of ingestion, restarted, the sender sending again as a real sender
does (the same batch, the same event ids; the same CSV file): nothing lost, nothing doubled, neither the
measurements nor the breach alerts they raise.

One replica (`slm-bot run`, as processes of its own, tests/bot_processes.py) takes batches over the API; each round
kills it at a random moment: on a timer while the batch is in flight, or from inside the Slack stand-in as the
breach alert the batch raised is posted (before Slack took it, or after it took it and before the bot heard). A
round of CSV import (`slm-bot import`) kills the import on a timer. After each kill the bot is started again, the
sender resends until it is answered; the restarted bot's courier posts the alerts of what it stored, and at the
end a scheduler run (`slm-bot tick`, the worker's minute) sends what the killed processes left.
"""
from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import httpx
from sqlmodel import func, select

from models import Breach, Ticket, TicketEvent
from tests.bot_processes import Replica, token_from, wait_for
from tests.replica_world import NETWORK_CHANNEL, build, left_unsent, opened_p1, sent_keys, unsent

ROUNDS = int(os.environ.get("INGEST_KILL_ROUNDS", "6"))
BATCH = 2  # tickets a batch (and a CSV file) opens: the bot posts their alerts into one channel at Slack's pace, 1/s


def count(db, table) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(table)).one()


def tickets_of(db, prefix: str) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(Ticket).where(Ticket.external_id.startswith(prefix))).one()


def arm(replica: Replica, sandbox, rng: random.Random) -> tuple[str, threading.Timer | None]:
    """One kill at a random moment of this round: in flight, or as the alert it raised is posted."""
    if rng.random() < 0.5:
        after = rng.random() < 0.5
        sandbox.trip_next("chat.postMessage", replica.kill, after=after)
        return f"posting an alert, {'after' if after else 'before'} Slack took it", None
    delay = rng.uniform(0, 0.25)
    timer = threading.Timer(delay, replica.kill)
    timer.start()
    return f"after {delay:.2f}s", timer


def settle(replica: Replica, timer: threading.Timer | None, sandbox) -> None:
    if timer:
        timer.join()
    sandbox.disarm()
    replica.kill()


# How long a tick, or the sending of what is left, may take before the test fails. Most of it is Slack's pace of
# about a message a second a channel; a CI machine running the other worker's tests beside this one took over 30 s.
# A deadline, not a sleep: a passing run waits only as long as the work takes.
SETTLE_WITHIN = 120


def resend_until_answered(replica: Replica, sandbox, token: str, batch: dict) -> httpx.Response:
    """A sender's retry: the same batch until the bot answers it (restarted when it is down)."""
    for _ in range(5):
        if replica.server is None:
            replica.start()
        try:
            answer = replica.http.post(f"{replica.base_url}/api/v1/batch", json=batch,
                                       headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError:
            settle(replica, None, sandbox)
            continue
        assert answer.status_code == 200, answer.text
        return answer
    raise AssertionError("the batch was never answered")


def tick(replica: Replica) -> None:
    replica.tick()
    assert wait_for(lambda: not replica.ticking(), SETTLE_WITHIN), f"slm-bot tick did not finish: see {replica.log}"


def send_what_is_left(replica: Replica, db) -> None:
    """What the killed processes left is sent by the scheduler's next runs (the worker's minutes; the replicas run no
    scheduler of their own): a tick, and another while something is still left a moment after it (a row whose next
    attempt was not due yet at the first, as a channel's pace or a failed attempt's wait makes it), as the worker
    would a minute later."""
    deadline = time.monotonic() + SETTLE_WITHIN
    while True:
        tick(replica)
        if wait_for(lambda: not unsent(db), 3):
            return
        assert time.monotonic() < deadline, f"the restarted bot did not send what was left: {left_unsent(db)}"


def test_killed_at_random_points_of_ingestion_nothing_is_lost_or_doubled(harness_clean, db, team, tmp_path):
    sandbox, began = harness_clean.sandbox, time.monotonic()
    rng = random.Random(int(os.environ.get("INGEST_KILL_SEED", "15")))
    world = build(db, team)
    replica = Replica(harness_clean, db.url, tmp_path / "bot.log")
    hows = []
    try:
        replica.start()
        token = token_from(replica, sandbox, "sender")
        for n in range(1, ROUNDS + 1):
            batch = {"ticket_events": [opened_p1(f"api-{n}-{k}", f"API{n}-{k}", world.now) for k in range(BATCH)]}
            how, timer = arm(replica, sandbox, rng)
            hows.append(how)
            try:
                replica.http.post(f"{replica.base_url}/api/v1/batch", json=batch,
                                  headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError:
                pass  # killed before it answered: the sender will send it again
            wait_for(lambda: replica.server is None, 2)  # the alert's post comes just after the answer
            settle(replica, timer, sandbox)
            stored = tickets_of(db, f"API{n}-")
            assert stored in (0, BATCH), f"round {n} (killed {how}): half a batch stored ({stored} of {BATCH})"
            answer = resend_until_answered(replica, sandbox, token, batch)
            assert answer.json()["stored"] + answer.json()["unchanged"] == BATCH, answer.text
        csv_round(replica, db, world, tmp_path, rng)
        replica.start()
        send_what_is_left(replica, db)
    finally:
        replica.close()
    arrived = Counter(m.metadata["event_payload"]["key"] for m in sandbox.messages if m.metadata)
    total = (ROUNDS + 1) * BATCH
    assert count(db, Ticket) == total and count(db, TicketEvent) == total  # an opened event each
    assert unsent(db) == 0 and sorted(arrived) == sent_keys(db)
    assert {key: times for key, times in arrived.items() if times != 1} == {}, hows
    with db.session() as s:
        breaches = s.exec(select(Breach.id)).all()
    assert len(breaches) == total
    assert all(arrived[f"breach:{b}:{NETWORK_CHANNEL}"] == 1 for b in breaches)
    assert replica.kills >= ROUNDS
    assert time.monotonic() - began < 60


def csv_round(replica: Replica, db, world, tmp_path, rng: random.Random) -> None:
    """`slm-bot import` killed on a timer, then run again (the operator's retry) until the file is in."""
    at = opened_p1("", "", world.now)["at"]
    rows = [f"CSV-{k},Payroll,P1,{at},,,Network group,Imported {k}" for k in range(BATCH)]
    path = tmp_path / "tickets.csv"
    path.write_text("ticket,service,priority,opened_at,responded_at,resolved_at,group,title\n" + "\n".join(rows) + "\n")
    for attempt in range(6):
        replica.command("import", "--team", world.team, str(path))
        if attempt < 3:
            time.sleep(rng.uniform(0, 0.2))  # the kill's random moment, not a wait for the import
            replica.kill()
        assert wait_for(lambda: not replica.ticking(), SETTLE_WITHIN)
        stored = tickets_of(db, "CSV-")
        assert stored in (0, BATCH), f"half a file imported ({stored} of {BATCH})"
        if stored == BATCH and attempt >= 3:
            return
    raise AssertionError(f"the file was never imported: see {replica.log}")
