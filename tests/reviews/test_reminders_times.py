"""When a review's reminders fall due: offsets read, counted back in working days of the SLA's calendar, keeping the
review's local time across a change of daylight saving, and the short-notice rule."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import parsing
from bot.calendars import records as calendars
from bot.reviews.offsets import DAY, HOUR, WORKING_DAY, Offset, due_before, parse_offset, working_days  # noqa: F401
from bot.workspace.actor import Actor
from models import Agreement, Target
from tests.reviews.remind_world import ALICE, ATTENDEES, World, world  # noqa: F401  (fixture)

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def weekdays(day) -> bool:
    return day.weekday() < 5


@pytest.mark.parametrize("text, offset", [
    ("5 working days", Offset(5, WORKING_DAY)), ("1 day", Offset(1, DAY)), ("2h", Offset(2, HOUR)),
    ("3 Business Days before", Offset(3, WORKING_DAY)), (" 1 days ", Offset(1, DAY)), ("1 week", Offset(7, DAY)),
])
def test_offsets_read_and_print_canonically(text, offset):
    assert parse_offset(text) == offset
    assert parse_offset(str(offset)) == offset


@pytest.mark.parametrize("text", ["", "soon", "0 days", "5 fortnights", "-1 day", "1 day after"])
def test_an_offset_that_does_not_read_says_how_to_write_it(text):
    with pytest.raises(parsing.ParseError, match="5 working days"):
        parse_offset(text)


def test_working_days_back_across_the_autumn_change_keep_ten_o_clock_london():
    review = london(2026, 10, 27, 10, 0)  # Tuesday, GMT (the clocks went back on Sunday 25 October)
    assert review == datetime(2026, 10, 27, 10, 0, tzinfo=UTC)
    five = due_before(review, parse_offset("5 working days"), LONDON, weekdays)
    assert five == london(2026, 10, 20, 10, 0) == datetime(2026, 10, 20, 9, 0, tzinfo=UTC)  # Tuesday before, BST
    assert due_before(review, parse_offset("1 day"), LONDON, weekdays) == datetime(2026, 10, 26, 10, 0, tzinfo=UTC)
    assert due_before(review, parse_offset("2 hours"), LONDON, weekdays) == datetime(2026, 10, 27, 8, 0, tzinfo=UTC)


def test_working_days_back_across_the_spring_change():
    review = london(2026, 3, 31, 10, 0)  # Tuesday, BST (the clocks went forward on Sunday 29 March)
    assert review == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    assert due_before(review, parse_offset("5 working days"), LONDON, weekdays) == datetime(2026, 3, 24, 10, 0, tzinfo=UTC)
    assert due_before(review, parse_offset("1 day"), LONDON, weekdays) == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def test_a_review_at_a_time_the_clocks_skip_is_reminded_the_hour_after():
    review = london(2026, 3, 30, 1, 30)  # Monday 01:30 BST; "1 day" before is Sunday 01:30, which London skips
    assert due_before(review, parse_offset("1 day"), LONDON, weekdays) == london(2026, 3, 29, 2, 30)


def test_working_days_skip_the_public_holidays_of_the_slas_calendar(db, team, world: World):
    review = london(2026, 4, 9, 10, 0)  # Thursday after Easter: Good Friday 3 April, Easter Monday 6 April
    offset = parse_offset("5 working days")
    with db.session() as s:
        agreement = s.get(Agreement, world.agreement_id)
        assert due_before(review, offset, LONDON, working_days(s, agreement)) == london(2026, 4, 2, 10, 0)
        sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}),
                   now=datetime(2026, 3, 2, tzinfo=UTC), tz="Europe/London")
        cal = calendars.add(s, sm, name="UK office", hours="Mon-Fri 09:00-17:00 Europe/London",
                            holidays_country="GB", holidays_subdiv="ENG")
        s.add(Target(team_id=team, agreement_id=agreement.id, key="T1", kind="availability", goal="99.9%",
                     calendar_id=cal.id, created_at=sm.now, created_by=ALICE))
        s.flush()
        assert due_before(review, offset, LONDON, working_days(s, agreement)) == london(2026, 3, 31, 10, 0)


def test_a_review_planned_at_short_notice_sends_the_nearest_past_reminder_at_once_and_skips_the_rest(world: World):
    now = london(2026, 3, 9, 9, 0)  # Monday; the review is Wednesday: its 5-working-day reminder is already past
    review_id = world.review(london(2026, 3, 11, 10, 0), now, offsets=["2 weeks", "5 working days", "1 day"])
    rows = world.reminders(review_id)
    attendee = {(r.recipient, r.context["offset"]): r.due_at for r in rows if r.kind == "review.attendee"}
    for user in ATTENDEES:
        assert attendee[user, "5 working days"] == now  # the nearest one already past: at once
        assert attendee[user, "1 day"] == london(2026, 3, 10, 10, 0)
        assert (user, "2 weeks") not in attendee  # further back: skipped
    by_kind = {r.kind: r for r in rows if r.kind != "review.attendee"}
    assert by_kind["review.notice"].due_at == now  # with the first reminder
    assert by_kind["review.pack"].due_at == london(2026, 3, 10, 10, 0)  # the day before, at the review's time
    assert by_kind["review.next"].due_at == london(2026, 3, 11, 10, 0)
    assert by_kind["review.notice"].recipient == by_kind["review.pack"].recipient == "C0ACMESLA"

    with world.db.session() as s:  # planned again (a second replica, a retry): nothing more
        from bot import reviews
        from models import Review, ReviewArrangement

        reviews.schedule_review(s, s.get(Review, review_id), s.get(ReviewArrangement, world.arrangement_id),
                                now + timedelta(days=1))
    assert len(world.reminders(review_id)) == len(rows)


def test_a_review_already_begun_is_only_followed_by_the_planning_of_the_next(world: World):
    review_id = world.review(london(2026, 3, 11, 10, 0), london(2026, 3, 11, 10, 5))
    assert [r.kind for r in world.reminders(review_id)] == ["review.next"]


def test_with_no_reminders_agreed_the_channel_still_hears_the_day_before(world: World):
    review_id = world.review(london(2026, 3, 17, 10, 0), london(2026, 3, 2, 9, 0), offsets=[])
    assert [(r.kind, r.due_at) for r in world.reminders(review_id)] == [
        ("review.notice", london(2026, 3, 16, 10, 0)), ("review.pack", london(2026, 3, 16, 10, 0)),
        ("review.next", london(2026, 3, 17, 10, 0))]
