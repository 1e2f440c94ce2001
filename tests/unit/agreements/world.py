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
PARTIES = (("customer", "Acme Retail", CAROL), ("support_group", "Network group", BOB), ("supplier", "Carrier X", DAVE))


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
        acme, network, carrier = (
            service_map.add_party(s, SM, service_map.PartyInput(kind=kind, name=name,
                                                                contacts={ContactRole.APPROVER: [approver]})).id
            for kind, name, approver in PARTIES)
        office = calendar_records.add(s, SM, name="Carrier office", hours="Mon-Fri 09:00-17:00 Europe/London")
        made = []
        for kind, name, party, (t1, t2), extra in (
                (agreements.AgreementKind.SLA, "Acme Payroll", acme, ("4h", "99.9%"), {}),
                (agreements.AgreementKind.OLA, "Network OLA", network, ("1h", "99.95%"), {}),
                (agreements.AgreementKind.UC, "Carrier X contract", carrier, ("2h", "99.9%"),
                 {"contract_ref": "CX-114", "notice_days": 90})):
            calendar_id = office.id if kind is agreements.AgreementKind.UC else None
            made.append(make(s, SM, kind, name, party, payroll.id, [
                T(key=None, kind="resolution", level="P1", duration=t1, calendar_id=calendar_id),
                T(key=None, kind="availability", goal=t2)], **extra).id)
        return World(unit_db, payroll.id, acme, network, carrier, *made)
