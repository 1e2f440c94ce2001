"""A small world for the domain services' unit tests: an empty migrated database (no Slack, no server), the
people, and an SLA for Acme Retail with an OLA and a contract that could underpin it.

Fixtures here are imported by the conftest of each domain package's unit tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot import agreements, service_map
from bot.agreements import targets
from bot.calendars import records as calendar_records
from bot.database import Database
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from models import Agreement, ContactRole
from tests.conftest import START, empty_tables

TEAM = "T0UNIT"
ALICE, BOB, CAROL, DAVE, EVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "U0EVE"  # EVE: nobody in particular
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
TERM = (date(2026, 4, 1), date(2027, 3, 31))
T = targets.TargetChange


def person(user_id: str, *roles: str, now=START) -> Actor:
    return Actor(team_id=TEAM, user_id=user_id, roles=frozenset(roles), now=now, tz="Europe/London")


SM = person(ALICE, "admin", "service_manager")  # the provider's service manager


@dataclass
class World:
    db: Database
    payroll: int
    acme: int
    network: int
    carrier: int
    sla: int
    ola: int
    uc: int

    def get(self, s, agreement_id: int) -> Agreement:
        return agreements.get(s, TEAM, agreement_id)

    def target(self, s, agreement_id: int, key: str):
        return next(t for t in agreements.targets_of(s, self.get(s, agreement_id)) if t.key == key)


def make(s, actor, kind, name, party_id, service_id, changes, **extra):
    drafted = agreements.draft(s, actor, agreements.DraftInput(
        kind=kind, name=name, counterparty_id=party_id, service_ids=[service_id], start=extra.pop("start", TERM[0]),
        end=extra.pop("end", TERM[1]), review_month=4, channel_id="C0ACMESLA", **extra), DOCS)
    for change in changes:
        agreements.propose(s, actor, drafted.agreement, change, "setup", DOCS)
    return drafted.agreement


@pytest.fixture
def unit_db(database) -> Database:
    """The session's migrated database, emptied: nothing of another test is seen."""
    empty_tables(database)
    return database


@pytest.fixture
def world(unit_db) -> World:
    """Acme Retail (approver Carol), the Network group (Bob), Carrier X (Dave); Payroll; an SLA, an OLA and a
    contract, each with a P1 resolution target (T1) and an availability target (T2), nothing linked yet."""
    with unit_db.session() as s:
        members.grant(s, SM, ALICE, "service_manager")
        payroll = service_map.add_service(s, SM, name="Payroll")
        acme = service_map.add_party(s, SM, service_map.PartyInput(kind="customer", name="Acme Retail",
                                                                   contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, SM, service_map.PartyInput(kind="support_group", name="Network group",
                                                                      contacts={ContactRole.APPROVER: [BOB]}))
        carrier = service_map.add_party(s, SM, service_map.PartyInput(kind="supplier", name="Carrier X",
                                                                      contacts={ContactRole.APPROVER: [DAVE]}))
        office = calendar_records.add(s, SM, name="Carrier office", hours="Mon-Fri 09:00-17:00 Europe/London")
        sla = make(s, SM, agreements.AgreementKind.SLA, "Acme Payroll", acme.id, payroll.id, [
            T(key=None, kind="resolution", level="P1", duration="4h"), T(key=None, kind="availability", goal="99.9%")])
        ola = make(s, SM, agreements.AgreementKind.OLA, "Network OLA", network.id, payroll.id, [
            T(key=None, kind="resolution", level="P1", duration="1h"), T(key=None, kind="availability", goal="99.95%")])
        uc = make(s, SM, agreements.AgreementKind.UC, "Carrier X contract", carrier.id, payroll.id, [
            T(key=None, kind="resolution", level="P1", duration="2h", calendar_id=office.id),
            T(key=None, kind="availability", goal="99.9%")], contract_ref="CX-114", notice_days=90)
        return World(unit_db, payroll.id, acme.id, network.id, carrier.id, sla.id, ola.id, uc.id)
