"""The wiring's own rules: one listener per Slack id, and the scheduler's jobs in their order."""
from __future__ import annotations

import pytest

from bot import jobs
from handlers import registry
from messages.ids import Action


def test_every_listener_is_found_without_being_listed():
    found = registry.load()
    assert {listener.surface for listener in found} == {"command", "subcommand", "view", "action", "shortcut",
                                                       "event", "options"}
    assert ("sla", "new") in registry.subcommands() and ("help",) in registry.subcommands()
    assert Action.REMOVE_CONFIRM in [listener.key for listener in registry.of("action")]


def test_a_second_listener_for_the_same_id_is_refused_at_start():
    known = len(registry.load())
    with pytest.raises(ValueError, match="two listeners for the action"):
        registry.action(Action.REMOVE_CONFIRM)(lambda ack: ack())
    with pytest.raises(ValueError, match="two listeners for the subcommand"):
        registry.command("sla new", "/slm sla new", "again")(lambda req: None)
    assert len(registry.LISTENERS) == known  # neither was recorded


def test_delivery_is_the_last_job():
    """What the other jobs queued goes out in the same run (slm-bot tick, run_all_once)."""
    assert jobs.JOBS[-1].func is jobs.deliver
    assert len({job.id for job in jobs.JOBS}) == len(jobs.JOBS)
