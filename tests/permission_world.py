"""The smallest world the permission table's scenarios need, one person per role (tests/permission_scenarios.py).

    Alice  a workspace admin (Slack's is_admin in the stand-in), granted nothing in the bot
    Bob    a service manager (granted in the bot), not an admin
    Carol  the approver of Acme Retail, the customer: a party contact, otherwise a member
    Dave   the approver of the Network group, a support group: a party contact, otherwise a member
    Eve    a member: no grant, no contact, nobody's admin

Payroll is on the map; the SLA "Acme Payroll" (Acme Retail, #acme-sla) has one target, P1 resolution 4h, with
nothing beneath it (so it has a gap in cover); the OLA "Network OLA" (Network group, #network-team) one target.
Neither is posted: a scenario that needs its headline posts it (`post`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot import agreements, service_map
from bot.agreements import targets
from bot.workspace import roles
from bot.workspace.actor import Actor
from models import Agreement, ContactRole
from tests.conftest import START

ALICE, BOB, CAROL, DAVE, EVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "U0EVE"
ACME_CHANNEL, NETWORK_CHANNEL = "C0ACMESLA", "C0NETWORKTE"
SLA, OLA = "Acme Payroll", "Network OLA"
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
# Bookkeeping a refused request may still write: who a person is (the profile read to know their roles) and
# which requests were seen (the replay guard). Everything else must stay exactly as it was.
BOOKKEEPING = frozenset({"member", "interaction_seen"})


@dataclass
class World:
    team: str
    service_id: int
    customer_id: int
    group_id: int
    sla_id: int
    ola_id: int


def build(db, sandbox, team) -> World:
    sandbox.add_user(EVE, "Eve Member", tz="Europe/London")
    for channel in sandbox.channels.values():
        if channel.get("team_id", team) == team and EVE not in channel.get("members", [EVE]):
            channel["members"].append(EVE)
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START, tz="Europe/London")
    with db.session() as s:
        roles.grant(s, keeper, BOB, "service_manager")
        payroll = service_map.add_service(s, keeper, name="Payroll")
        acme = service_map.add_party(s, keeper, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id=ACME_CHANNEL, contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, keeper, service_map.PartyInput(
            kind="support_group", name="Network group", channel_id=NETWORK_CHANNEL,
            contacts={ContactRole.APPROVER: [DAVE]}))
        made = {}
        for kind, name, party, channel, duration in ((agreements.AgreementKind.SLA, SLA, acme, ACME_CHANNEL, "4h"),
                                                     (agreements.AgreementKind.OLA, OLA, network, NETWORK_CHANNEL, "3h")):
            drafted = agreements.draft(s, keeper, agreements.DraftInput(
                kind=kind, name=name, counterparty_id=party.id, service_ids=[payroll.id], start=date(2026, 4, 1),
                end=date(2027, 3, 31), review_month=None, channel_id=channel), DOCS)
            agreements.propose(s, keeper, drafted.agreement,
                               targets.TargetChange(key=None, kind="resolution", level="P1", duration=duration),
                               "setup", DOCS)
            made[name] = drafted.agreement.id
        return World(team=team, service_id=payroll.id, customer_id=acme.id, group_id=network.id, sla_id=made[SLA],
                     ola_id=made[OLA])


@pytest.fixture
def perm_world(db, sandbox, team, harness_clean) -> World:
    return build(db, sandbox, team)


def post(slack, sandbox, kind: str, name: str, channel: str):
    """The agreement's headline in its channel, posted by the service manager."""
    assert slack.command(f"{kind} post {name}", user=BOB).ok
    return headline(sandbox, channel)


def headline(sandbox, channel: str):
    return next(m for m in sandbox.channel_messages(channel, include_ephemeral=False)
                if m.blocks and m.blocks[0]["type"] == "header")


def agreement(db, agreement_id: int) -> Agreement:
    with Session(db.engine) as s:
        return s.exec(select(Agreement).where(Agreement.id == agreement_id)).one()


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table but the bookkeeping, in a stable order: what "nothing changed" compares."""
    out = {}
    with db.engine.connect() as conn:
        for name in db.table_names():
            if name in BOOKKEEPING or name == "alembic_version":
                continue
            rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()
            out[name] = sorted((tuple(map(repr, r)) for r in rows))
    return out


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
