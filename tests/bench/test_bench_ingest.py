"""Benchmark (`make bench`, issue 14 "ingestion"): ticket events through `POST /api/v1/batch` in batches of 999 (a
ticket opened, responded and resolved, P1 on a service under an SLA in force), and then their clocks evaluated (the
breach sweep measures every new ticket against the SLA's targets). Events a second over the whole, beside a raw
SQLAlchemy Core insert of the same ticket and event rows into the same database, in the same run.

`BENCH_SMOKE=1`: 3,000 events instead of 30,000."""
from __future__ import annotations

import os
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import insert, select

from bot.breaches import jobs as breach_jobs
from models import Service, Ticket, TicketEvent
from tests.api.conftest import make_token
from tests.breach_world import world  # noqa: F401  (fixture)
from tests.conftest import START
from tests.slack.test_breach_sweep import in_force

pytestmark = pytest.mark.bench

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
EVENTS = 3_000 if SMOKE else 30_000
PER_BATCH = 999  # 333 tickets, three events each (the API takes up to 1,000 a collection)


def _at(minutes: float) -> str:
    return (START - timedelta(days=1) + timedelta(minutes=minutes)).isoformat()


def _batches() -> list[dict]:
    events = []
    for t in range(EVENTS // 3):
        ref = f"INC{t:07d}"
        events += [{"id": f"{ref}/opened", "ticket": ref, "kind": "opened", "at": _at(t % 600), "priority": "P1",
                    "service": "Payroll", "title": f"ticket {t}", "group": "Network group"},
                   {"id": f"{ref}/responded", "ticket": ref, "kind": "responded", "at": _at(t % 600 + 10)},
                   {"id": f"{ref}/resolved", "ticket": ref, "kind": "resolved", "at": _at(t % 600 + 120)}]
    return [{"ticket_events": events[i:i + PER_BATCH]} for i in range(0, len(events), PER_BATCH)]


def _through_the_api(api, deps, batches) -> float:
    began = time.perf_counter()
    for batch in batches:
        answer = api.post("/v1/batch", json=batch)
        assert answer.status_code == 200, answer.text[:500]
    breach_jobs.sweep(deps)  # the clocks evaluated: every new ticket measured once
    return time.perf_counter() - began


def _core_insert(db, service_id: int) -> float:
    """The same rows, written as plainly as SQLAlchemy can: one executemany for the tickets, one for the events."""
    team, now = "T0COREINSERT", START
    tickets = [{"team_id": team, "external_id": f"INC{t:07d}", "service_id": service_id, "priority": "P1",
                "title": f"ticket {t}", "opened_at": START, "resolved_at": START, "source": "api", "updated_at": now}
               for t in range(EVENTS // 3)]
    began = time.perf_counter()
    with db.engine.begin() as conn:
        conn.execute(insert(Ticket.__table__), tickets)
        ids = dict(conn.execute(select(Ticket.external_id, Ticket.id).where(Ticket.team_id == team)).all())
        conn.execute(insert(TicketEvent.__table__), [
            {"team_id": team, "external_id": f"{ref}/{kind}", "ticket_id": ticket_id, "kind": kind, "at": START,
             "detail": {}, "revision": 1, "received_at": now}
            for ref, ticket_id in ids.items() for kind in ("opened", "responded", "resolved")])
    return time.perf_counter() - began


def test_ticket_events_ingested_and_evaluated(benchmark, slack, sandbox, db, harness_clean, world, figures):
    in_force(db, world)
    token = make_token(slack, sandbox)
    batches = _batches()
    with db.engine.connect() as conn:
        service_id = conn.execute(select(Service.id).where(Service.team_id == world.team)).scalar_one()
    baseline = _core_insert(db, service_id)
    with httpx.Client(base_url=f"{harness_clean.base_url}/api", timeout=120,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        took = benchmark.pedantic(_through_the_api, args=(api, harness_clean.deps, batches), rounds=1, iterations=1)
    with db.engine.connect() as conn:
        evaluated = conn.execute(select(Ticket.id).where(Ticket.team_id == world.team,
                                                         Ticket.evaluated_at.is_not(None))).all()
    assert len(evaluated) == EVENTS // 3  # every ticket's clocks were measured
    rate, core_rate = EVENTS / took, EVENTS / baseline
    met = rate >= 5000 and rate >= 0.3 * core_rate
    note = "" if met else (
        "py-spy before the fix: the sweep marked evaluated tickets with one UPDATE each (1,864 of 8,373 samples), "
        "ORM objects for every new event and ticket and an UPDATE per new ticket after its INSERT, and the sweep "
        "built ORM objects for every ticket and event it measured. Now: one executemany per batch for new tickets "
        "and events, column reads, grouped UPDATEs (about 5x: 661 -> 3,000-4,300 events/s alone, 0.18-0.5x the "
        "Core insert on a machine at load 10-18). What is left: the Core inserts themselves, pydantic validation of "
        "the batch, and the load generator's JSON in the same process; meeting 5,000/s here needs the "
        "validation done by one TypeAdapter over the whole batch and the evaluation of a burst in the background.")
    figures.record(f"ingestion: {EVENTS:,} ticket events via /api/v1/batch, clocks evaluated", rate, "events/s",
                   ">= 5,000/s and >= 0.3x", met=met, baseline=core_rate, baseline_name="a raw Core insert of the same rows",
                   note=note)
