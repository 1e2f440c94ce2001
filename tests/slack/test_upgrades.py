"""An upgrade action marks its gap, is the only one for that gap, and, accepted as the plan, lets the SLA be agreed
until its due date (issue 9, item 3)."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

from sqlmodel import Session, select

from bot import cover as coverage
from bot.scheduler import run_all_once
from messages.ids import Action, Block
from models import Action as ActionRow
from models import Agreement, Signoff
from tests.helpers import text_of
from tests.slack.test_coverage import (  # noqa: F401  (world is a fixture)
    ALICE, BOB, CAROL, agree_button, build_tree, headline_of, sm_actor, world)


def only_gap(message, rule: str):
    """The refusal as if it listed just the gap of this rule: its section and its buttons."""
    blocks = message.blocks
    at = next(i for i, b in enumerate(blocks) if b["type"] == "section" and f"({rule})" in b["text"]["text"])
    shown = copy.deepcopy(message)
    shown.blocks = [blocks[at], blocks[at + 1]]
    return shown


def action_ids(message) -> list[str]:
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def waive_all_but(db, team, rule: str) -> None:
    with db.session() as s:
        sla = s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()
        for c in coverage.check_agreement(s, sla):
            for gap in c.gaps:
                if gap.rule != rule:
                    coverage.waive(s, sm_actor(team), c.target.id, coverage.gap_key(gap), "accepted for now")


def test_an_upgrade_marks_its_gap_and_accepted_as_the_plan_lets_the_sla_be_agreed_until_due(
        slack, sandbox, db, team, world, clock, harness_clean):
    build_tree(slack, sandbox, team)
    waive_all_but(db, team, "availability")
    agree_button(sandbox, db, slack, CAROL)
    assert Action.COVER_UPGRADE not in action_ids(only_gap(sandbox.last_ephemeral(CAROL), "availability"))  # not hers
    agree_button(sandbox, db, slack, ALICE)
    gap = only_gap(sandbox.last_ephemeral(ALICE), "availability")
    assert Action.COVER_UPGRADE in action_ids(gap)

    slack.click(Action.COVER_UPGRADE, message=gap, user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    assert Block.COV_PLAN in [b.get("block_id") for b in modal.view["blocks"]]  # Alice may accept it as the plan
    assert slack.submit(modal, {Block.COV_DUE: "2026-03-20", Block.COV_TITLE: "Raise Carrier X availability",
                                Block.COV_OWNER_USER: BOB}).ok

    # The gap says so, in the gate, the tree and the headline; no second upgrade is offered, or taken.
    mark = "upgrade #1 open (Carrier X and <@U0BOB>, due 2026-03-20), not accepted as the plan yet"
    agree_button(sandbox, db, slack, CAROL)
    refusal = sandbox.last_ephemeral(CAROL)
    assert mark in text_of(refusal) and action_ids(only_gap(refusal, "availability")) == []  # none are hers to press
    agree_button(sandbox, db, slack, ALICE)
    gap_now = only_gap(sandbox.last_ephemeral(ALICE), "availability")
    assert action_ids(gap_now) == [Action.COVER_WAIVE, Action.ACTION_ACCEPT_PLAN]
    slack.command("tree Acme Payroll")
    tree = sandbox.last_ephemeral(ALICE)
    assert mark in text_of(tree) and Action.COVER_UPGRADE not in action_ids(tree)
    assert f"T2: {mark}" in text_of(headline_of(sandbox, db, "Acme Payroll"))
    slack.click(Action.COVER_UPGRADE, message=gap, user=ALICE)  # the button as it was, pressed again
    assert "Upgrade #1 is already open for the availability gap of T2" in text_of(sandbox.last_ephemeral(ALICE))
    assert sandbox.open_modal(team, ALICE) is None
    with Session(db.engine) as s:
        assert len(s.exec(select(ActionRow)).all()) == 1

    # Only a service manager accepts it as the plan; then the SLA may be agreed on it.
    slack.click(Action.ACTION_ACCEPT_PLAN, message=gap_now, user=BOB)
    assert "Only a service manager can waive a gap in cover." in text_of(sandbox.last_ephemeral(BOB))
    slack.click(Action.ACTION_ACCEPT_PLAN, message=gap_now, user=ALICE)
    assert "cover must exist by 2026-03-20" in text_of(sandbox.last_ephemeral(ALICE))
    assert "T2: upgrade #1 open (Carrier X and <@U0BOB>, due 2026-03-20), accepted as the plan by <@U0ALICE>" in \
        text_of(headline_of(sandbox, db, "Acme Payroll"))
    agree_button(sandbox, db, slack, CAROL)
    with Session(db.engine) as s:
        assert [x.user_id for x in s.exec(select(Signoff))] == [CAROL]  # the gate let it through

    # The first check after the due date, with the gap still there, opens it again and says so, once.
    clock.set(datetime(2026, 3, 21, 9, 0, tzinfo=timezone.utc))
    run_all_once(harness_clean.deps)
    run_all_once(harness_clean.deps)
    [notice] = [m for m in sandbox.dms(ALICE) if "upgrade #1" in text_of(m)]
    assert "upgrade #1 was due on 2026-03-20, and the availability gap of *T2 Availability* is still there" in \
        text_of(notice)
    agree_button(sandbox, db, slack, ALICE)
    refusal = text_of(sandbox.last_ephemeral(ALICE))
    assert "cannot be agreed yet: 1 gap" in refusal and "its due date passed, so the gap is open again" in refusal
    assert "Close it (upgrade the OLAs and contracts), or a service manager can waive it with a reason" in refusal
