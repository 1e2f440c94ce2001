"""Migration 0027 copies each ladder set by command before ladders were terms (target_ladder) into its target, so
the agreement's next version states it; the row stays (alerts climb it until a version stating ladders is agreed)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from bot import agreements, service_map
from bot.agreements import targets
from bot.workspace.actor import Actor
from models import Target
from models.types import UTCDateTime
from tests.conftest import START, empty_tables

TEAM = "T0MIGRATE"
OLD_ROW = sa.table("target_ladder", sa.column("team_id", sa.String()), sa.column("target_id", sa.Integer()),
                   sa.column("steps", sa.String()), sa.column("set_by", sa.String()), sa.column("set_at", UTCDateTime()))
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)


def test_a_ladder_set_before_is_copied_into_its_target(database):
    empty_tables(database)
    sm = Actor(team_id=TEAM, user_id="U0ALICE", roles=frozenset({"admin", "service_manager"}), now=START)
    with Session(database.engine) as s:
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail"))
        drafted = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme Payroll", counterparty_id=acme.id, service_ids=[payroll.id],
            start=date(2026, 3, 1), end=date(2027, 2, 28), review_month=4, channel_id="C0ACME"), DOCS)
        for change in (targets.TargetChange(key=None, kind="resolution", level="P1", duration="4h"),
                       targets.TargetChange(key=None, kind="resolution", level="P2", duration="8h")):
            agreements.propose(s, sm, drafted.agreement, change, "setup", DOCS)
        ids = {t.key: t.id for t in agreements.targets_of(s, drafted.agreement)}
        s.commit()
    database.downgrade("0025")
    try:
        with database.engine.begin() as conn:
            conn.execute(sa.insert(OLD_ROW), [dict(team_id=TEAM, target_id=ids["T1"], steps="50% group; breach",
                                                   set_by="U0ALICE", set_at=START)])
    finally:
        database.migrate()
    with Session(database.engine) as s:
        ladders = {t.key: t.ladder for t in s.exec(select(Target))}
        kept = s.exec(sa.select(sa.func.count()).select_from(sa.table("target_ladder"))).one()
    assert ladders == {"T1": "50% group; breach", "T2": None}
    assert tuple(kept) == (1,)
    empty_tables(database)


def test_going_back_below_0027_keeps_what_hangs_off_the_targets(database):
    """Undoing 0027 drops target.ladder and nothing else: on SQLite, a batch copy of `target` would DROP the table
    with foreign keys on, and SQLite deletes its rows first, cascading to every row that references a target (its
    breaches, its coverage, the ladders set before)."""
    empty_tables(database)
    sm = Actor(team_id=TEAM, user_id="U0ALICE", roles=frozenset({"admin", "service_manager"}), now=START)
    with Session(database.engine) as s:
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail"))
        drafted = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme Payroll", counterparty_id=acme.id, service_ids=[payroll.id],
            start=date(2026, 3, 1), end=date(2027, 2, 28), review_month=4, channel_id="C0ACME"), DOCS)
        agreements.propose(s, sm, drafted.agreement, targets.TargetChange(key=None, kind="resolution", level="P1",
                                                                          duration="4h"), "setup", DOCS)
        [target_id] = [t.id for t in agreements.targets_of(s, drafted.agreement)]
        s.commit()
    with database.engine.begin() as conn:
        conn.execute(sa.insert(OLD_ROW), [dict(team_id=TEAM, target_id=target_id, steps="50% group", set_by="U0ALICE",
                                               set_at=START)])
    database.downgrade("0025")
    try:
        with database.engine.connect() as conn:
            targets_left = conn.execute(sa.text("SELECT count(*) FROM target")).scalar()
            rows_left = conn.execute(sa.text("SELECT count(*) FROM target_ladder")).scalar()
    finally:
        database.migrate()
    assert (targets_left, rows_left) == (1, 1)
    empty_tables(database)
