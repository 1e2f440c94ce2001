"""The scheduled jobs. Each runs in every replica and is safe to: it only moves state forward,
and whatever it would send goes through the once-only delivery path."""
from __future__ import annotations

import logging

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import agreements, delivery, replays
from bot import cover as coverage
from bot.scheduler import job
from bot.breaches import jobs as breach_jobs  # noqa: F401  (the sweep registers itself, before the outbox's job)

log = logging.getLogger(__name__)


@job("agreements.roll_statuses", CronTrigger(minute=5, timezone="UTC"))
def roll_agreement_statuses(deps) -> None:
    """Agreed agreements become active on their start date and expire after their end date (hourly, so a
    replica that was down at midnight catches up within the hour)."""
    with deps.db.session() as session:
        for agreement, before in agreements.roll_statuses(session, deps.today()):
            log.info("%s: %s -> %s", agreement.name, before, agreement.status)


@job("coverage.lapse_notices", CronTrigger(minute=15, timezone="UTC"))
def lapse_notices(deps) -> None:
    """Tell the service managers, once, of an OLA or contract ending (or due notice) within the warning window."""
    now = deps.clock.now()
    with deps.db.session() as session:
        coverage.lapse_notices(session, deps.today(), now)


@job("coverage.recheck", IntervalTrigger(minutes=15))
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


@job("replays.purge", IntervalTrigger(minutes=10))
def purge_replay_claims(deps) -> None:
    """Forget interactions handled more than an hour ago (Slack's signatures expire after five minutes), a batch
    per transaction, so the table stays small and no purge holds a long lock."""
    now = deps.clock.now()
    while True:
        with deps.db.session() as session:
            deleted = replays.purge_batch(session, now)
        if deleted < replays.PURGE_BATCH:
            return


@job("agreements.resume_threads", IntervalTrigger(minutes=1))
def resume_threads(deps) -> None:
    """Threads left unfinished by a restart or an outage are carried on without anyone asking (`/slm sla post`
    does the same at once). The thread's order of posts lives with its Slack listeners, hence the late import."""
    from handlers.agreement_thread import resume_unfinished

    resume_unfinished(deps, deps.client)


@job("outbox.deliver", IntervalTrigger(seconds=30))
def deliver(deps) -> None:
    """Send what is queued: the last job, so what the others queued goes out in the same run."""
    delivery.deliver_pending(deps, deps.client)
