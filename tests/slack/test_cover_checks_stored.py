"""The cover check in request paths: the upgrade form opens before the check runs, the recheck commits each SLA
on its own, and a result is used again only while every input it was computed from is unchanged."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot import agreements
from bot.agreements import targets
from bot.workspace import settings as workspace_settings
from bot.scheduler import run_all_once
from messages.ids import Action, Block, Callback
from models import Agreement, Calendar, CoverageState, Target, TargetLink, Waiver
from tests.conftest import START
from tests.helpers import text_of
from tests.slack.test_coverage import ALICE, CAROL, DOCS, agree_button, build_tree, make, sm_actor, world  # noqa: F401

MARKER = "the stored result, not a new check"


def test_the_upgrade_form_opens_at_once_and_is_filled_after_the_check(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    agree_button(sandbox, db, slack, ALICE)  # the buttons are the service manager's own
    sandbox.calls.clear()
    slack.click(Action.COVER_UPGRADE, message=sandbox.last_ephemeral(ALICE), user=ALICE)
    methods = [c["method"] for c in sandbox.calls if c["method"].startswith("views.")]
    assert methods == ["views.open", "views.update"]  # nothing is checked before the trigger is used
    [opened] = sandbox.calls_of("views.open")
    assert "Checking cover" in str(opened["args"]["view"]) and "callback_id" not in opened["args"]["view"]
    form = sandbox.open_modal(team, ALICE)
    assert form.callback_id == Callback.ACTION_FORM
    assert "Upgrade what underpins" in str(form.view["blocks"])


def _second_sla(db, team) -> int:
    """Another SLA on the same OLA target, never checked yet."""
    with db.session() as s:
        first = s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()
        party, service = first.counterparty_id, agreements.services_of(s, first)[0]
        from models import Party

        sla = make(s, sm_actor(team), agreements.AgreementKind.SLA, "Acme Payroll Two", s.get(Party, party), service,
                   [targets.TargetChange(key=None, kind="resolution", level="P1", duration="8h")])
        ola = s.exec(select(Agreement).where(Agreement.name == "Network OLA")).one()
        leg = agreements.targets_of(s, ola)[0]
        target = agreements.targets_of(s, sla)[0]
        s.add(TargetLink(team_id=team, sla_target_id=target.id, leg_target_id=leg.id, stage=1, created_at=START,
                         created_by=ALICE))
        return target.id


def test_the_recheck_commits_each_sla_so_one_failing_rolls_back_no_other(slack, sandbox, db, team, world,
                                                                          harness_clean):
    build_tree(slack, sandbox, team)
    second = _second_sla(db, team)
    with db.session() as s:  # the first SLA can no longer be checked: a target's clock no one can read
        s.exec(text("UPDATE target SET duration = 'soon' WHERE id = :id"),
               params={"id": s.exec(select(Target.id).where(Target.key == "T1", Target.agreement_id == s.exec(
                   select(Agreement.id).where(Agreement.name == "Acme Payroll")).one())).one()})
    run_all_once(harness_clean.deps)
    with Session(db.engine) as s:
        state = s.exec(select(CoverageState).where(CoverageState.target_id == second)).one()
    assert state.checked_at == START and state.verdict


def _mark_stored_results(db) -> None:
    """Put a recognisable finding in every stored result, as if the check had said so."""
    with Session(db.engine) as s:
        for state in s.exec(select(CoverageState)).all():
            assert isinstance(state.reasons, dict) and state.reasons["inputs"]
            state.reasons = {**state.reasons, "findings": [["hours", "not covered", MARKER]]}
            s.add(state)
        s.commit()


def _tree(slack, sandbox) -> str:
    slack.command("tree Acme Payroll")
    return text_of(sandbox.last_ephemeral(ALICE))


def _ola_target_changed(db, team, clock):
    with db.session() as s:
        ola = s.exec(select(Agreement).where(Agreement.name == "Network OLA")).one()
        agreements.propose(s, sm_actor(team), ola, targets.TargetChange(key="T1", duration="50m"), "faster", DOCS)


def _closure_added(db, team, clock):
    with db.session() as s:
        office = s.exec(select(Calendar).where(Calendar.name == "Carrier office")).one()
        office.closures = [*office.closures, "2026-08-03"]
        s.add(office)
        uc = s.exec(select(Agreement).where(Agreement.name == "Carrier X contract")).one()
        # A draft's calendar is read as it is now; an agreed one's as its version recorded it.
        assert uc.agreed_version is None


def _handoff_changed(db, team, clock):
    with db.session() as s:
        workspace_settings.set_value(s, sm_actor(team), "handoff", "20m")


def _next_day(db, team, clock):
    clock.set(START + timedelta(days=1))


@pytest.mark.parametrize("change, still_stored", [
    (_ola_target_changed, 1),  # only T1 (P1 resolution) sits on the OLA's T1: T2's result stands
    (_closure_added, 1),       # only T1's contract leg runs in the Carrier office calendar
    (_handoff_changed, 0),
    (_next_day, 0),
])
def test_a_stored_result_is_used_until_an_input_changes(slack, sandbox, db, team, world, clock, harness_clean,
                                                        change, still_stored):
    build_tree(slack, sandbox, team)  # each link rechecks the SLA, storing the results under their inputs
    _mark_stored_results(db)
    assert _tree(slack, sandbox).count(MARKER) == 2  # an unchanged tree is not checked again...
    run_all_once(harness_clean.deps)
    assert _tree(slack, sandbox).count(MARKER) == 2  # ...not even by the recheck
    change(db, team, clock)
    shown = _tree(slack, sandbox)
    assert shown.count(MARKER) == still_stored
    assert "T1 P1 resolution" in shown and "(hours): Carrier X (UC) works Mon-Fri 09:00-17:00" in shown


def test_the_waive_form_is_answered_before_the_gap_is_checked_again(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    agree_button(sandbox, db, slack, ALICE)  # the buttons are the service manager's own
    slack.click(Action.COVER_WAIVE, message=sandbox.last_ephemeral(ALICE), user=ALICE)  # the hours gap of T1
    modal = sandbox.open_modal(team, ALICE)
    assert slack.submit(modal, {Block.COV_REASON: ""}).errors == {  # what the form can say, it says inline
        Block.COV_REASON: "Say why this gap is acceptable; it is kept with the SLA."}
    _closure_added(db, team, None)  # the gap's words change: another day nobody covers
    outcome = slack.submit(modal, {Block.COV_REASON: "On-call covers it"})
    assert outcome.ok and not outcome.errors  # the form closed at once; the check came after
    told = text_of(sandbox.last_ephemeral(ALICE))
    assert "Nothing was waived" in told and "not there any more" in told
    with Session(db.engine) as s:
        assert s.exec(select(Waiver)).all() == []
