"""The recheck is incremental: a change marks the SLAs above it (bot.cover.marks), and only those are checked
again, with a slow rotation of the rest for what changes with time alone."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import agreements
from bot import cover as coverage
from bot.cover import notices
from bot.workspace import settings as workspace_settings
from models import Calendar
from tests.conftest import START
from tests.unit.agreements.world import SM, T, make
from tests.unit.cover.tree_helpers import link_tree

SOON = START + timedelta(minutes=1)  # within a quarter of an hour of the last check: no rotation yet


def _more_slas(world) -> tuple[int, int]:
    """An SLA on the contract only, and one with nothing beneath it."""
    with world.db.session() as s:
        on_uc = make(s, SM, agreements.AgreementKind.SLA, "Acme Payroll on the contract", world.acme, world.payroll,
                     [T(key=None, kind="resolution", level="P1", duration="8h")])
        alone = make(s, SM, agreements.AgreementKind.SLA, "Acme Payroll alone", world.acme, world.payroll,
                     [T(key=None, kind="resolution", level="P1", duration="8h")])
        coverage.link(s, SM, sla_target_id=world.target(s, on_uc.id, "T1").id,
                      leg_target_id=world.target(s, world.uc, "T1").id, stage=1)
        return on_uc.id, alone.id


def _check(world, sla_ids, now=START) -> None:
    for sla_id in sla_ids:
        with world.db.session() as s:
            coverage.recheck_sla(s, sla_id, now)


def _due(world, now=SOON) -> list[int]:
    with world.db.session() as s:
        return coverage.slas_to_recheck(s, now=now)


def test_only_the_slas_above_a_change_are_checked_again(world):
    link_tree(world)
    on_uc, alone = _more_slas(world)
    everyone = sorted([world.sla, on_uc, alone])
    assert _due(world) == everyone  # never checked
    _check(world, everyone)
    assert _due(world) == []  # nothing changed: nothing to check

    with world.db.session() as s:  # the OLA's P1 gets faster: only the SLA above it
        agreements.propose(s, SM, world.get(s, world.ola), T(key="T1", duration="50m"), "faster", agreements.DocSettings(
            provider_name="IT Services", templates_dir=None))
    assert _due(world) == [world.sla]
    _check(world, [world.sla])
    assert _due(world) == []

    with world.db.session() as s:  # the contract's dates: both SLAs above it
        agreements.propose(s, SM, world.get(s, world.uc), T(key="T1", duration="90m"), "faster", agreements.DocSettings(
            provider_name="IT Services", templates_dir=None))
    assert _due(world) == sorted([world.sla, on_uc])
    _check(world, [world.sla, on_uc])

    with world.db.session() as s:  # a new link beneath the lone SLA
        coverage.link(s, SM, sla_target_id=world.target(s, alone, "T1").id,
                      leg_target_id=world.target(s, world.ola, "T1").id, stage=1)
    assert _due(world) == [alone]
    _check(world, [alone])


def test_a_calendar_or_a_setting_marks_every_sla_of_the_workspace(world):
    link_tree(world)
    on_uc, alone = _more_slas(world)
    everyone = sorted([world.sla, on_uc, alone])
    _check(world, everyone)
    with world.db.session() as s:
        office = s.exec(select(Calendar).where(Calendar.name == "Carrier office")).one()
        office.closures = [*office.closures, "2026-08-03"]
        s.add(office)
    assert _due(world) == everyone
    _check(world, everyone)
    with world.db.session() as s:
        workspace_settings.set_value(s, SM, "handoff", "20m")
    assert _due(world) == everyone


def test_a_change_made_while_an_sla_is_checked_is_not_lost(world):
    link_tree(world)
    _check(world, [world.sla])
    with world.db.session() as s:
        mark = s.exec(select(notices.CoverRecheck)).one()
        seen = mark.marks
        agreements.propose(s, SM, world.get(s, world.ola), T(key="T1", duration="50m"), "faster", agreements.DocSettings(
            provider_name="IT Services", templates_dir=None))
    with world.db.session() as s:  # a check that read its inputs before the change remembers what it saw
        mark = s.exec(select(notices.CoverRecheck)).one()
        notices._checked(s, world.get(s, world.sla), mark, seen, SOON)
    assert _due(world) == [world.sla]


def test_the_rest_are_checked_in_rotation_every_sla_within_six_hours(world):
    link_tree(world)
    on_uc, alone = _more_slas(world)
    everyone = sorted([world.sla, on_uc, alone])
    _check(world, everyone)
    now, seen = START, []
    while now < START + notices.ROTATION:
        now += notices.RECHECK_INTERVAL
        due = _due(world, now)
        assert len(due) <= 1  # 3 SLAs over 24 quarters of an hour: one a run at most
        _check(world, due, now)
        seen += due
    assert sorted(set(seen)) == everyone
