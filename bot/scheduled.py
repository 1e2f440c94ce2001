"""The scheduled jobs. Each runs in every replica and is safe to: it only moves state forward,
and whatever it would send goes through the once-only delivery path."""
from __future__ import annotations

import logging

from apscheduler.triggers.cron import CronTrigger

from bot import agreements
from bot.scheduler import job

log = logging.getLogger(__name__)


@job("agreements.roll_statuses", CronTrigger(minute=5, timezone="UTC"))
def roll_agreement_statuses(deps) -> None:
    """Agreed agreements become active on their start date and expire after their end date (hourly, so a
    replica that was down at midnight catches up within the hour)."""
    with deps.db.session() as session:
        for agreement, before in agreements.roll_statuses(session, deps.clock.now().date()):
            log.info("%s: %s -> %s", agreement.name, before, agreement.status)
