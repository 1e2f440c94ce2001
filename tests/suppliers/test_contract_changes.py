"""A proposed change to an underpinning contract shows, before it is agreed, which SLA targets it would weaken: in
the contract's thread below the new version, and in `/slm uc diff`. Through signed requests (the headline's
*Propose a change* modal), the back-to-back check run for real.

By hand (tests/suppliers/world.py): beneath the SLA's P1 resolution within 8h are the OLA's 2h (stage 1) and the
contract's 4h (stage 2), with a 15m hand-off: 8h - (2h + 15m + 4h) = 1h45m to spare, covered.
- the contract's 4h proposed as 6h: 2h + 15m + 6h = 8h15m, 15m late: carried → a gap;
- as 5h: 2h + 15m + 5h = 7h15m, 45m to spare (still more than the 15m hand-off, so covered): less margin;
- as 3h: 2h + 15m + 3h = 5h15m, 2h45m to spare: weakens nothing.
Each is compared with version 2, the one in force.
"""
from __future__ import annotations

from messages.ids import Action, Block
from tests.helpers import assert_valid_blocks, text_of
from tests.suppliers.world import ALICE, SERVICE_DESK, UC, world  # noqa: F401  (a fixture)

TARGET = "Acme Payroll T1 P1 resolution within 8h, 95% of tickets"


def headline(sandbox):
    return next(m for m in sandbox.channel_messages(SERVICE_DESK, include_ephemeral=False)
                if m.blocks and m.blocks[0]["type"] == "header")


def propose(slack, sandbox, team, duration: str) -> None:
    slack.click(Action.AGREEMENT_PROPOSE, message=headline(sandbox), user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    assert modal is not None, text_of(sandbox.last_ephemeral(ALICE))
    assert slack.submit(modal, {Block.PROP_DURATION: duration, Block.PROP_REASON: "The carrier's new rota"}).ok


def checks_in_thread(sandbox) -> list[str]:
    return [text_of(m) for m in sandbox.channel_messages(SERVICE_DESK, thread_ts=headline(sandbox).ts)
            if "against the SLAs above it" in text_of(m)]


def test_a_change_shows_the_sla_targets_it_would_weaken_before_it_is_agreed(slack, sandbox, db, team, world):
    assert slack.command(f"uc post {UC}", user=ALICE).ok
    propose(slack, sandbox, team, "6h")
    [gap] = checks_in_thread(sandbox)
    assert "*Version 3 against the SLAs above it*" in gap
    assert "Would weaken 1 of 1 SLA target* (against v2)" in gap
    assert f"*{TARGET}*: carried → a gap (1h 45m to spare → 15m late)" in gap

    propose(slack, sandbox, team, "5h")
    [_, less] = checks_in_thread(sandbox)
    assert "*Version 4 against the SLAs above it*" in less
    assert f"*{TARGET}*: loses margin (1h 45m to spare → 45m to spare)" in less

    propose(slack, sandbox, team, "3h")
    [*_, none] = checks_in_thread(sandbox)
    assert "*Version 5 against the SLAs above it*" in none
    assert "Weakens no SLA target*: the 1 SLA target above it keeps its cover and margin against v2." in none
    for m in sandbox.channel_messages(SERVICE_DESK, thread_ts=headline(sandbox).ts):
        if "against the SLAs above it" in text_of(m):
            assert_valid_blocks({"text": m.text, "blocks": m.blocks})

    assert slack.command(f"uc diff {UC} v2 v3", user=ALICE).ok
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "T1 P1 resolution: 4h → 6h" in shown or "4h → 6h" in shown
    assert f"*{TARGET}*: carried → a gap (1h 45m to spare → 15m late)" in shown
    assert slack.command(f"uc diff {UC} v2 v5", user=ALICE).ok
    assert "Weakens no SLA target" in text_of(sandbox.last_ephemeral(ALICE))
