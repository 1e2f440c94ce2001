"""An upgrade action made from a gap of the back-to-back check records where it came from (the gap's SLA target)."""
from __future__ import annotations

from sqlmodel import select

from messages.ids import Action, Block
from models import Action as ActionRow
from tests.helpers import text_of
from tests.slack.test_coverage import ALICE, BOB, agree_button, build_tree, world  # noqa: F401  (world: a fixture)
from tests.slack.test_upgrades import only_gap, waive_all_but


def test_an_upgrade_from_a_gap_has_origin_gap(slack, sandbox, db, team, world, harness_clean):
    build_tree(slack, sandbox, team)
    waive_all_but(db, team, "availability")
    agree_button(sandbox, db, slack, ALICE)
    gap = only_gap(sandbox.last_ephemeral(ALICE), "availability")
    slack.click(Action.COVER_UPGRADE, message=gap, user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    assert slack.submit(modal, {Block.COV_DUE: "2026-03-20", Block.COV_TITLE: "Raise Carrier X availability",
                                Block.COV_OWNER_USER: BOB}).ok
    with db.session() as s:
        [row] = s.exec(select(ActionRow)).all()
    assert (row.origin, row.origin_id, row.kind) == ("gap", row.target_id, "upgrade")
    slack.command("actions mine", user=BOB)
    assert "*#1* Raise Carrier X availability" in text_of(sandbox.last_ephemeral(BOB))
    assert "_upgrade_ from a gap in cover" in text_of(sandbox.last_ephemeral(BOB))
