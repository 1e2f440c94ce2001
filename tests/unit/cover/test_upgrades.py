"""Upgrade actions for gaps (cover reads actions; actions never read cover) and the Action entity itself."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot import actions
from bot import cover as coverage
from bot.errors import Command, DomainError, InvalidInput, NotFound, PermissionDenied
from models import ActionKind, Outbox
from sqlmodel import select
from tests.unit.agreements.world import CAROL, DAVE, EVE, SM, TEAM, person
from tests.unit.cover.tree_helpers import checks, link_tree

DUE = date(2026, 3, 20)


def hours_gap(world, s):
    t1 = checks(world, s)["T1"]
    return t1.target.id, coverage.gap_key(t1.gaps[0])


def add_upgrade(s, world, actor=SM, accept=False, title="Carrier X to answer P1s at weekends"):
    target_id, key = hours_gap(world, s)
    return coverage.add_upgrade(s, actor, target_id=target_id, key=key, title=title, owner_party_id=world.carrier,
                                owner_user_id=None, due=DUE, accept_plan=accept)


def test_the_first_wording_of_an_upgrade_names_the_gap_and_the_last_leg(world):
    link_tree(world)
    with world.db.session() as s:
        target_id, key = hours_gap(world, s)
        title, owner, due = coverage.upgrade_suggestion(s, TEAM, target_id, key, at=SM.at())
    assert title.startswith("Upgrade what underpins P1 resolution of Acme Payroll before Acme Retail's SLA starts (hours:")
    assert (owner, due) == (world.carrier, date(2026, 4, 1))


def test_one_upgrade_open_per_gap(world):
    link_tree(world)
    with world.db.session() as s:
        row = add_upgrade(s, world)
        assert (row.number, row.kind, row.gap_rule, row.status, row.plan_accepted_by) == (1, "upgrade", "hours", "open",
                                                                                         None)
    with world.db.session() as s:
        target_id, key = hours_gap(world, s)  # the gap still stops agreement: the plan is not accepted
        with pytest.raises(DomainError) as err:
            coverage.refuse_second_upgrade(s, SM, target_id, key)
        assert err.value.parts[1] == Command("actions")
        assert str(err.value) == ("Upgrade #1 is already open for the hours gap of T1 (due 2026-03-20); see "
                                  "`/slm actions`.")
        with pytest.raises(DomainError, match="Upgrade #1 is already open"):
            add_upgrade(s, world, title="again")


def test_an_upgrade_accepted_as_the_plan_lets_the_sla_past_the_gate_until_its_due_date(world):
    link_tree(world)
    with world.db.session() as s:
        with pytest.raises(PermissionDenied):
            add_upgrade(s, world, actor=person(CAROL), accept=True)  # accepting a gap is a service manager's call
        row = add_upgrade(s, world)
        assert [g.rule for g in checks(world, s)["T1"].gaps] == ["hours"]
        accepted = actions.accept_plan(s, SM, row.number)
        assert accepted.plan_accepted_by == SM.user_id
        assert checks(world, s)["T1"].gaps == []
        with pytest.raises(DomainError, match="Upgrade #1 is already accepted as the plan."):
            actions.accept_plan(s, SM, row.number)
        late = person(SM.user_id, "service_manager", now=datetime(2026, 3, 21, 9, tzinfo=timezone.utc))
        t1 = checks(world, s, late)["T1"]
        assert [g.rule for g in t1.gaps] == ["hours"] and t1.plan_lapsed(t1.gaps[0]).action.number == 1


def test_a_plan_past_its_due_date_with_the_gap_open_is_told_once(world):
    link_tree(world)
    with world.db.session() as s:
        add_upgrade(s, world, accept=True)
        coverage.recheck_sla(s, world.sla, SM.at())  # where cover starts
        later = datetime(2026, 3, 21, 9, tzinfo=timezone.utc)
        assert coverage.recheck_sla(s, world.sla, later) == 1
        assert coverage.recheck_sla(s, world.sla, later.replace(hour=10)) == 0
        [notice] = s.exec(select(Outbox).where(Outbox.key.startswith("plan-lapsed:"))).all()
        assert (notice.template, notice.context["number"], notice.context["rule"]) == (
            "notice_plan_lapsed.yml.j2", 1, "hours")


def test_an_action_needs_what_who_and_a_date_to_come(world):
    with world.db.session() as s:
        with pytest.raises(InvalidInput) as err:
            actions.add_action(s, SM, kind=ActionKind.UPGRADE, title="  ", owner_party_id=None, owner_user_id=None,
                               due=date(2026, 3, 1))
        assert err.value.errors == {"title": "Say what is to be done.",
                                    "due": "The due date has passed; choose today or later.",
                                    "owner_user": "Name who owns it: a person, a support group or a supplier."}
        with pytest.raises(PermissionDenied):
            actions.add_action(s, person(DAVE), kind=ActionKind.UPGRADE, title="x", owner_party_id=None,
                               owner_user_id=DAVE, due=DUE)


def test_actions_are_numbered_listed_by_due_date_and_closed_by_their_owner(world):
    with world.db.session() as s:
        for title, due, owner in (("Later", date(2026, 6, 1), DAVE), ("Sooner", date(2026, 4, 1), None)):
            actions.add_action(s, SM, kind=ActionKind.UPGRADE, title=title, owner_party_id=world.carrier,
                               owner_user_id=owner, due=due)
        assert [(a.number, a.title) for a in actions.list_actions(s, TEAM)] == [(2, "Sooner"), (1, "Later")]
        later, sooner = (next(a for a in actions.list_actions(s, TEAM) if a.number == n) for n in (1, 2))
        assert actions.may_close(person(DAVE), later) and not actions.may_close(person(DAVE), sooner)
        with pytest.raises(PermissionDenied):
            actions.close_action(s, person(EVE), 1)
        assert actions.close_action(s, person(DAVE), 1).status == "done"  # its owner, with no role
        assert [a.number for a in actions.list_actions(s, TEAM)] == [2]
        assert [a.number for a in actions.list_actions(s, TEAM, open_only=False)] == [2, 1]
        with pytest.raises(NotFound, match="There is no action #9."):
            actions.close_action(s, SM, 9)
        with pytest.raises(NotFound, match="There is no upgrade action #9."):
            actions.accept_plan(s, SM, 9)
