"""Scheduled work: APScheduler in every replica, each job safe to run in several at once.

Jobs register themselves in `JOBS` from the domain modules that own them. Whatever a
job sends goes through the once-only delivery path, so two replicas firing the
same job send one message.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[..., object]  # called with the app's Deps
    trigger: BaseTrigger


JOBS: list[Job] = []


def job(id: str, trigger: BaseTrigger):
    def register(func):
        JOBS.append(Job(id, func, trigger))
        return func

    return register


def _load_jobs() -> None:
    import bot.scheduled  # noqa: F401  (the jobs register themselves)


def create_scheduler(deps) -> BackgroundScheduler:
    _load_jobs()
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for j in JOBS:
        scheduler.add_job(j.func, j.trigger, args=[deps], id=j.id, replace_existing=True)
    return scheduler


def run_all_once(deps) -> None:
    """Run every job now, in order: what `slm-bot tick` and the tests with a moved clock use."""
    _load_jobs()
    for j in JOBS:
        log.info("running %s", j.id)
        j.func(deps)
