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

from bot import agreements, channel_privacy, delivery, reminders, replays, retention, reviews  # reviews: its reminders' handlers register
from bot import satisfaction
from bot import cover as coverage
from bot import suppliers  # noqa: F401  (issue 17, suppliers: the contract review reminder's handler registers)
from bot import complaints  # noqa: F401  (issue 17: its reminders' handler registers)
from handlers.flows.agreement_thread import resume_unfinished  # wiring: the thread's order of posts is a Slack flow
from handlers.events import app_home_opened  # noqa: F401  (wiring: it renders the Homes the outbox publishes)
from bot.breaches import callbacks, ladders  # ladders: its reminders' handler registers
from bot.breaches import jobs as breach_jobs
from bot.breaches import leg_warnings
from bot.measurements import periods
from bot.reviews import pack_posting, sla_review
from bot import workload  # its reminders' handlers register (maintenance reminders)

log = logging.getLogger(__name__)


def roll_agreement_statuses(deps) -> None:
    """Agreed agreements become active on their start date and expire after their end date (hourly, so a
    replica that was down at midnight catches up within the hour)."""
    with deps.db.session() as session:
        for agreement, before in agreements.roll_statuses(session, deps.today(), deps.clock.now()):
            log.info("%s: %s -> %s", agreement.name, before, agreement.status)


def schedule_missing_reminders(deps) -> None:
    """The backstop of the messages kept as reminder rows: an OLA or contract without its lapse notices' rows, an
    open alert without its escalation's, a done action without its verification's, gets them (agreed before they were rows, or changed where nothing
    scheduled). Each is one anti-join that reads only what is missing, so the hour costs what changed."""
    now = deps.clock.now()
    with deps.db.session() as session:
        coverage.schedule_missing_lapses(session, now, deps.settings.timezone)
    with deps.db.session() as session:  # done actions whose target's recovery is not yet planned to be measured
        reviews.plan_missing_verifications(session, now)
    breach_jobs.schedule_missing_escalations(deps)


def recheck_cover(deps) -> None:
    """The backstop: any loss of cover not announced when it happened (a setting changed, a calendar's holidays,
    a replica down mid-change) is announced within a quarter of an hour."""
    recheck_each_sla(deps)


def recheck_each_sla(deps, team_id: str | None = None) -> int:
    """Check again the SLAs with a change beneath them since their last check, and a rotation of the others (of
    one workspace, or of all; bot.cover.marks), each in its own transaction: a long run holds no lock for long,
    and an SLA that cannot be checked is logged and rolls back nothing of the others."""
    now, today = deps.clock.now(), deps.today()
    with deps.db.session() as session:
        sla_ids = coverage.slas_to_recheck(session, team_id, now)
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
    """Queue every reminder that has fallen due (a review's, an SLA review's, a lapse
    notice, a breach's escalation, ...): the rows say what is due, so a
    bot that was down sends what it missed, late and once. A review pack due is rendered with the organisation's
    document settings. Slack is asked first, with no session open, who reads the channels the packs due now go
    to (a channel shared with the customer's workspace gets the customer's view; bot.reviews.pack_audience)."""
    now = deps.clock.now()
    with deps.db.read_session() as session:
        channels = pack_posting.channels_due(session, now)
    for team_id, channel_id in channels:
        client = deps.client_for(team_id)  # that workspace's own token: distributed mode's `client` has none
        if client is not None:  # not installed: nothing is posted there, and the channel counts as shared
            channel_privacy.audience(client, team_id, channel_id, now)
    reminders.sweep_due(deps.db, now, docs=deps.docs)  # handed to each handler in its Due


def ask_for_ratings(deps) -> None:
    """Issue 17: decide each ticket resolved lately under an SLA once, and queue the requester's rating DM (or say
    why not) through the outbox (bot.satisfaction.asking)."""
    satisfaction.ask_after_tickets(deps.db, deps.clock.now())


def plan_sla_reviews(deps) -> None:
    """The backstop of the periodic SLA review: plan what an agreement event did not (daily; see
    bot.reviews.sla_review.backstop_candidates for why it is cheap)."""
    now, today = deps.clock.now(), deps.today()
    with deps.db.session() as session:
        todo = sla_review.backstop_candidates(session, today)
    for team_id, agreement_id in todo:  # each in its own transaction: one SLA's trouble holds back no other
        try:
            with deps.db.session() as session:
                sla_review.plan_by_id(session, team_id, agreement_id, now, deps.settings.timezone)
        except Exception:  # noqa: BLE001 - logged; the next day's run tries again
            log.exception("could not plan the annual review of SLA %s", agreement_id)


def workload_notices(deps) -> None:
    """At each period's end, each SLA's workload against the limits it states, in its thread (once per period; the
    outbox key makes a second run, or a second replica, send nothing more)."""
    now = deps.clock.now()
    with deps.db.session() as session:
        workload.limits.queue_period_notices(session, now, deps.settings.timezone,
                                             lambda team_id: periods.fy_start_month(session, team_id))


def purge_past_retention(deps) -> None:
    """Remove, per workspace, the measurements and closed records past its retention settings (bot.retention)."""
    retention.purge(deps.db, deps.clock.now())


def deliver(deps) -> None:
    """Send what is queued (the last job of JOBS)."""
    delivery.deliver_pending(deps, deps.client)


def deliver_callbacks(deps) -> None:
    """POST the priority callbacks a ladder's steps queued (bot.breaches.callbacks), once each."""
    callbacks.deliver_due(deps, on_failed=ladders.callback_failed)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[..., object]  # called with the app's Deps
    trigger: BaseTrigger


# What each reads per run, and whether its cost follows what is due:
# - agreements.roll_statuses: the agreements whose start or end date has come (a bounded query; hourly).
# - reminders.backstop: OLAs/UCs in force without their lapse rows, open alerts without their escalation row (two
#   anti-joins; hourly). It replaced coverage.lapse_notices, which read every OLA and UC and their trees each hour.
# - coverage.recheck: the SLAs marked as changed beneath since their last check (bot.cover.marks), and the 1/24th
#   checked longest ago (every SLA within 6 hours); a target whose inputs did not change is not checked again.
#   The backstop for a loss of cover nobody announced, every 15 minutes by design.
# - agreements.resume_threads: the threads left unfinished (what is unfinished, not every agreement).
# - breaches.sweep: each workspace's evaluation (open tickets, the current periods, resolved tickets once); the
#   escalation of an alert nobody acknowledged is now a reminder row, not a scan of the open alerts each minute.
# - satisfaction.ask: the tickets resolved in the last 7 days with no satisfaction row (an anti-join through the
#   index on ticket.resolved_at): what was resolved lately and not yet decided, each decided once.
# - legs.warn: the open tickets held by a group with an OLA in force, their clocks and legs (OLAs read once per
#   workspace); every 5 minutes, a warning queued once per ticket, SLA target and group.
# - reminders.sweep: the pending rows due by now, through the index on (status, due_at).
# - retention.purge: per workspace, the rows past its cut-offs, found through the indexed times, a batch at a time
#   (nightly, at an hour of little traffic).
# In the order `slm-bot tick` and the tests' run_all_once run them. Delivery is last on purpose: whatever the
# jobs before it queued (lapse notices, lost cover, a resumed thread's posts) goes out in the same run, so one
# tick leaves nothing waiting for the next.
JOBS: list[Job] = [
    Job("agreements.roll_statuses", roll_agreement_statuses, CronTrigger(minute=5, timezone="UTC")),
    Job("reminders.backstop", schedule_missing_reminders, CronTrigger(minute=15, timezone="UTC")),
    Job("coverage.recheck", recheck_cover, IntervalTrigger(minutes=15)),
    Job("replays.purge", purge_replay_claims, IntervalTrigger(minutes=10)),
    Job("agreements.resume_threads", resume_threads, IntervalTrigger(minutes=1)),
    Job("breaches.sweep", breach_jobs.sweep, IntervalTrigger(minutes=1)),
    Job("legs.warn", leg_warnings.warn, IntervalTrigger(minutes=5)),  # issue 17, legs: a leg over its OLA, once
    Job("sla_review.backstop", plan_sla_reviews, CronTrigger(hour=6, minute=20, timezone="UTC")),
    Job("retention.purge", purge_past_retention, CronTrigger(hour=3, minute=40, timezone="UTC")),
    Job("satisfaction.ask", ask_for_ratings, IntervalTrigger(minutes=1)),
    Job("workload.notices", workload_notices, CronTrigger(minute=25, timezone="UTC")),
    Job("reminders.sweep", sweep_reminders, IntervalTrigger(minutes=1)),
    # ladders (issue 17): the priority callbacks a ladder's steps queued (after the reminders that run those steps,
    # before the outbox, which sends what a failed callback says in the alert's thread)
    Job("ladders.callbacks", deliver_callbacks, IntervalTrigger(seconds=30)),
    Job("outbox.deliver", deliver, IntervalTrigger(seconds=5)),
]
