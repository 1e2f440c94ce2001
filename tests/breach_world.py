"""A service with an SLA, an OLA and a contract beneath its P1 resolution target, and a way to hand the sweep the
states an evaluation would give (bot.measurements.states.TargetState)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot import agreements, cover, service_map
from bot.agreements import targets
from bot.breaches import jobs as breach_jobs
from bot.measurements.states import Level, Subject, TargetState
from bot.workspace import roles
from bot.workspace.actor import Actor
from models import ContactRole, Ticket
from tests.conftest import START

ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"  # service manager, Network group, customer, supplier
NETWORK_CHANNEL = "C0NETWORKTE"  # the stand-in's #network-team
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)


@dataclass
class World:
    team: str
    sla_id: int
    resolution: int  # the SLA's T1 P1 resolution 4h, with an OLA (3h) and a contract (2h) beneath it
    availability: int  # the SLA's T2 Availability 99.9%, with nothing beneath it
    network_id: int
    ticket_id: int

    def state(self, level: Level, percent: float, summary: str, *, remaining: timedelta | None = None,
              ended: bool = False, target: str = "resolution", assigned: int | None = None) -> TargetState:
        target_id = getattr(self, target)
        ticket = target == "resolution"
        return TargetState(team_id=self.team, key=f"ticket:{self.ticket_id}:target:{target_id}" if ticket
                           else f"period:{target_id}:2026-03-01", target_id=target_id, agreement_id=self.sla_id,
                           subject=Subject.TICKET if ticket else Subject.AVAILABILITY, level=level,
                           percent_used=percent, summary=summary, ticket_id=self.ticket_id if ticket else None,
                           ticket_ref="INC0012345" if ticket else None, assigned_group_id=assigned,
                           remaining=remaining, ended=ended)


def make(s, sm, kind, name, party, service, changes, **extra):
    drafted = agreements.draft(s, sm, agreements.DraftInput(
        kind=kind, name=name, counterparty_id=party.id, service_ids=[service.id], start=date(2026, 3, 1),
        end=date(2027, 2, 28), review_month=4, channel_id=None, **extra), DOCS)
    for change in changes:
        agreements.propose(s, sm, drafted.agreement, change, "setup", DOCS)
    return drafted.agreement


@pytest.fixture
def world(db, team, harness_clean) -> World:
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail",
                                                                   contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Network group",
                                                                      channel_id=NETWORK_CHANNEL,
                                                                      contacts={ContactRole.OPERATIONAL: [BOB]}))
        carrier = service_map.add_party(s, sm, service_map.PartyInput(kind="supplier", name="Carrier X",
                                                                      contacts={ContactRole.APPROVER: [DAVE]}))
        T = targets.TargetChange
        sla = make(s, sm, agreements.AgreementKind.SLA, "Acme Payroll", acme, payroll, [
            T(key=None, kind="resolution", level="P1", duration="4h"), T(key=None, kind="availability", goal="99.9%")])
        ola = make(s, sm, agreements.AgreementKind.OLA, "Network OLA", network, payroll, [
            T(key=None, kind="resolution", level="P1", duration="3h")])
        uc = make(s, sm, agreements.AgreementKind.UC, "Carrier X contract", carrier, payroll, [
            T(key=None, kind="resolution", level="P1", duration="2h")], contract_ref="CX-114", notice_days=90)
        ids = {(a.name, t.key): t.id for a in (sla, ola, uc) for t in agreements.targets_of(s, a)}
        cover.link(s, sm, sla_target_id=ids["Acme Payroll", "T1"], leg_target_id=ids["Network OLA", "T1"], stage=1)
        cover.link(s, sm, sla_target_id=ids["Acme Payroll", "T1"], leg_target_id=ids["Carrier X contract", "T1"],
                   stage=2)
        ticket = Ticket(team_id=team, external_id="INC0012345", service_id=payroll.id, priority="P1",
                        title="Payroll run fails", opened_at=START, updated_at=START)
        s.add(ticket)
        s.flush()
        return World(team=team, sla_id=sla.id, resolution=ids["Acme Payroll", "T1"],
                     availability=ids["Acme Payroll", "T2"], network_id=network.id, ticket_id=ticket.id)


@pytest.fixture
def sweep(harness_clean):
    """Run the sweep job with these states as the evaluation's answer, then the reminders' and the outbox job (what
    the scheduler does each minute)."""
    def run(*states: TargetState) -> None:
        breach_jobs.sweep(harness_clean.deps, states_for=lambda _s, team_id, _now: [x for x in states if x.team_id == team_id])
        from bot import delivery, reminders

        reminders.sweep_due(harness_clean.deps.db, harness_clean.deps.clock.now())  # escalations that fell due

        delivery.deliver_pending(harness_clean.deps, harness_clean.deps.client)
    return run
