"""Benchmarks (`make bench`): the back-to-back check of an SLA whose legs run in other calendars."""
from __future__ import annotations

import os
from datetime import date

import pytest

from bot import agreements, calendars, service_map
from bot.cover import arithmetic as backtoback_calc
from bot.calendars import records as calendar_records
from bot import cover as coverage
from bot.cover import assessment
from bot.workspace import roles as members
from bot.agreements import targets
from bot.workspace.actor import Actor
from models import AgreementKind, TargetLink
from tests.conftest import START

pytestmark = pytest.mark.bench
DOCS = agreements.DocSettings(provider_name="IT", templates_dir=None)
ROUNDS = 1 if os.environ.get("BENCH_SMOKE") else 5  # BENCH_SMOKE=1 (make test's smoke run): one round


@pytest.fixture
def sla(db, team):
    sm = Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        members.grant(s, sm, "U0ALICE", "service_manager")
        svc = service_map.add_service(s, sm, name="Payroll")
        parties = {k: service_map.add_party(s, sm, service_map.PartyInput(kind=k, name=k)) for k in
                   ("customer", "support_group", "supplier")}
        office = calendar_records.add(s, sm, name="Office", hours="Mon-Fri 08:00-18:00 Europe/London",
                                      holidays_country="GB", holidays_subdiv="ENG")
        india = calendar_records.add(s, sm, name="Bangalore", hours="Mon-Sat 09:00-18:00 Asia/Kolkata",
                                     holidays_country="IN")
        made = {}
        for kind, party, cal in ((AgreementKind.SLA, "customer", office), (AgreementKind.OLA, "support_group", office),
                                 (AgreementKind.UC, "supplier", india)):
            a = agreements.draft(s, sm, agreements.DraftInput(kind=kind, name=f"{kind.value} one",
                                 counterparty_id=parties[party].id, service_ids=[svc.id], start=date(2026, 4, 1),
                                 end=date(2027, 3, 31), review_month=4, channel_id="C1"), DOCS).agreement
            for level in ("P1", "P2", "P3", "P4"):
                agreements.propose(s, sm, a, targets.TargetChange(key=None, kind="resolution", level=level,
                                                                  duration="8 business hours", calendar_id=cal.id),
                                   "setup", DOCS)
            made[kind] = a
        legs = {kind: agreements.targets_of(s, made[kind]) for kind in made}
        for i, sla_target in enumerate(legs[AgreementKind.SLA]):
            s.add(TargetLink(team_id=team, sla_target_id=sla_target.id, leg_target_id=legs[AgreementKind.OLA][i].id,
                             stage=1, created_at=START, created_by="U0ALICE"))
            s.add(TargetLink(team_id=team, sla_target_id=sla_target.id, leg_target_id=legs[AgreementKind.UC][i].id,
                             stage=2, created_at=START, created_by="U0ALICE"))
        return made[AgreementKind.SLA].id


def _forget_worked_out_calendars() -> None:
    """Each round starts as a fresh process would: no calendar, sample or uncovered-hours answer remembered."""
    assessment._clock_calendar.cache_clear()
    backtoback_calc._sample_starts.cache_clear()
    calendars.uncovered.cache_clear()


def test_check_an_sla_of_four_targets_over_two_calendars(benchmark, db, team, sla):
    def run():
        with db.session() as s:
            return coverage.check_agreement(s, agreements.get(s, team, sla))

    checks = benchmark.pedantic(run, setup=_forget_worked_out_calendars, rounds=ROUNDS, iterations=1)
    assert len(checks) == 4


def test_recheck_an_unchanged_sla_of_four_targets(benchmark, db, team, sla):
    """The 15-minute recheck of an SLA whose tree did not change: the stored results, keyed on their inputs."""
    with db.session() as s:
        coverage.recheck(s, agreements.get(s, team, sla), START)

    def run():
        with db.session() as s:
            return coverage.recheck(s, agreements.get(s, team, sla), START)

    assert benchmark.pedantic(run, setup=_forget_worked_out_calendars, rounds=ROUNDS, iterations=1) == []
