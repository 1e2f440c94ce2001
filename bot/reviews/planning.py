"""Which reviews an agreed arrangement holds: the next occurrence as a Review row, and the period it looks back on.

The reminding slice calls `plan_next` when a review's time has come, to plan the one after it; `replan` runs when an
arrangement is (newly) agreed.

The period under review is the last whole reporting period before the review: a monthly cadence reviews the previous
calendar month, a quarterly one the previous calendar quarter, a yearly one the previous calendar year, a weekly one
the previous 7 days (every n weeks: the previous 7n days). Why whole calendar periods: targets are measured and
reported per calendar month (a target's `period`), so the pack's figures are the same ones the customer already has
in the monthly reports, and a review held on the 3rd does not judge a month that is two days old. A review on any day
of the month after a quarter ends (a quarterly rule in February, say) still looks at that whole quarter.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import reminders
from bot.reviews import reminding
from bot.reviews.cadence import next_after
from models import Review, ReviewArrangement
from models.reviews import ArrangementStatus, ReviewStatus


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def period_length(rrule: str) -> tuple[str, int]:
    """("months", n) or ("days", n): how long one reporting period of this cadence is."""
    parts = dict(p.partition("=")[::2] for p in rrule.upper().split(";") if p)
    freq, interval = parts.get("FREQ", "MONTHLY"), int(parts.get("INTERVAL", "1") or 1)
    if freq == "YEARLY":
        return "months", 12 * interval
    if freq == "MONTHLY":
        months = parts.get("BYMONTH")
        if months and interval == 1:  # "each quarter" is every month of four: one period per chosen month
            return "months", max(1, 12 // len(months.split(",")))
        return "months", interval
    if freq == "WEEKLY":
        return "days", 7 * interval
    return "days", interval  # daily


def period_under_review(rrule: str, review_day: date) -> tuple[date, date]:
    """The last whole reporting period before a review held on `review_day` (local): (start, end exclusive)."""
    unit, n = period_length(rrule)
    if unit == "days":
        return review_day - timedelta(days=n), review_day
    month_index = review_day.year * 12 + review_day.month - 1
    if 12 % n == 0:  # quarters, halves and years line up with the calendar year
        month_index -= month_index % n
    end = date(month_index // 12, month_index % 12 + 1, 1)
    return _months_back(end, n), end


def _existing(session: Session, arrangement: ReviewArrangement, when: datetime) -> Review | None:
    return session.exec(select(Review).where(Review.team_id == arrangement.team_id,
                                             Review.agreement_id == arrangement.agreement_id,
                                             Review.scheduled_for == when)).first()


def plan_next(session: Session, arrangement: ReviewArrangement, after: datetime, now: datetime) -> Review | None:
    """The review of the arrangement's first occurrence after `after`, created once (and its reminders scheduled
    through bot.reviews.reminding.schedule_review); None when the arrangement is not agreed."""
    if arrangement.status != ArrangementStatus.AGREED.value:
        return None
    if reminding.agreement_ended(session, arrangement.team_id, arrangement.agreement_id):
        return None  # a retired, expired or deleted SLA is reviewed no more
    found = next_after(arrangement, after)
    if not found:
        return None  # a rule with an end (COUNT or UNTIL) that has run out
    when = found[0]
    review = _existing(session, arrangement, when)
    start, end = period_under_review(arrangement.rrule, when.astimezone(ZoneInfo(arrangement.timezone)).date())
    if review is None:
        review = Review(team_id=arrangement.team_id, agreement_id=arrangement.agreement_id, scheduled_for=when,
                        format=arrangement.format, channel_id=arrangement.channel_id, period_start=start,
                        period_end=end, created_at=now)
        try:
            with session.begin_nested():
                session.add(review)
        except IntegrityError:  # another sweep planned it between our read and our write: theirs stands
            review = _existing(session, arrangement, when)
    elif review.status == ReviewStatus.CANCELLED.value:
        # The new arrangement falls on a time an older one had (and was cancelled): the same review, as agreed now.
        review.status, review.format, review.channel_id = ReviewStatus.SCHEDULED.value, arrangement.format, \
            arrangement.channel_id
        review.period_start, review.period_end = start, end
        session.add(review)
    if review.status == ReviewStatus.SCHEDULED.value:
        reminding.schedule_review(session, review, arrangement, now)
    return review


def replan(session: Session, arrangement: ReviewArrangement, now: datetime) -> Review | None:
    """A newly agreed arrangement: cancel the scheduled reviews (and their reminders) still ahead, plan the next."""
    ahead = session.exec(select(Review).where(Review.team_id == arrangement.team_id,
                                              Review.agreement_id == arrangement.agreement_id,
                                              Review.status == ReviewStatus.SCHEDULED.value,
                                              Review.scheduled_for > now)).all()
    for review in ahead:
        review.status = ReviewStatus.CANCELLED.value
        session.add(review)
        reminders.cancel(session, arrangement.team_id, f"review:{review.id}:")
    session.flush()
    return plan_next(session, arrangement, now, now)


@reminders.handles(reminding.NEXT)
def _plan_the_next_one(session: Session, due: reminders.Due) -> bool:
    """The review's time has come: plan the one after it (whatever became of this one, unless it was called off)."""
    row = due.reminder
    review = session.get(Review, row.subject_id) if row.subject_id else None
    if review is None or review.team_id != row.team_id or review.status == ReviewStatus.CANCELLED.value:
        return False
    arrangement = session.exec(select(ReviewArrangement)
                               .where(ReviewArrangement.agreement_id == review.agreement_id)).first()
    if arrangement is None:
        return False
    return plan_next(session, arrangement, after=review.scheduled_for, now=due.now) is not None


