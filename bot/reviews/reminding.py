"""A review's reminders: every attendee's DM at each agreed offset, the review channel's notice, the pack the day
before, and at the review's time the planning of the next one. Each is a bot.reminders row, keyed
"review:<review id>:...", so moving or cancelling a review cancels them by that prefix.

OWNED BY the reminding slice (H2): replace this body.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import Review, ReviewArrangement


def schedule_review(session: Session, review: Review, arrangement: ReviewArrangement, now: datetime) -> None:
    """Schedule every reminder of this review (once: scheduling again adds nothing)."""
    return None  # the reminding slice writes this
