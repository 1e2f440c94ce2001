"""Scheduled work: APScheduler in every replica, each job safe to run in several at once.

The jobs and their order are one explicit list, bot.jobs.JOBS. Whatever a job sends
goes through the once-only delivery path, so two replicas firing the same job send
one message.
"""
from __future__ import annotations

import logging
from typing import Sequence

from apscheduler.schedulers.background import BackgroundScheduler

from bot.jobs import JOBS, Job

log = logging.getLogger(__name__)


def create_scheduler(deps, jobs: Sequence[Job] = JOBS) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for j in jobs:
        scheduler.add_job(j.func, j.trigger, args=[deps], id=j.id, replace_existing=True)
    return scheduler


def run_all_once(deps, jobs: Sequence[Job] = JOBS) -> None:
    """Run every job now, in the list's order: what `slm-bot tick` and the tests with a moved clock use."""
    for j in jobs:
        log.info("running %s", j.id)
        j.func(deps)
