"""The relationship owner hears first (issue 17): of a breach on their party's agreement (before the alert is
posted in its channel) and of a contract's renewal notice (before the service managers). Through the breach sweep
and the scheduler's jobs with the frozen clock, the owner named by a signed `/slm party owner`."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import select

from bot.measurements.states import Level
from bot.scheduler import run_all_once
from models import Breach, Outbox
from tests.breach_world import ALICE, CAROL, DAVE, NETWORK_CHANNEL, sweep, world  # noqa: F401  (fixtures)
from tests.helpers import text_of

OWNER = "U0EVE"  # owns the relationship with Acme Retail (the SLA's customer), and with Carrier X (the supplier)


def test_the_customers_owner_is_told_of_a_breach_before_the_alert_is_posted(slack, sandbox, db, world, sweep):
    sandbox.add_user(OWNER, "Eve Owner")
    assert slack.command(f"party owner Acme Retail <@{OWNER}>", user=ALICE).ok
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    with db.session() as s:
        breach_id = s.exec(select(Breach.id)).one()
        keys = [o.key for o in s.exec(select(Outbox).where(Outbox.key.startswith(f"breach:{breach_id}:"))
                                      .order_by(Outbox.id))]
    assert keys[:2] == [f"breach:{breach_id}:opened:owner:{OWNER}", f"breach:{breach_id}:{NETWORK_CHANNEL}"]
    [told] = sandbox.dms(OWNER)
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert float(told.ts) < float(alert.ts)  # sent first, too
    assert "You own the relationship with *Acme Retail*: a breach alert opened on *Acme Payroll* T1" in text_of(told)
    sweep(world.state(Level.BREACHED, 120, "4h50m of 4h used"))  # the same alert, moving on: not told again
    assert len(sandbox.dms(OWNER)) == 1
    assert CAROL not in [m.channel for m in sandbox.messages if "You own the relationship" in m.text]


def test_the_suppliers_owner_is_told_of_the_renewal_notice_before_the_service_managers(slack, sandbox, db, clock,
                                                                                        world, harness_clean):
    sandbox.add_user(OWNER, "Eve Owner")
    assert slack.command(f"party owner Carrier X <@{OWNER}>", user=ALICE).ok
    run_all_once(harness_clean.deps)  # the backstop schedules the contract's notice date (30 Nov 2026)
    clock.set(datetime(2026, 10, 31, 0, 1, tzinfo=timezone.utc))  # its warning window opened a minute ago
    run_all_once(harness_clean.deps)
    with db.session() as s:
        keys = [o.key for o in s.exec(select(Outbox).where(Outbox.key.startswith("lapse:")).order_by(Outbox.id))]
    assert keys[0].endswith(f":notice:2026-11-30:owner:{OWNER}") and keys[1].endswith(f":notice:2026-11-30:{ALICE}")
    [told] = sandbox.dms(OWNER)
    assert ("You own the relationship with *Carrier X*: its Underpinning contract *Carrier X contract* must be given "
            "notice by 2026-11-30 (30 days)") in text_of(told)
    assert DAVE not in [m.channel for m in sandbox.messages if "You own the relationship" in m.text]
