"""Benchmarks (`make bench`): the service map, rendered alone and answered end to end."""
from __future__ import annotations

import os

import pytest

from bot import service_map
from bot.workspace.actor import Actor
from messages import render_message
from models import PartyKind
from tests.conftest import START

pytestmark = pytest.mark.bench
SERVICES = 4 if os.environ.get("BENCH_SMOKE") else 40  # BENCH_SMOKE=1 (make test's smoke run): a tiny map


@pytest.fixture
def big_map(db, team):
    actor = Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        parties = [service_map.add_party(s, actor, service_map.PartyInput(kind=k.value, name=f"{k.value} {i}"))
                   for i in range(10) for k in PartyKind]
        for i in range(SERVICES):
            svc = service_map.add_service(s, actor, name=f"Service {i}")
            for p in parties[i % 10::10]:
                service_map.link(s, actor, service_id=svc.id, party_id=p.id, activities=["incident handling", "reporting"])
    return team


def test_render_map(benchmark, db, big_map):
    with db.session() as s:
        views = service_map.service_views(s, big_map)
    benchmark(render_message, "map.yml.j2", services=views, focus=None)


def test_slm_map_round_trip(benchmark, slack, big_map):
    outcome = benchmark(slack.command, "map")
    assert outcome.status == 200
