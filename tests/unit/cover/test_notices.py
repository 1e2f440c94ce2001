"""Cover lost and lapsing: checked again, remembered rule by rule, and told once to whoever is told."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from bot import agreements, reminders
from bot import cover as coverage
from bot.workspace import roles as members
from models import CoverageState, Outbox, RoleGrant
from tests.conftest import START
from tests.unit.agreements.world import ALICE, SM, TEAM
from tests.unit.cover.tree_helpers import link_tree


def queued(world, prefix=""):
    with world.db.session() as s:
        return [(o.key, o.channel, o.template, o.context) for o in
                s.exec(select(Outbox).where(Outbox.key.startswith(prefix), Outbox.kind != "home")  # Homes: their own
                       .order_by(Outbox.id))]


def test_the_first_check_is_where_cover_starts_and_the_same_inputs_are_not_checked_again(world):
    link_tree(world)
    with world.db.session() as s:
        assert coverage.recheck(s, world.get(s, world.sla), START) == []
        states = {st.target_id: dict(st.rules)
                  for st in s.exec(select(CoverageState).order_by(CoverageState.target_id))}  # T1, then T2
        assert [r["hours"] for r in states.values()] == ["not covered", "covered"]
        assert coverage.recheck(s, world.get(s, world.sla), START + timedelta(minutes=15)) == []
    assert queued(world) == []


def test_an_underpinning_agreement_retired_tells_the_service_managers_what_was_lost(world):
    link_tree(world)
    with world.db.session() as s:
        coverage.recheck(s, world.get(s, world.sla), START)
        ola = agreements.retire(s, SM, world.get(s, world.ola))
        assert coverage.after_underpinning_change(s, ola, START, "was retired") == 1
    [(key, channel, template, context)] = queued(world, "cover:")
    assert (channel, template) == (ALICE, "notice_cover_lost.yml.j2")
    assert context["sla"] == "Acme Payroll" and context["why"] == "after Network OLA was retired"
    lost = {t["key"]: {c["rule"]: (c["before"], c["after"]) for c in t["changes"]} for t in context["targets"]}
    assert lost["T1"]["ownership"] == ("covered", "not covered") and lost["T2"]["ownership"] == ("covered", "not covered")


def test_without_a_service_manager_the_workspace_admins_are_told(world):
    with world.db.session() as s:
        assert coverage.recipients(s, TEAM) == [ALICE]
        for grant in s.exec(select(RoleGrant)):
            s.delete(grant)
        members.remember(s, TEAM, "U0ADMIN", name="Admin", tz="UTC", is_admin=True, now=START)
        members.remember(s, TEAM, "U0PLAIN", name="Plain", tz="UTC", is_admin=False, now=START)
        s.flush()
        assert coverage.recipients(s, TEAM) == ["U0ADMIN"]


def test_a_contract_whose_notice_date_comes_is_told_once_with_the_targets_above_it(world):
    link_tree(world)
    notice = date(2026, 12, 31)  # the contract ends on 31 March 2027 with 90 days' notice
    with world.db.session() as s:
        assert coverage.notice_date(world.get(s, world.uc)) == notice
        assert coverage.schedule_lapse(s, world.get(s, world.uc), START) == 2  # its end and its notice date
        assert coverage.schedule_lapse(s, world.get(s, world.uc), START) == 0  # scheduled once
    assert reminders.sweep_due(world.db, datetime(2026, 11, 30, 23, 59, tzinfo=timezone.utc)) == 0  # not yet
    now = datetime(2026, 12, 10, 9, tzinfo=timezone.utc)  # the window opened on 1 December: the bot was down
    assert reminders.sweep_due(world.db, now) == 1
    assert reminders.sweep_due(world.db, now + timedelta(days=1)) == 0  # once
    [(key, channel, template, context)] = queued(world, "lapse:")
    assert (key, channel, template) == (f"lapse:{world.uc}:notice:2026-12-31:{ALICE}", ALICE, "notice_lapse.yml.j2")
    assert (context["agreement"], context["owner"], context["event"], context["days_left"]) == (
        "Carrier X contract", "Carrier X", "notice", 21)
    assert context["late_since"] == "2026-12-01 00:00 UTC"
    assert [(t["sla"], t["key"]) for t in context["targets"]] == [("Acme Payroll", "T1"), ("Acme Payroll", "T2")]


def test_a_lapse_notice_names_the_targets_above_without_checking_their_trees(world, monkeypatch):
    """Issue 14: lapse notices rebuilt whole trees (a cover check per SLA target) to name the targets above; the
    links name them."""
    link_tree(world)
    with world.db.session() as s:
        coverage.schedule_lapse(s, world.get(s, world.uc), START)

    def no_check(*args, **kwargs):
        raise AssertionError("a lapse notice ran the cover check")

    monkeypatch.setattr("bot.cover.assessment.check_target", no_check)
    assert reminders.sweep_due(world.db, datetime(2026, 12, 10, 9, tzinfo=timezone.utc)) == 1
    [(_key, _channel, _template, context)] = queued(world, "lapse:")
    assert [(t["sla"], t["key"]) for t in context["targets"]] == [("Acme Payroll", "T1"), ("Acme Payroll", "T2")]


def test_the_backstop_checks_every_sla_in_force_or_coming(world):
    with world.db.session() as s:
        assert coverage.slas_to_recheck(s) == [world.sla] == coverage.slas_to_recheck(s, TEAM)
        assert coverage.slas_to_recheck(s, "T0OTHER") == []
        agreements.retire(s, SM, world.get(s, world.sla))
        assert coverage.slas_to_recheck(s) == []
