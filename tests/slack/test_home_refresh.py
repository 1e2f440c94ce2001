"""The App Home follows the breach alert of a person's group without being opened: the alert opening, its
acknowledgement, and the remedial action recorded for them each publish the tab again, once, from the outbox round
(not from the button's listener), rendered with the state at that moment."""
from __future__ import annotations

from bot.measurements.states import Level
from bot.scheduler import run_all_once
from messages.ids import Action, Block
from tests.breach_world import BOB, NETWORK_CHANNEL, sweep, world  # noqa: F401  (fixtures)
from tests.helpers import text_of


def publishes_to(sandbox, user: str) -> list[dict]:
    return [c for c in sandbox.calls_of("views.publish") if c["args"].get("user_id") == user]


def test_bobs_home_follows_his_groups_alert_and_his_new_action(slack, sandbox, team, harness_clean, world, sweep):
    slack.open_home(user=BOB)
    assert "*Breach alerts open in your groups*\n_None open._" in text_of(sandbox.home(team, BOB))
    opened = len(publishes_to(sandbox, BOB))

    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))  # the alert opens (the sweep's outbox round)
    assert len(publishes_to(sandbox, BOB)) == opened + 1
    assert "• breached: *Acme Payroll* · ticket INC0012345, 4h2m of 4h used" in text_of(sandbox.home(team, BOB))

    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert slack.click(Action.BREACH_ACKNOWLEDGE, message=alert, user=BOB).ok
    assert len(publishes_to(sandbox, BOB)) == opened + 1  # not from the button's listener
    run_all_once(harness_clean.deps)
    assert len(publishes_to(sandbox, BOB)) == opened + 2
    assert "• acknowledged: *Acme Payroll*" in text_of(sandbox.home(team, BOB))

    assert slack.click(Action.BREACH_REMEDIAL, message=alert, user=BOB).ok
    assert slack.submit(sandbox.open_modal(team, BOB), {
        Block.COV_TITLE: "Second on-call for payroll nights", Block.COV_DUE: "2026-03-20",
        Block.COV_OWNER_USER: BOB, Block.COV_OWNER_PARTY: str(world.network_id)}).ok
    run_all_once(harness_clean.deps)
    shown = text_of(sandbox.home(team, BOB))
    assert "*Your actions*\n*#1* Second on-call for payroll nights" in shown
    assert len(publishes_to(sandbox, BOB)) == opened + 3  # the action and the alert's move: one publish
    run_all_once(harness_clean.deps)
    assert len(publishes_to(sandbox, BOB)) == opened + 3
