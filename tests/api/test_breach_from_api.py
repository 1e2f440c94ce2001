"""Issue 11's loop from the sender's side: ticket events sent over HTTP, the scheduled jobs run with the frozen clock,
and the breach alert as it reaches the owning support group's channel in the Slack stand-in."""
from __future__ import annotations

from datetime import timedelta

import httpx

from bot.scheduler import run_all_once
from tests.api.conftest import make_token
from tests.breach_world import NETWORK_CHANNEL, world  # noqa: F401  (fixture)
from tests.conftest import START
from tests.helpers import text_of
from tests.slack.test_breach_sweep import in_force
from tests.servers import TLS_CONTEXT


def at(hours: float) -> str:
    return (START + timedelta(hours=hours)).isoformat()


def event(event_id: str, kind: str, hours: float, **extra) -> dict:
    return {"id": event_id, "ticket": "INC0012345", "kind": kind, "at": at(hours), **extra}


def test_a_p1_ticket_sent_over_http_warns_is_paused_then_breaches(slack, sandbox, db, clock, harness_clean, world):
    assert slack.command("settings escalate_p1 8h").ok
    in_force(db, world)
    token = make_token(slack, sandbox)
    with httpx.Client(verify=TLS_CONTEXT, base_url=f"{harness_clean.base_url}/api", headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as api:
        sent = api.post("/v1/ticket-events", json=event("e1", "opened", 0, priority="P1", service="Payroll",
                                                        group="Network group"))
        assert sent.status_code == 200, sent.text

        clock.set(START + timedelta(hours=3, minutes=12))
        run_all_once(harness_clean.deps)
        [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
        assert text_of(alert).startswith("Warning: T1 P1 resolution 4h (Acme Payroll)")
        assert "3h12m of 4h used" in text_of(alert) and "Owner: *Network group*" in text_of(alert)

        assert api.post("/v1/batch", json={"ticket_events": [
            event("e2", "paused", 3.25, reason="awaiting customer"), event("e3", "resumed", 5)]}).status_code == 200
        clock.set(START + timedelta(hours=5))
        run_all_once(harness_clean.deps)  # paused for 1h45m: 3h15m of 4h used, still a warning, nothing edited
        [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
        assert alert.edits == 0

        clock.set(START + timedelta(hours=6))
        run_all_once(harness_clean.deps)
        [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
        assert alert.edits == 1 and text_of(alert).startswith("Breached:") and "over by 15m (4h15m of 4h);" in text_of(alert)

        assert api.post("/v1/ticket-events", json=event("e4", "resolved", 6.5)).status_code == 200
        clock.set(START + timedelta(hours=6, minutes=31))
        run_all_once(harness_clean.deps)
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert alert.edits == 2 and "resolved, the target was missed" in text_of(alert)
    lines = [text_of(m) for m in sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts, include_ephemeral=False)]
    assert len(lines) == 2 and "*breached*" in lines[0] and "resolved" in lines[1]
