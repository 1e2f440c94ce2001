"""The whole loop through its real entry points: a ticket's events as a sender stored them, the scheduler's jobs
(`run_all_once`) with the frozen clock, and the alert that reaches the owning group's channel in the stand-in."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.scheduler import run_all_once
from models import Agreement, Breach, Ticket
from tests.breach_world import NETWORK_CHANNEL, world  # noqa: F401  (fixture)
from tests.conftest import START
from tests.evaluation.world import add_events
from tests.helpers import text_of


def in_force(db, world):
    with db.session() as s:
        sla = s.get(Agreement, world.sla_id)
        sla.status, sla.agreed_version = "active", sla.latest_version
        s.add(sla)


def events(db, world, *happened):
    with db.session() as s:
        add_events(s, world.team, s.get(Ticket, world.ticket_id), list(happened))


def test_a_stored_p1_ticket_warns_breaches_and_resolves_through_the_scheduled_jobs(slack, sandbox, db, clock,
                                                                                   harness_clean, world):
    assert slack.command("settings escalate_p1 8h").ok
    in_force(db, world)
    events(db, world, ("opened", START, None))

    clock.set(START + timedelta(hours=2))
    run_all_once(harness_clean.deps)
    assert sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False) == []  # half the clock: quiet

    clock.set(START + timedelta(hours=3, minutes=12))
    run_all_once(harness_clean.deps)
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    shown = text_of(alert)
    assert shown.startswith("Warning: T1 P1 resolution 4h (Acme Payroll)")
    assert "3h12m of 4h used" in shown and "48m left" in shown and "OLA Network group promises P1 resolution 3h" in shown

    clock.set(START + timedelta(hours=4, minutes=20))
    run_all_once(harness_clean.deps)
    run_all_once(harness_clean.deps)  # the next minute, or a second replica: no second edit
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert alert.edits == 1 and text_of(alert).startswith("Breached:") and "over by 20m" in text_of(alert)

    events(db, world, ("resolved", START + timedelta(hours=4, minutes=30), None))
    clock.set(START + timedelta(hours=4, minutes=31))
    run_all_once(harness_clean.deps)
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert alert.edits == 2 and "resolved, the target was missed" in text_of(alert)
    lines = [text_of(m) for m in sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts, include_ephemeral=False)]
    assert len(lines) == 2 and "*breached*" in lines[0] and "resolved" in lines[1]
    with db.session() as s:
        [breach] = s.exec(select(Breach)).all()  # the availability goal, met, raised nothing
        assert (breach.state, breach.breached_at) == ("resolved", START + timedelta(hours=4))
