"""A supplier's contract beneath an SLA, for issue 17's suppliers tests.

Alice is the service manager; Dana (a member, no role) will own the contract; Eve is a member with no role;
Carol approves for Acme Retail (the customer), Bob for the Network group, Dave for Carrier X (the supplier).

The SLA "Acme Payroll" (2026-03-01 to 2027-02-28) promises a P1 resolution within 8h (T1), round the clock.
Beneath it: stage 1 the Network OLA's P1 resolution within 2h, stage 2 the "Carrier X contract"'s P1 resolution
within 4h. Both are agreed by both sides (version 2). The contract runs 2026-03-01 to 2027-08-31, renews
2027-03-31, with 90 days' notice; it is negotiated in #service-desk.

The check by hand (24x7 calendars, the default 15m hand-off): 2h + 15m + 4h = 6h15m of the SLA's 8h, so the
tightest ticket has 8h - 6h15m = 1h45m to spare: covered.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot import agreements, cover, service_map
from bot.agreements import targets
from bot.workspace import roles
from bot.workspace.actor import Actor
from models import ContactRole, Requirement
from tests.conftest import START

ALICE, BOB, CAROL, DAVE, DANA, EVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "U0DANA", "U0EVE"
SERVICE_DESK = "C0SERVICEDE"
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
UC, OLA, SLA = "Carrier X contract", "Network OLA", "Acme Payroll"


@dataclass
class World:
    team: str
    sla_id: int
    ola_id: int
    uc_id: int
    carrier_id: int
    acme_id: int


def make(s, sm, kind, name, party, service, changes, *, end=date(2027, 2, 28), channel_id=None, **extra):
    drafted = agreements.draft(s, sm, agreements.DraftInput(
        kind=kind, name=name, counterparty_id=party.id, service_ids=[service.id], start=date(2026, 3, 1),
        end=end, review_month=4, channel_id=channel_id, **extra), DOCS)
    for change in changes:
        agreements.propose(s, sm, drafted.agreement, change, "setup", DOCS)
    return drafted.agreement


def build(db, sandbox, team) -> World:
    sandbox.add_user(DANA, "Dana Contracts", tz="Europe/London")
    sandbox.add_user(EVE, "Eve Member", tz="Europe/London")
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START,
               tz="Europe/London")
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail",
                                                                   contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Network group",
                                                                      contacts={ContactRole.APPROVER: [BOB]}))
        carrier = service_map.add_party(s, sm, service_map.PartyInput(kind="supplier", name="Carrier X",
                                                                      contacts={ContactRole.APPROVER: [DAVE]}))
        T = targets.TargetChange
        sla = make(s, sm, agreements.AgreementKind.SLA, SLA, acme, payroll,
                   [T(key=None, kind="resolution", level="P1", duration="8h")])
        ola = make(s, sm, agreements.AgreementKind.OLA, OLA, network, payroll,
                   [T(key=None, kind="resolution", level="P1", duration="2h")])
        uc = make(s, sm, agreements.AgreementKind.UC, UC, carrier, payroll,
                  [T(key=None, kind="resolution", level="P1", duration="4h")], end=date(2027, 8, 31),
                  channel_id=SERVICE_DESK, contract_ref="CX-114", notice_days=90, renewal_date=date(2027, 3, 31))
        ids = {(a.name, t.key): t.id for a in (sla, ola, uc) for t in agreements.targets_of(s, a)}
        cover.link(s, sm, sla_target_id=ids[SLA, "T1"], leg_target_id=ids[OLA, "T1"], stage=1)
        cover.link(s, sm, sla_target_id=ids[SLA, "T1"], leg_target_id=ids[UC, "T1"], stage=2)
        for agreement, approver in ((ola, BOB), (uc, DAVE)):
            for who in (sm, Actor(team_id=team, user_id=approver, now=START)):
                agreements.agree(s, who, agreement, 2, gate=cover.gate)
        s.add(Requirement(team_id=team, number=1, service_id=payroll.id, customer_id=acme.id, said_by=CAROL,
                          said_role="approver", source="form", category="availability",
                          statement="Payroll must be up 99.9% of the working week", created_at=START,
                          created_by=ALICE))
        return World(team=team, sla_id=sla.id, ola_id=ola.id, uc_id=uc.id, carrier_id=carrier.id, acme_id=acme.id)


@pytest.fixture
def world(db, sandbox, team, harness_clean) -> World:
    return build(db, sandbox, team)
