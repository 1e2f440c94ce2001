"""Every row of the permission table, allowed and refused, through the real entry points (signed Slack requests).

For each capability and each side of an agreement (tests/permission_scenarios.py): the person the rule allows
does it, and it is done (the database changed, the reply says so); before that, the person it does not allow
does the same, and is refused in words that name the rule, with nothing in the database changed. A row with no
scenario fails `test_every_row_has_a_scenario`, so a new capability cannot land untested."""
from __future__ import annotations

import pytest

from bot.workspace.permissions import AGREEMENT_SIDES, MEMBER, PERMISSIONS, Capability
from tests.breach_world import sweep, world as breach_world  # noqa: F401  (fixtures)
from tests.helpers import text_of
from tests.permission_scenarios import PENDING, SCENARIOS, SIDE_SCENARIOS, Ctx, Scenario
from tests.permission_world import changed_tables, perm_world, snapshot  # noqa: F401  (a fixture)


def test_every_row_has_a_scenario():
    rows = {c.name for c in PERMISSIONS} | {c.name for c in Capability}
    covered = {c.name for c in SCENARIOS}
    assert rows - covered - PENDING == set(), "a capability with no scenario in tests/permission_scenarios.py"
    assert not PENDING & covered, "a row both pending and covered: take it out of PENDING"
    assert set(AGREEMENT_SIDES) == set(SIDE_SCENARIOS), "a side of agreements with no scenario"


def test_a_row_without_a_refusal_is_one_everyone_holds():
    for capability, scenario in SCENARIOS.items():
        assert (scenario.refused is None) == (MEMBER in PERMISSIONS[capability]), capability.name


def everything_seen(ctx: Ctx, user: str) -> str:
    """What this person can see now: their ephemerals and DMs, and the channels' messages (an edited alert)."""
    sandbox = ctx.sandbox
    shown = [text_of(m) for m in sandbox.ephemerals(user)] + [text_of(m) for m in sandbox.dms(user)]
    shown += [text_of(m) for m in sandbox.messages if m.ephemeral_to is None]
    return "\n".join(shown)


def run(request, scenario: Scenario) -> tuple[dict, dict]:
    world = request.getfixturevalue(scenario.world)
    ctx = Ctx(slack=request.getfixturevalue("slack"), sandbox=request.getfixturevalue("sandbox"),
              db=request.getfixturevalue("db"), team=request.getfixturevalue("team"), world=world,
              sweep=request.getfixturevalue("sweep") if scenario.world == "breach_world" else None)
    scenario.prepare(ctx)
    before = snapshot(ctx.db)
    if scenario.refused is not None:
        scenario.act(ctx, scenario.refused)
        assert scenario.rule in text_of(ctx.sandbox.last_ephemeral(scenario.refused))
        assert changed_tables(before, snapshot(ctx.db)) == [], "a refused request changed the database"
    seen_before = everything_seen(ctx, scenario.allowed)
    scenario.act(ctx, scenario.allowed)
    if scenario.rule and ctx.sandbox.ephemerals(scenario.allowed):
        assert scenario.rule not in text_of(ctx.sandbox.last_ephemeral(scenario.allowed))
    shown = everything_seen(ctx, scenario.allowed)
    assert shown != seen_before and scenario.done in shown
    return before, snapshot(ctx.db)


@pytest.mark.parametrize("capability", list(SCENARIOS), ids=lambda c: c.name)
def test_allowed_and_refused(request, capability):
    scenario = SCENARIOS[capability]
    before, after = run(request, scenario)
    assert bool(changed_tables(before, after)) == scenario.changes, capability.name


@pytest.mark.parametrize("side", list(SIDE_SCENARIOS))
def test_agreement_sides(request, side):
    before, after = run(request, SIDE_SCENARIOS[side])
    assert changed_tables(before, after)
