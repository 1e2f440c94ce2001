"""Transactions: two replicas agreeing at once still make the agreement agreed; a failed unit of work leaves nothing."""
from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from bot import agreements, service_map
from bot import cover as coverage
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from models import Agreement, ContactRole, Service, Signoff
from tests.conftest import START

DOCS = agreements.DocSettings(provider_name="IT", templates_dir=None)


@pytest.mark.parametrize("attempt", range(3))
def test_both_sides_agreeing_at_once(db, team, attempt):
    sm = Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"admin", "service_manager"}), now=START)
    carol = Actor(team_id=team, user_id="U0CAROL", roles=frozenset(), now=START)
    with db.session() as s:
        members.grant(s, sm, "U0ALICE", "service_manager")
        svc = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme",
                                                                   contacts={ContactRole.APPROVER: ["U0CAROL"]}))
        drafted = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme SLA", counterparty_id=acme.id, service_ids=[svc.id],
            start=START.date(), end=START.date().replace(year=2027), review_month=4, channel_id="C1"), DOCS)
        agreement_id = drafted.agreement.id
    with db.session() as s:
        propose = agreements.propose
        from bot.agreements import targets

        propose(s, sm, drafted.agreement, targets.TargetChange(key=None, kind="availability", goal="99%"), "a target", DOCS)
        for c in coverage.check_agreement(s, drafted.agreement):
            for gap in c.gaps:
                coverage.waive(s, sm, c.target.id, coverage.gap_key(gap), "nothing underpins it in this test")
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def sign(actor):
        try:
            with db.session() as s:
                row = agreements.get(s, team, agreement_id)
                s.exec(select(Agreement.id)).all()  # a read before the race, as a request does
                try:
                    barrier.wait(timeout=0.5)  # both have read: the race is on
                except threading.BrokenBarrierError:
                    pass  # SQLite: the other waits in BEGIN IMMEDIATE until this unit of work commits
                agreements.agree(s, actor, row, 2, gate=coverage.gate)
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=sign, args=(a,)) for a in (sm, carol)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with db.session() as s:
        row = agreements.get(s, team, agreement_id)
        assert (row.agreed_version, row.status) == (2, "active")
        assert len(s.exec(select(Signoff)).all()) == 2


def test_a_savepoint_then_an_error_leaves_nothing(db, team):
    """A savepoint that is the first write of a unit of work belongs to it: the unit's rollback undoes it."""
    sm = Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"admin"}), now=START)
    with pytest.raises(RuntimeError):
        with db.session() as s:
            service_map.add_service(s, sm, name="Payroll")  # its insert runs in a savepoint
            raise RuntimeError("the rest of the unit of work failed")
    with db.session() as s:
        assert s.exec(select(Service)).all() == []


def test_sqlite_keeps_wal_and_foreign_keys(db):
    if not db.is_sqlite:
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
