"""Escalation ladders on a period goal (percent of the error budget burned), the callback refused for good, a
target's ladder set back to the organisation's, and the hourly backstop passing ladder alerts by. The sweep is handed
the states an evaluation would give (tests/breach_world.py), with the frozen clock; Slack is the stand-in."""
from __future__ import annotations

import re

from sqlmodel import select

from bot import jobs
from bot.measurements.states import Level
from models import AuditEvent, Breach, CallbackDelivery, Reminder, ReminderStatus, Target, TargetLadder, Ticket
from tests.api.test_ladders import Receiver, agree, local_callbacks  # noqa: F401  (fixture)
from tests.breach_world import ALICE, NETWORK_CHANNEL, sweep, world  # noqa: F401  (fixtures)
from tests.helpers import text_of


def steps_said(messages) -> list[str]:
    return [re.search(r"step: ([^:]+):", text_of(m)).group(1) for m in messages if text_of(m).startswith("step:")]


def test_a_period_goal_climbs_by_its_error_budget_burned(slack, sandbox, db, clock, world, sweep):
    """T2 Availability 99.9% has nothing beneath it: its alert goes to the service managers (Alice) by DM."""
    assert slack.command("settings ladder 50% service-managers; breach priority; +1h group").ok
    goal = world.state
    sweep(goal(Level.OK, 40, "40% of the error budget used", target="availability"))  # below 50%: nothing
    assert sandbox.dms(ALICE) == []
    sweep(goal(Level.OK, 60, "60% of the error budget used", target="availability"))  # 60 >= 50: opens, step 1
    [alert] = [m for m in sandbox.dms(ALICE) if not m.thread_ts and text_of(m).startswith("Warning")]
    [step] = [m for m in sandbox.dms(ALICE) if not m.thread_ts and text_of(m).startswith("Step 50%")]
    sweep(goal(Level.BREACHED, 104, "104% of the error budget used", target="availability"))
    clock.advance(minutes=59)
    sweep(goal(Level.BREACHED, 105, "105% of the error budget used", target="availability"))
    thread = [m for m in sandbox.dms(ALICE) if m.thread_ts == alert.ts]
    assert steps_said(thread) == ["50%", "breach"]
    assert "no ticket to raise the priority of" in text_of([m for m in thread if "step: breach" in text_of(m)][0])
    clock.advance(minutes=1)  # the breach + 1h
    sweep(goal(Level.BREACHED, 105, "105% of the error budget used", target="availability"))
    thread = [m for m in sandbox.dms(ALICE) if m.thread_ts == alert.ts]
    assert steps_said(thread) == ["50%", "breach", "+1h"]
    assert "no support group owns it to notify" in text_of(thread[-1])
    # Once each: the 50% step's DM is the only one.
    assert [m.ts for m in sandbox.dms(ALICE) if not m.thread_ts and text_of(m).startswith("Step ")] == [step.ts]


def test_a_callback_refused_for_good_is_said_in_the_thread_and_not_sent_again(slack, sandbox, db, clock, world,
                                                                             sweep, harness_clean, local_callbacks):
    """A 403 is not mended by trying again: given up at once, and the alert's thread says to raise it by hand. (The
    world's ticket is made P2, so there is a priority to raise it to.)"""
    with db.session() as s:
        ticket = s.get(Ticket, world.ticket_id)
        ticket.priority = "P2"
        s.add(ticket)
    hook = Receiver([403])
    try:
        assert slack.command("ladder Acme Payroll T1 breach priority").ok
        agree(db)  # a term of the SLA: climbed once agreed
        slack.command(f"ladder callback {hook.url}")
        sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
        jobs.deliver_callbacks(harness_clean.deps)
        clock.advance(minutes=10)
        jobs.deliver_callbacks(harness_clean.deps)
        sweep(world.state(Level.BREACHED, 104, "4h10m of 4h used"))
    finally:
        hook.close()
    assert [g[2] for g in hook.got] == [403]
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    lines = [text_of(m) for m in sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts,
                                                          include_ephemeral=False)]
    assert any("the priority callback failed (HTTP 403): raise INC0012345's priority by hand" in line for line in lines)
    with db.session() as s:
        assert [r.status for r in s.exec(select(CallbackDelivery))] == ["failed"]


def test_default_puts_a_target_back_on_the_organisations_ladder_audited(slack, sandbox, db, world):
    assert slack.command("ladder Acme Payroll T1 75% group").ok
    assert slack.command("ladder Acme Payroll T1 default").ok
    assert "climbs the organisation's ladder again: the built-in ladder" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert s.exec(select(TargetLadder)).all() == [] and s.get(Target, world.resolution).ladder is None
        trail = [(e.before, e.after) for e in s.exec(select(AuditEvent).where(AuditEvent.action == "ladder.set")
                                                       .order_by(AuditEvent.id))]
    assert [(str(b), str(a)) for b, a in trail] == [("None", "75% group"), ("75% group", "None")]


def test_the_backstop_passes_a_ladder_alert_by(slack, sandbox, db, clock, world, sweep, harness_clean):
    """A ladder replaces the unacknowledged escalation: its row is kept cancelled, and the hourly backstop, which
    schedules open alerts without a row, finds none to schedule."""
    assert slack.command("ladder Acme Payroll T1 50% group; +30m service-managers").ok
    agree(db)
    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"))
    clock.advance(hours=1)
    jobs.schedule_missing_reminders(harness_clean.deps)
    with db.session() as s:
        breach = s.exec(select(Breach)).one()
        ours = s.exec(select(Reminder).where(Reminder.kind.startswith("breach.")))
        assert [(r.kind, r.status) for r in ours] == [("breach.escalate", ReminderStatus.CANCELLED.value)]
    assert breach.escalated_at is None
    assert [m for m in sandbox.dms(ALICE) if "Escalated to you" in text_of(m)] == []
