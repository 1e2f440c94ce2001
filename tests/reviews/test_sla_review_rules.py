"""The periodic SLA review's rules, as pure functions: the due date, the weekly time across a change of clocks,
the notice setting, the default review month; and a moved review month planning the review again."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import parsing
from bot.reviews import sla_review
from bot.workspace import settings
from models import Agreement, SlaReview
from tests.reviews.sla_world import drafted, pending_reminders, reviews, world  # noqa: F401  (fixtures)


def sla(month: int, start: date, end: date) -> Agreement:
    return Agreement(kind="sla", name="X", name_key="x", counterparty_id=1, start_date=start, end_date=end,
                     review_month=month, team_id="T", created_at=datetime(2026, 1, 1), created_by="U")


@pytest.mark.parametrize(("month", "start", "end", "after", "due"), [
    (3, date(2026, 4, 1), date(2028, 3, 31), None, date(2027, 3, 1)),             # the first March after it starts
    (3, date(2026, 4, 1), date(2028, 3, 31), date(2027, 3, 1), date(2028, 3, 1)),  # a year after the last
    (4, date(2026, 3, 1), date(2027, 2, 28), None, date(2026, 4, 1)),             # its month comes round soon
    (4, date(2026, 4, 1), date(2027, 2, 28), None, date(2027, 2, 1)),             # the term ends first: brought forward
    (3, date(2026, 4, 1), date(2027, 3, 31), date(2027, 3, 1), None),             # none left in the term
])
def test_the_due_date(month, start, end, after, due):
    assert sla_review.due_date(sla(month, start, end), after) == due


def test_weekly_reminders_keep_their_local_time_across_the_change_of_clocks():
    review = SlaReview(team_id="T", agreement_id=1, due_on=date(2027, 4, 1), created_at=datetime(2027, 1, 1))
    times = [sla_review.week_time(review, timedelta(weeks=4), n, "Europe/London") for n in range(3)]
    assert [t.astimezone(ZoneInfo("Europe/London")).strftime("%a %d %H:%M") for t in times] == [
        "Thu 04 09:00", "Thu 11 09:00", "Thu 18 09:00"]
    assert [t.utcoffset() for t in times] == [timedelta(0), timedelta(0), timedelta(0)]
    later = sla_review.week_time(review, timedelta(weeks=4), 4, "Europe/London")  # 1 April: summer time
    assert (later.hour, later.utcoffset()) == (9, timedelta(hours=1))


@pytest.mark.parametrize(("typed", "stored"), [("4 weeks", "4w"), ("10 days", "10d"), ("2w", "2w")])
def test_the_notice_setting(typed, stored):
    assert settings.CHOICES["sla_review_notice"].read(typed) == stored


@pytest.mark.parametrize("typed", ["3 business days", "4h", "30 weeks", "0d"])
def test_the_notice_setting_refuses(typed):
    with pytest.raises(parsing.ParseError):
        settings.CHOICES["sla_review_notice"].read(typed)


def test_a_new_slas_review_month_is_the_month_before_the_financial_year(session):
    assert settings.default_review_month(session, "T0NEW") == 12  # the year starts in January by default


def test_a_moved_review_month_plans_the_review_again(db, clock, world):
    with db.session() as s:
        row = s.get(Agreement, world.sla_id)
        row.review_month = 1
        sla_review.plan(s, row, clock.now(), "UTC")
    [review] = reviews(db)
    [reminder] = pending_reminders(db)
    assert review.due_on == date(2027, 1, 1) and reminder.key.endswith(":2027-01-01:week:0")
