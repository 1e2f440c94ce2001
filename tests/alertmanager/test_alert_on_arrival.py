"""An Alertmanager alert whose outage burns an availability goal is a breach alert in Slack without waiting for the
scheduler's tick: the webhook's commit wakes the courier (bot.courier), which sweeps that workspace and sends. The
webhook's answer does not wait for any of it, and the scheduled jobs afterwards send nothing twice."""
from __future__ import annotations

import time

import httpx
import pytest

from bot.scheduler import run_all_once
from tests.alertmanager.support import alert, issue_token, webhook
from tests.breach_world import ALICE, world  # noqa: F401  (fixture)
from tests.helpers import text_of
from tests.slack.test_breach_sweep import in_force


@pytest.fixture
def sweeping_on_arrival(harness_clean):
    """The harness's app as `slm-bot run` has it: measurements arriving wake the courier."""
    deps = harness_clean.deps
    deps.sweep_on_arrival = True
    yield deps
    deps.sweep_on_arrival = False
    _wait_for(deps.courier.idle)


def _wait_for(predicate, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def breach_dms(sandbox) -> list:
    return [m for m in sandbox.dms(ALICE) if text_of(m).startswith(("Warning", "Breached"))]


def test_an_alert_that_burns_the_budget_is_in_slack_before_any_scheduled_job_runs(
        slack, sandbox, db, harness_clean, world, sweeping_on_arrival):
    in_force(db, world)
    token = issue_token(slack, sandbox)
    rounds = sweeping_on_arrival.courier.rounds
    with httpx.Client(base_url=f"{harness_clean.base_url}/api", timeout=30,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        # Down since 08:50, ten minutes before the frozen clock's 09:00: 14.4x the budget's burn over the hour
        answer = api.post("/v1/alertmanager", json=webhook(alert("firing", starts="2026-03-02T08:50:00Z")))
    assert answer.status_code == 200 and len(answer.json()["opened"]) == 1
    _wait_for(lambda: sweeping_on_arrival.courier.rounds > rounds and sweeping_on_arrival.courier.idle())
    [dm] = breach_dms(sandbox)  # no owner beneath the availability goal: the service manager, by DM
    assert "Availability" in text_of(dm)
    run_all_once(harness_clean.deps)  # the scheduler's own sweep and round find it done
    assert len(breach_dms(sandbox)) == 1 and sandbox.dms(ALICE)[-1].edits == dm.edits
