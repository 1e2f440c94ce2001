"""Cover assessed through the domain services: the tree, the check of each target, the gate, waivers."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot import agreements, requirements
from bot import cover as coverage
from bot.cover.rules import Verdict
from bot.errors import Command, DomainError, InvalidInput, PermissionDenied
from models import ContactRole, Signoff, Source, Waiver
from tests.unit.agreements.world import CAROL, DAVE, DOCS, SM, T, TEAM, person
from tests.unit.cover.tree_helpers import checks, link_tree


def test_a_target_with_nothing_beneath_it_is_not_owned(world):
    with world.db.session() as s:
        found = checks(world, s)
    assert {k: (c.verdict, [g.rule for g in c.gaps]) for k, c in found.items()} == {
        "T1": (Verdict.NOT_COVERED, ["ownership"]), "T2": (Verdict.NOT_COVERED, ["ownership"])}


def test_the_tree_reads_each_target_with_its_legs_and_their_gaps(world):
    link_tree(world)
    with world.db.session() as s:
        nodes = coverage.tree(s, world.get(s, world.sla), SM.today(), at=SM.at())
        assert [(n.target.key, [(leg.stage, leg.owner.name, leg.target.key) for leg in n.legs]) for n in nodes] == [
            ("T1", [(1, "Network group", "T1"), (2, "Carrier X", "T1")]),
            ("T2", [(1, "Network group", "T2"), (2, "Carrier X", "T2")])]
        found = checks(world, s)
    # Carrier X works office hours beneath a 24x7 SLA; in series the availabilities fall short of 99.9%.
    assert [g.rule for g in found["T1"].gaps] == ["hours"]
    assert [g.rule for g in found["T2"].gaps] == ["availability"] and "99.85" in found["T2"].gaps[0].reason
    notes = [f for f in found["T1"].check.findings if f.rule == "agreement"]
    assert notes and all(f.verdict == Verdict.AT_RISK and "not agreed yet" in f.reason for f in notes)


def test_linking_refuses_what_does_not_belong_beneath_an_sla_target(world):
    link_tree(world)
    with world.db.session() as s:
        sla_t1, ola_t1 = world.target(s, world.sla, "T1"), world.target(s, world.ola, "T1")
        with pytest.raises(InvalidInput) as err:
            coverage.link(s, SM, sla_target_id=sla_t1.id, leg_target_id=ola_t1.id, stage=1)
        assert err.value.errors == {"leg_target": "That target already sits beneath this one."}
        with pytest.raises(InvalidInput) as err:
            coverage.link(s, SM, sla_target_id=ola_t1.id, leg_target_id=sla_t1.id, stage=0)
        assert set(err.value.errors) == {"sla_target", "leg_target", "stage"}
        with pytest.raises(PermissionDenied):
            coverage.link(s, person(CAROL), sla_target_id=sla_t1.id, leg_target_id=ola_t1.id, stage=1)


def test_the_gate_refuses_an_sla_with_gaps_and_lets_an_ola_through(world):
    link_tree(world)
    with world.db.session() as s:
        with pytest.raises(coverage.AgreementRefused) as refused:
            coverage.gate(s, SM, world.get(s, world.sla))
        assert str(refused.value).startswith("Acme Payroll cannot be agreed yet: 2 gaps in what underpins it.")
        assert [c.target.key for c in refused.value.checks] == ["T1", "T2"]
        coverage.gate(s, SM, world.get(s, world.ola))  # nothing is checked above an OLA


def test_agreeing_an_sla_through_the_gate_refuses_until_every_gap_is_waived(world):
    link_tree(world)
    with pytest.raises(coverage.AgreementRefused), world.db.session() as s:
        agreements.agree(s, person(CAROL), world.get(s, world.sla), 3, gate=coverage.gate)
    with world.db.session() as s:
        assert s.exec(select(Signoff)).all() == []
        for c in checks(world, s).values():
            for gap in c.gaps:
                coverage.waive(s, SM, c.target.id, coverage.gap_key(gap), "Accepted for the first year")
    with world.db.session() as s:
        result = agreements.agree(s, person(CAROL), world.get(s, world.sla), 3, gate=coverage.gate)
        assert (result.side, result.now_agreed) == ("counterparty", False)
        after = checks(world, s)
        assert [after[k].gaps for k in ("T1", "T2")] == [[], []]
        assert [after["T1"].shown(f) for f in after["T1"].check.problems() if f.rule == "hours"] == ["waived"]
        assert after["T1"].standing == "at risk"  # what is left: legs not agreed yet, nobody waived that


def test_a_waiver_needs_the_role_a_reason_and_the_gap_as_it_is(world):
    link_tree(world)
    with world.db.session() as s:
        t1 = checks(world, s)["T1"]
        key = coverage.gap_key(t1.gaps[0])
        with pytest.raises(PermissionDenied, match="Only a service manager can waive a gap in cover."):
            coverage.waive(s, person(CAROL), t1.target.id, key, "because")
        with pytest.raises(InvalidInput) as err:
            coverage.waive(s, SM, t1.target.id, key, "   ")
        assert err.value.errors == {"reason": "Say why this gap is acceptable; it is kept with the SLA."}
        with pytest.raises(DomainError) as gone:
            coverage.waive(s, SM, t1.target.id, "0" * 16, "because")
        assert gone.value.parts[1] == Command("tree", "Acme Payroll")
        assert str(gone.value) == ("That gap of T1 is not there any more: it changed or closed. See "
                                   "`/slm tree Acme Payroll`.")
        row = coverage.waive(s, SM, t1.target.id, key, "Weekend P1s go to the on-call engineer")
        assert (row.rule, row.reason, row.created_by) == ("hours", "Weekend P1s go to the on-call engineer", SM.user_id)
        with pytest.raises(DomainError, match="That hours gap of T1 is already waived."):
            coverage.waive(s, SM, t1.target.id, key, "again")
        assert [(t.key, w.rule) for t, w in coverage.waivers_of(s, world.get(s, world.sla))] == [("T1", "hours")]


def test_a_waiver_lapses_when_its_gap_changes(world):
    link_tree(world)
    with world.db.session() as s:
        t2 = checks(world, s)["T2"]
        coverage.waive(s, SM, t2.target.id, coverage.gap_key(t2.gaps[0]), "Accepted for now")
        assert checks(world, s)["T2"].gaps == []
        dave = person(DAVE)  # Carrier X's approver proposes a weaker availability
        agreements.propose(s, dave, world.get(s, world.uc), T(key="T2", goal="99.5%"), "cheaper", DOCS)
        again = checks(world, s)["T2"]
        assert [g.rule for g in again.gaps] == ["availability"] and again.lapsed("availability")
        assert s.exec(select(Waiver)).one().rule == "availability"  # kept, shown as lapsed


def test_a_requirement_is_checked_against_the_olas_and_contracts_there_are(world):
    with world.db.session() as s:
        said = requirements.Said(user_id=CAROL, role=ContactRole.MANAGERIAL, source=Source.FORM)
        requirements.record(s, SM, world.payroll, world.acme, said, requirements.interview_drafts(
            "operational", ["incidents"], {"p1_resolution": "2h"}, default_tz="UTC"))
        found = coverage.check_requirement(s, TEAM, 1, SM.today())
    assert found.requirement.number == 1
    assert [(a.name, p.name, t.key) for a, p, t in found.legs] == [("Network OLA", "Network group", "T1"),
                                                                  ("Carrier X contract", "Carrier X", "T1")]
    assert found.check.verdict == Verdict.NOT_COVERED and "time" in {f.rule for f in found.check.problems()}
