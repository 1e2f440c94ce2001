"""The scheduled jobs, and `JOBS`: the list bot.scheduler runs, in its order.

Each job runs in every replica and is safe to: it only moves state forward, and
whatever it would send goes through the once-only delivery path.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import agreements, delivery, reminders, replays, reviews
from bot import cover as coverage
from handlers.flows.agreement_thread import resume_unfinished  # wiring: the thread's order of posts is a Slack flow
from bot.breaches import jobs as breach_jobs

log = logging.getLogger(__name__)


def roll_agreement_statuses(deps) -> None:
    """Agreed agreements become active on their start date and expire after their end date (hourly, so a
    replica that was down at midnight catches up within the hour)."""
    with deps.db.session() as session:
        for agreement, before in agreements.roll_statuses(session, deps.today()):
            log.info("%s: %s -> %s", agreement.name, before, agreement.status)


def lapse_notices(deps) -> None:
    """Tell the service managers, once, of an OLA or contract ending (or due notice) within the warning window."""
    now = deps.clock.now()
    with deps.db.session() as session:
        coverage.lapse_notices(session, deps.today(), now)


def recheck_cover(deps) -> None:
    """The backstop: any loss of cover not announced when it happened (a setting changed, a calendar's holidays,
    a replica down mid-change) is announced within a quarter of an hour."""
    recheck_each_sla(deps)


def recheck_each_sla(deps, team_id: str | None = None) -> int:
    """Check every SLA again (of one workspace, or of all), each in its own transaction: a long run holds no lock
    for long, and an SLA that cannot be checked is logged and rolls back nothing of the others."""
    now, today = deps.clock.now(), deps.today()
    with deps.db.session() as session:
        sla_ids = coverage.slas_to_recheck(session, team_id)
    queued = 0
    for sla_id in sla_ids:
        try:
            with deps.db.session() as session:
                queued += coverage.recheck_sla(session, sla_id, now, today)
        except Exception:  # noqa: BLE001 - one SLA's failure is logged; the others are still checked
            log.exception("the cover recheck of SLA %s failed; the others go on", sla_id)
    return queued


def purge_replay_claims(deps) -> None:
    """Forget interactions handled more than an hour ago (Slack's signatures expire after five minutes), a batch
    per transaction, so the table stays small and no purge holds a long lock."""
    now = deps.clock.now()
    while True:
        with deps.db.session() as session:
            deleted = replays.purge_batch(session, now)
        if deleted < replays.PURGE_BATCH:
            return


def resume_threads(deps) -> None:
    """Threads left unfinished by a restart or an outage are carried on without anyone asking (`/slm sla post`
    does the same at once)."""
    resume_unfinished(deps, deps.client)


def sweep_reminders(deps) -> None:
    """Queue every reminder that has fallen due (a review's, an SLA review's, ...): the rows say what is due, so a
    bot that was down sends what it missed, late and once. A review pack due is rendered with the organisation's
    document settings."""
    token = reviews.PACK_DOCS.set(deps.docs)
    try:
        reminders.sweep_due(deps.db, deps.clock.now())
    finally:
        reviews.PACK_DOCS.reset(token)


def deliver(deps) -> None:
    """Send what is queued (the last job of JOBS)."""
    delivery.deliver_pending(deps, deps.client)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[..., object]  # called with the app's Deps
    trigger: BaseTrigger


# In the order `slm-bot tick` and the tests' run_all_once run them. Delivery is last on purpose: whatever the
# jobs before it queued (lapse notices, lost cover, a resumed thread's posts) goes out in the same run, so one
# tick leaves nothing waiting for the next.
JOBS: list[Job] = [
    Job("agreements.roll_statuses", roll_agreement_statuses, CronTrigger(minute=5, timezone="UTC")),
    Job("coverage.lapse_notices", lapse_notices, CronTrigger(minute=15, timezone="UTC")),
    Job("coverage.recheck", recheck_cover, IntervalTrigger(minutes=15)),
    Job("replays.purge", purge_replay_claims, IntervalTrigger(minutes=10)),
    Job("agreements.resume_threads", resume_threads, IntervalTrigger(minutes=1)),
    Job("breaches.sweep", breach_jobs.sweep, IntervalTrigger(minutes=1)),
    Job("reminders.sweep", sweep_reminders, IntervalTrigger(minutes=1)),
    Job("outbox.deliver", deliver, IntervalTrigger(seconds=30)),
]
