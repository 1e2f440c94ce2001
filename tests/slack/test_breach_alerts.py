"""Breach alerts through the real entry points: the sweep job hands the breaches domain the states an evaluation
gives; what reaches the Slack stand-in is asserted; people press the alert's buttons with signed requests."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.measurements.states import Level
from messages.ids import Action, Block, Callback
from models import Action as ActionRow
from models import Breach, Outbox
from tests.breach_world import ALICE, BOB, CAROL, DAVE, NETWORK_CHANNEL, sweep, world  # noqa: F401  (fixtures)
from tests.helpers import assert_valid_blocks, text_of

LEGS = "OLA Network group promises P1 resolution 3h; UC Carrier X promises P1 resolution 2h"


def alert_in(sandbox, channel):
    [alert] = sandbox.channel_messages(channel, include_ephemeral=False)
    return alert


def thread_of(sandbox, alert):
    return [text_of(m) for m in sandbox.channel_messages(alert.channel, thread_ts=alert.ts, include_ephemeral=False)]


def buttons(message):
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_p1_ticket_warns_then_breaches_in_one_message_the_owning_group_acknowledges_it(
        slack, sandbox, db, clock, world, sweep):
    assert slack.command("settings escalate_p1 2h").ok  # escalation has a test of its own
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used", remaining=timedelta(minutes=48)))
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    shown = text_of(alert)
    assert "Warning" in shown and "ticket INC0012345" in shown
    assert ("*T1 P1 resolution 4h* (SLA *Acme Payroll*, Acme Retail), 3h12m of 4h used, 48m left; " + LEGS) in shown
    assert "Owner: *Network group*" in shown and "the service managers speak to the supplier" in shown
    assert buttons(alert) == [Action.BREACH_ACKNOWLEDGE, Action.BREACH_REMEDIAL, Action.BREACH_ESCALATE]
    assert_valid_blocks({"text": alert.text, "blocks": alert.blocks})
    [told] = sandbox.dms(ALICE)  # a contract beneath it: the service manager hears too, to speak to the supplier
    assert "3h12m of 4h used" in text_of(told)

    clock.advance(minutes=5)
    sweep(world.state(Level.WARNING, 82, "3h17m of 4h used", remaining=timedelta(minutes=43)))  # no move: no edit
    assert alert_in(sandbox, NETWORK_CHANNEL).edits == 0

    clock.advance(minutes=50)
    sweep(world.state(Level.BREACHED, 102, "4h5m of 4h used", remaining=timedelta(minutes=-5)))
    alert = alert_in(sandbox, NETWORK_CHANNEL)  # the same message, edited in place
    assert alert.edits == 1 and "Breached" in text_of(alert) and "4h5m of 4h used, over by 5m" in text_of(alert)
    [line] = thread_of(sandbox, alert)
    assert "*breached*" in line and "(4h5m of 4h used, over by 5m)" in line

    refused = slack.click(Action.BREACH_ACKNOWLEDGE, message=alert, user=CAROL)  # the customer may not
    assert refused.status == 200
    assert "can acknowledge this alert" in text_of(sandbox.last_ephemeral(CAROL))
    assert alert_in(sandbox, NETWORK_CHANNEL).edits == 1

    assert slack.click(Action.BREACH_ACKNOWLEDGE, message=alert, user=BOB).ok  # a contact of the Network group
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    assert "Acknowledged by <@U0BOB>" in text_of(alert)
    assert Action.BREACH_ACKNOWLEDGE not in buttons(alert)
    assert "acknowledged by <@U0BOB>" in thread_of(sandbox, alert)[-1]

    clock.advance(minutes=30)
    sweep(world.state(Level.BREACHED, 110, "4h25m of 4h used", ended=True))
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    assert "Resolved" in text_of(alert) and "resolved, the target was missed" in text_of(alert)
    assert buttons(alert) == []
    timeline = thread_of(sandbox, alert)
    assert len(timeline) == 3 and "breached" in timeline[0] and "acknowledged" in timeline[1]
    assert "resolved" in timeline[2] and "target missed" in timeline[2]

    sweep(world.state(Level.BREACHED, 110, "4h25m of 4h used", ended=True))  # the next minute, or a second replica
    assert alert_in(sandbox, NETWORK_CHANNEL).edits == 3 and len(thread_of(sandbox, alert)) == 3
    with db.session() as s:
        [breach] = s.exec(select(Breach)).all()
        assert (breach.state, breach.level, breach.acknowledged_by) == ("resolved", "breached", BOB)
        assert breach.channel == NETWORK_CHANNEL and breach.message_ts == alert.ts


def test_the_assigned_group_hears_first(slack, sandbox, db, world, sweep):
    from bot import service_map
    from bot.workspace.actor import Actor
    from tests.conftest import START

    sm = Actor(team_id=world.team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START)
    with db.session() as s:
        desk = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Service desk",
                                                                   channel_id="C0SERVICEDE"))
        desk_id = desk.id
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used", assigned=desk_id))
    alert = alert_in(sandbox, "C0SERVICEDE")
    assert "Owner: *Service desk*" in text_of(alert) and LEGS in text_of(alert)
    assert sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False) == []


def test_a_target_with_nothing_beneath_it_goes_to_the_service_managers_saying_it_has_no_owner(sandbox, world, sweep):
    sweep(world.state(Level.WARNING, 76, "99.93% so far against 99.9%: 76% of the month's budget used",
                      target="availability"))
    [told] = sandbox.dms(ALICE)
    shown = text_of(told)
    assert "*T2 Availability 99.9%* (SLA *Acme Payroll*, Acme Retail)" in shown
    assert "This target has no owner" in shown
    assert sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False) == []


def test_an_alert_nobody_acknowledges_is_escalated_by_dm_after_its_prioritys_time(slack, sandbox, db, clock, world, sweep):
    assert slack.command("settings escalate_p1 20m").ok
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    clock.advance(minutes=19)
    sweep(world.state(Level.WARNING, 85, "3h24m of 4h used"))
    assert len(sandbox.dms(ALICE)) == 1  # the UC copy only
    clock.advance(minutes=1)
    sweep(world.state(Level.WARNING, 86, "3h25m of 4h used"))
    dms = [text_of(m) for m in sandbox.dms(ALICE) if not m.thread_ts]
    assert len(dms) == 2 and "Escalated to you: nobody acknowledged this alert in time" in dms[1]
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    assert "escalated to the service managers (nobody acknowledged it in time)" in text_of(alert)
    assert Action.BREACH_ESCALATE not in buttons(alert)
    clock.advance(minutes=30)
    sweep(world.state(Level.WARNING, 90, "3h36m of 4h used"))
    assert len([m for m in sandbox.dms(ALICE) if not m.thread_ts]) == 2  # once


def test_escalate_is_the_service_managers_button(slack, sandbox, db, world, sweep):
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    slack.click(Action.BREACH_ESCALATE, message=alert, user=BOB)
    assert "Only a service manager can escalate a breach alert" in text_of(sandbox.last_ephemeral(BOB))
    slack.click(Action.BREACH_ESCALATE, message=alert, user=ALICE)  # the only service manager: nobody above her
    assert "You are the only service manager, so there is nobody to escalate to" in text_of(
        sandbox.last_ephemeral(ALICE))
    assert "escalated" not in text_of(alert_in(sandbox, NETWORK_CHANNEL))
    slack.command(f"role grant <@{DAVE}> service-manager", user=ALICE)  # a second service manager
    assert slack.click(Action.BREACH_ESCALATE, message=alert, user=ALICE).ok
    assert "escalated to the service managers by <@U0ALICE>" in text_of(alert_in(sandbox, NETWORK_CHANNEL))
    assert any("Escalated to you by <@U0ALICE>" in text_of(m) for m in sandbox.dms(DAVE))
    assert not any("Escalated to you" in text_of(m) for m in sandbox.dms(ALICE))  # she pressed it: no DM to herself


def test_escalate_on_an_acknowledged_alert_with_nobody_above_says_it_is_acknowledged(slack, sandbox, db, world, sweep):
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    assert slack.click(Action.BREACH_ACKNOWLEDGE, message=alert_in(sandbox, NETWORK_CHANNEL), user=BOB).ok
    slack.click(Action.BREACH_ESCALATE, message=alert_in(sandbox, NETWORK_CHANNEL), user=ALICE)  # the only one
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Acknowledge the alert" not in shown, shown  # it is: the advice would be wrong
    assert ("You are the only service manager, so there is nobody to escalate to. The alert is acknowledged already "
            "by <@U0BOB>. For someone else to take it, grant a colleague the role first: "
            "`/slm role grant @person service-manager`.") in shown, shown


def test_a_remedial_action_from_the_alert(slack, sandbox, db, world, sweep, team):
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    slack.click(Action.BREACH_REMEDIAL, message=alert, user=CAROL)  # the customer: not theirs to record
    assert "Only a contact of the support group that owns this target" in text_of(sandbox.last_ephemeral(CAROL))
    assert sandbox.open_modal(team, CAROL) is None
    # The owning group determines its own remedy (competency 6.4): Bob speaks for the Network group.
    assert slack.click(Action.BREACH_REMEDIAL, message=alert, user=BOB).ok
    modal = sandbox.open_modal(team, BOB)
    assert modal.callback_id == Callback.BREACH_REMEDIAL_FORM
    assert_valid_blocks(modal.view, view=True)
    choices = {o["text"]["text"]: o["value"] for b in modal.view["blocks"] if b.get("block_id") == Block.BREACH_TARGET
               for o in b["element"]["options"]}
    assert list(choices) == ["T1 P1 resolution 4h (Acme Payroll)", "T1 P1 resolution 3h (Network OLA)",
                             "T1 P1 resolution 2h (Carrier X contract)"]
    late = slack.submit(modal, {Block.COV_TITLE: "Second on-call for payroll nights", Block.COV_DUE: "2026-03-01",
                                Block.BREACH_TARGET: choices["T1 P1 resolution 3h (Network OLA)"],
                                Block.COV_OWNER_PARTY: str(world.network_id)})
    assert late.errors == {Block.COV_DUE: "The due date has passed; choose today or later."}
    assert slack.submit(modal, {Block.COV_TITLE: "Second on-call for payroll nights", Block.COV_DUE: "2026-03-20",
                                Block.BREACH_TARGET: choices["T1 P1 resolution 3h (Network OLA)"],
                                Block.COV_OWNER_PARTY: str(world.network_id)}).ok
    with db.session() as s:
        [row] = s.exec(select(ActionRow)).all()
        assert (row.kind, row.number, row.owner_party_id) == ("remedial", 1, world.network_id)
        network_ola_t1 = row.target_id
        assert network_ola_t1 != world.resolution
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    assert "remedial action #1" in text_of(alert)
    assert "remedial action" in thread_of(sandbox, alert)[-1] and "#1, due 2026-03-20" in thread_of(sandbox, alert)[-1]


def test_a_reopened_ticket_opens_its_breach_again(sandbox, db, clock, world, sweep):
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    clock.advance(minutes=5)
    sweep(world.state(Level.WARNING, 85, "3h22m of 4h used", ended=True))
    assert "resolved, within target" in text_of(alert_in(sandbox, NETWORK_CHANNEL))
    clock.advance(minutes=5)
    sweep(world.state(Level.WARNING, 85, "3h22m of 4h used"))
    alert = alert_in(sandbox, NETWORK_CHANNEL)
    assert "Warning" in text_of(alert) and "reopened" in thread_of(sandbox, alert)[-1]
    with db.session() as s:
        assert len(s.exec(select(Outbox).where(Outbox.kind == "update")).all()) == 4  # 2 moves x (channel + DM)
