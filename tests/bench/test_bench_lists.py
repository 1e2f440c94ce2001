"""Benchmarks (`make bench`): every `/slm` command's after-ack work at issue 14's 10k scale (BENCH_SMOKE=1: the
smoke scale), answered end to end through the real app (a signed request, the ack, the work, the answer posted
to the stand-in). Target: <= 300 ms each.

Each figure's baseline is measured in the same run: where main's code path can still be run (it read the whole
map, every agreement and its counterparty one at a time, every service and customer for a listing's names), that
path, run here as main ran it; otherwise `/slm help`'s round trip, the floor every command stands on.
"""
from __future__ import annotations

import os
import statistics
import time

import pytest
from sqlmodel import select

from bot import agreements, requirements, service_map
from bot import cover as coverage
from bot.reviews import sla_review
from messages import render_message
from models import Agreement, AgreementKind, Party, PartyKind, Requirement, Service
from tests.bench.seed import SCALES, seed

pytestmark = pytest.mark.bench
SMOKE = bool(os.environ.get("BENCH_SMOKE"))
SCALE = SCALES["smoke" if SMOKE else "10k"]
ROUNDS = 1 if SMOKE else 5  # make test's smoke run checks the benchmark works, in seconds
TARGET = 0.300
NOTES = {"tree": "the tree reads its verdicts stored by the recheck (run once before, as every 15 minutes); what is "
                 "left is the cover check of targets whose stored inputs do not match (the cover slice's)"}
# main's figures, measured on this machine before this change (README "Performance", issue 14): /slm map took
# 344 ms at 1k services and 4.0 s at 10k; /slm sla list made one query per agreement (5,001 at 5k).


def _median(run, rounds: int | None = None) -> float:
    rounds = ROUNDS if rounds is None or SMOKE else rounds
    run()  # warm: templates compiled, the workspace's members read once
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _mains_map(db, team):
    """main's `/slm map`: every service with every link built, forty rendered."""
    with db.session() as s:
        views = service_map.service_views(s, team)
    return render_message("map.yml.j2", services=views[:40], focus=None)


def _mains_sla_list(db, team):
    """main's `/slm sla list`: every SLA, its counterparty and its review read one at a time."""
    with db.session() as s:
        rows = [{"name": a.name, "status": agreements.status_line(a),
                 "counterparty": service_map.get_party(s, a.team_id, a.counterparty_id).name,
                 "next_review": "2026-04-01", "review": sla_review.status_line(s, a), "thread": a.permalink}
                for a in agreements.list_agreements(s, team, AgreementKind.SLA)]
    return render_message("agreement_list.yml.j2", rows=rows[:60], kind="sla", kind_label="SLA")


def _mains_requirements(db, team, customer_id):
    """main's `/slm requirements <customer>`: the customer's requirements, and every service and customer's name."""
    with db.session() as s:
        reqs = list(s.exec(select(Requirement).where(Requirement.team_id == team, Requirement.customer_id == customer_id)))
        names = ({x.id: x.name for x in service_map.list_services(s, team)},
                 {p.id: p.name for p in service_map.list_parties(s, team, PartyKind.CUSTOMER)})
        requirements.find_conflicts(reqs)
    return names


def test_every_command_at_the_10k_scale(db, team, slack, sandbox, clock, figures):
    summary = seed(db, team, SCALE)
    with db.session() as s:
        sla = s.exec(select(Agreement).where(Agreement.team_id == team, Agreement.kind == AgreementKind.SLA.value)
                     .order_by(Agreement.id)).first()
        customer = s.get(Party, sla.counterparty_id)
        service = s.exec(select(Service).where(Service.team_id == team).order_by(Service.id)).first()
        requirement = s.exec(select(Requirement).where(Requirement.team_id == team).order_by(Requirement.id)).first()
    with db.session() as s:  # as the 15-minute recheck leaves it: the tree's verdicts stored under their inputs
        coverage.recheck(s, s.get(Agreement, sla.id), clock.now())
    help_trip = _median(lambda: slack.command("help", user="U0BOB"))
    mains = {"map": ("main's whole-map read", _median(lambda: _mains_map(db, team), 3)),
             "sla list": ("main's query per SLA", _median(lambda: _mains_sla_list(db, team), 3)),
             f"requirements {customer.name}": ("main's every-name read",
                                               _median(lambda: _mains_requirements(db, team, customer.id), 3))}
    commands = ["map", f"map {service.name}", f"map {customer.name}", "map Nowhere at all", "sla list", "ola list",
                "uc list", f"sla show {sla.name}", f"sla diff {sla.name} v1 v1", f"requirements {service.name}",
                f"requirements {customer.name}", f"tree {sla.name}", f"check #{requirement.number}", "actions",
                "actions mine", "roles", "tokens", "alerts", "calendar list", "settings", f"review risks {sla.name}",
                f"review sla {sla.name}", "benchmark resolution P1", "sla show Nowhere at all",
                f"relationship {customer.name}"]
    slow = []
    for command in commands:
        measured = _median(lambda c=command: slack.command(c, user="U0BOB"))
        name, baseline = mains.get(command, ("/slm help round trip", help_trip))
        met = measured <= TARGET
        if not met:
            slow.append(command)
        figures.record(f"/slm {command} ({summary.scale})",
                       measured=measured, unit="s", target="<= 300 ms after ack", met=met, baseline=baseline,
                       baseline_name=name,
                       note=NOTES.get(command.split()[0], "") if not met else "")
        print(f"{command:45s} {measured * 1000:8.1f} ms   baseline {name}: {baseline * 1000:8.1f} ms")
    assert commands  # speed is reported in the table, never asserted
