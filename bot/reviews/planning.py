"""Which reviews an agreed arrangement holds: the next occurrence as a Review row, and the period it looks back on.

OWNED BY the cadence slice (H1): replace these bodies. The reminding slice calls `plan_next` when a review's time
has come, to plan the one after it.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import Review, ReviewArrangement


def plan_next(session: Session, arrangement: ReviewArrangement, after: datetime, now: datetime) -> Review | None:
    """The review of the arrangement's first occurrence after `after`, created once (and its reminders scheduled
    through bot.reviews.reminding.schedule_review); None when the arrangement is not agreed."""
    raise NotImplementedError("the cadence slice writes this")


def replan(session: Session, arrangement: ReviewArrangement, now: datetime) -> Review | None:
    """A newly agreed arrangement: cancel the scheduled reviews (and their reminders) still ahead, plan the next."""
    raise NotImplementedError("the cadence slice writes this")
