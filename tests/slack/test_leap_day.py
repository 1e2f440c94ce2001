"""On 29 February the bot works as on any other day."""
from __future__ import annotations

from datetime import datetime, timezone

from messages.ids import Block, Callback
from tests.helpers import text_of
from tests.slack.test_agreements import ALICE, acme  # noqa: F401 (acme: fixture)

LEAP_DAY = datetime(2028, 2, 29, 9, 0, tzinfo=timezone.utc)


def initial(view, block_id):
    block = next(b for b in view.view["blocks"] if b.get("block_id") == block_id)
    return block["element"].get("initial_date")


def test_capability_check_on_29_february(slack, sandbox, team, acme, clock):
    clock.set(LEAP_DAY)
    number = acme["requirements"][0]
    slack.command(f"check #{number}")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert f"*Can we meet requirement #{number}?*" in shown, shown


def test_a_draft_on_29_february_runs_a_year_from_next_month(slack, sandbox, team, acme, clock):
    clock.set(LEAP_DAY)
    slack.command("sla new Acme Retail")
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.AGREEMENT_DRAFT
    assert (initial(modal, Block.AGR_START), initial(modal, Block.AGR_END)) == ("2028-03-01", "2029-02-28")
