"""Recurrences read from people's words, their occurrences across daylight saving and month ends, reminder offsets,
and when each reminder is due (working days skip weekends and the calendar's holidays).

Dates around real events: the Europe/London clock changes (Sun 29 Mar and Sun 25 Oct 2026), America/New_York's
(Sun 8 Mar and Sun 1 Nov 2026), UK Easter 2026 (Good Friday 3 Apr, Easter Monday 6 Apr)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendars import BusinessCalendar
from bot.parsing import ParseError, parse_service_hours
from bot.parsing.recurrence import Recurrence, occurrences, parse_offsets, parse_recurrence, read_offset
from bot.reviews import due_at, period_under_review

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 3, 2)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def read(text: str, zone: str = "Europe/London") -> Recurrence:
    return parse_recurrence(text, zone, TODAY)


@pytest.mark.parametrize("text, rule, at, zone, words", [
    ("monthly", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", time(10), "Europe/London",
     "first working day of each month at 10:00 Europe/London"),
    ("Quarterly", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", time(10), "Europe/London",
     "first working day of each quarter at 10:00 Europe/London"),
    ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", time(10), "Europe/London",
     "every 2 weeks on Monday at 10:00 Europe/London"),
    ("annually", "FREQ=YEARLY;BYMONTH=1;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", time(10), "Europe/London",
     "annually in January at 10:00 Europe/London"),
    ("second Tuesday of each month at 10:00 Europe/London", "FREQ=MONTHLY;BYDAY=+2TU", time(10), "Europe/London",
     "second Tuesday of each month at 10:00 Europe/London"),
    ("first Monday of each quarter at 09:30", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=+1MO", time(9, 30),
     "Europe/London", "first Monday of each quarter at 09:30 Europe/London"),
    ("last Friday of every month 14:00 America/New_York", "FREQ=MONTHLY;BYDAY=-1FR", time(14), "America/New_York",
     "last Friday of each month at 14:00 America/New_York"),
    ("RRULE:FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTHDAY=31", time(10), "Europe/London",
     "RRULE:FREQ=MONTHLY;BYMONTHDAY=31 Europe/London"),
    ("rrule:freq=weekly;byday=we;byhour=15;byminute=30 in utc", "FREQ=WEEKLY;BYDAY=WE;BYHOUR=15;BYMINUTE=30",
     time(15, 30), "UTC", "RRULE:FREQ=WEEKLY;BYDAY=WE;BYHOUR=15;BYMINUTE=30 UTC"),
    ("15th of each month at 2pm", "FREQ=MONTHLY;BYMONTHDAY=15", time(14), "Europe/London",
     "15th of each month at 14:00 Europe/London"),
    ("last working day of each month", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", time(10), "Europe/London",
     "last working day of each month at 10:00 Europe/London"),
    ("every Thursday at 9am", "FREQ=WEEKLY;BYDAY=TH", time(9), "Europe/London",
     "every week on Thursday at 09:00 Europe/London"),
    ("annually in April", "FREQ=YEARLY;BYMONTH=4;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", time(10), "Europe/London",
     "annually in April at 10:00 Europe/London"),
])
def test_words_become_one_canonical_rule_and_read_back_the_same(text, rule, at, zone, words):
    got = read(text)
    assert (got.rrule, got.at, got.timezone, got.description) == (rule, at, zone, words)
    assert got.dtstart_local.date() == TODAY
    assert read(got.description, zone="UTC") == got  # what people are shown reads back to what is stored


@pytest.mark.parametrize("text, says", [
    ("every blursday", "“blursday” is not a day of the week"),
    ("sometimes", "those are not words for a schedule I know"),
    ("31st of each month", "say “last day of each month”"),
    ("second Tuesday of each month Mars/Olympus", "I don't know the time zone"),
    ("fifth Monday of each month", "is not first, second, third, fourth or last"),
    ("monthly at 25:00", "a time of day is 00:00 to 23:59"),
    ("RRULE:FREQ=HOURLY", "at most once a day"),
    ("RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
    ("RRULE:FREQ=SOMETIMES", "not a rule I can read"),
    ("", "Please enter how often reviews happen"),
])
def test_what_cannot_be_read_says_why_and_what_is_accepted(text, says):
    with pytest.raises(ParseError) as err:
        read(text)
    assert says in str(err.value) and "For example: monthly, quarterly" in str(err.value)


def test_ten_oclock_in_london_stays_ten_oclock_across_both_clock_changes():
    weekly = read("every Friday at 10:00 Europe/London")
    got = occurrences(weekly, utc(2026, 3, 19), 3)
    assert got == [utc(2026, 3, 20, 10), utc(2026, 3, 27, 10), utc(2026, 4, 3, 9)]  # BST from Sun 29 Mar
    got = occurrences(weekly, utc(2026, 10, 15), 3)
    assert got == [utc(2026, 10, 16, 9), utc(2026, 10, 23, 9), utc(2026, 10, 30, 10)]  # GMT from Sun 25 Oct
    assert all(at.astimezone(LONDON).time() == time(10) for at in occurrences(weekly, utc(2026, 1, 1), 60))


def test_new_york_changes_on_other_days_than_london():
    rule = parse_recurrence("second Tuesday of each month at 10:00 America/New_York", "UTC", date(2026, 1, 1))
    assert occurrences(rule, utc(2026, 2, 1), 2) == [utc(2026, 2, 10, 15), utc(2026, 3, 10, 14)]


def test_month_ends_the_31st_skips_short_months_and_the_last_day_does_not():
    # Occurrences count from the day the rule was made (dtstart), never before it.
    on_31st = parse_recurrence("RRULE:FREQ=MONTHLY;BYMONTHDAY=31", "Europe/London", date(2026, 1, 1))
    assert [a.date() for a in occurrences(on_31st, utc(2026, 1, 1), 5)] == [
        date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31), date(2026, 7, 31), date(2026, 8, 31)]
    assert occurrences(on_31st, utc(2026, 3, 30), 1) == [utc(2026, 3, 31, 9)]  # 10:00 BST
    last = parse_recurrence("last day of each month", "UTC", date(2026, 1, 1))
    assert [a.date() for a in occurrences(last, utc(2026, 1, 1), 3)] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert [a.date() for a in occurrences(last, utc(2028, 2, 1), 1)] == [date(2028, 2, 29)]  # leap year


def test_occurrences_are_strictly_after_and_aware():
    rule = read("second Tuesday of each month at 10:00 Europe/London")
    assert occurrences(rule, utc(2026, 3, 10, 10), 1) == [utc(2026, 4, 14, 9)]  # not the one at that very moment
    with pytest.raises(ValueError):
        occurrences(rule, datetime(2026, 3, 1), 1)


@settings(max_examples=60, deadline=None)
@given(nth=st.sampled_from(["first", "second", "third", "fourth", "last"]),
       day=st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
       unit=st.sampled_from(["month", "quarter"]),
       hour=st.integers(6, 20), minute=st.sampled_from([0, 15, 30, 45]),
       zone=st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]),
       start=st.dates(date(2024, 1, 1), date(2030, 12, 31)))
def test_any_nth_weekday_rule_lands_on_that_weekday_at_that_wall_time(nth, day, unit, hour, minute, zone, start):
    rule = parse_recurrence(f"{nth} {day} of each {unit} at {hour:02d}:{minute:02d} {zone}", "UTC", start)
    assert parse_recurrence(rule.description, "UTC", start) == rule
    after = datetime.combine(start, time(0), tzinfo=UTC)
    got = occurrences(rule, after, 4)
    assert len(got) == 4 and got == sorted(got) and all(a > after for a in got)
    for at in got:
        local = at.astimezone(ZoneInfo(zone))
        assert local.strftime("%A") == day and local.time() == time(hour, minute)
        assert unit == "month" or local.month in (1, 4, 7, 10)
        assert (local.day <= 7) if nth == "first" else (local.day > 21 if nth == "last" else True)


# ---- reminder offsets -----------------------------------------------------------------------------------
def test_offsets_are_read_into_canonical_words_longest_first_each_once():
    assert parse_offsets("5 working days, 1 day, 2 hours") == ["5 working days", "1 day", "2 hours"]
    assert parse_offsets("2h and 1 day; 5 business days, 1 day") == ["5 working days", "1 day", "2 hours"]
    assert parse_offsets("1 week + 30 min") == ["7 days", "30 minutes"]
    assert parse_offsets("none") == []
    for words in parse_offsets("3 working days, 1 day, 1 hour"):
        assert str(read_offset(words)) == words
    for bad, says in (("5 wrking days", "I couldn't read “5 wrking days”"), ("0 days", "1 to 90 days"),
                      ("1 day, 2 days, 3 days, 4 days, 5 days, 6 days", "at most 5 reminders")):
        with pytest.raises(ParseError) as err:
            parse_offsets(bad)
        assert says in str(err.value)


UK_OFFICE = BusinessCalendar(parse_service_hours("Mon-Fri 09:00-17:00 Europe/London"), "GB", "ENG")


def test_working_days_skip_the_weekend_and_the_calendars_holidays():
    review = datetime(2026, 4, 9, 10, tzinfo=LONDON)  # Thursday after Easter
    # Without a calendar: Mon-Fri. 5 working days before Thu 9 Apr is Thu 2 Apr.
    assert due_at("5 working days", review, "Europe/London") == datetime(2026, 4, 2, 10, tzinfo=LONDON)
    # With England's holidays, Good Friday and Easter Monday do not count: Tue 31 Mar.
    assert due_at("5 working days", review, "Europe/London", UK_OFFICE) == datetime(2026, 3, 31, 10, tzinfo=LONDON)
    assert due_at("1 working day", datetime(2026, 3, 9, 10, tzinfo=LONDON), "Europe/London") == \
        datetime(2026, 3, 6, 10, tzinfo=LONDON)  # a Monday's: the Friday before


def test_a_day_before_is_the_same_wall_time_across_a_clock_change_and_hours_are_elapsed_time():
    review = datetime(2026, 3, 30, 10, tzinfo=LONDON)  # the Monday after the clocks went forward (09:00 UTC)
    assert due_at("1 day", review, "Europe/London") == utc(2026, 3, 29, 9)  # 10:00 BST Sunday
    assert due_at("2 days", review, "Europe/London") == utc(2026, 3, 28, 10)  # 10:00 GMT Saturday
    assert due_at("2 hours", review, "Europe/London") == utc(2026, 3, 30, 7)
    assert due_at("30 minutes", review, "Europe/London") == utc(2026, 3, 30, 8, 30)


# ---- the period under review ------------------------------------------------------------------------------
@pytest.mark.parametrize("rule, day, period", [
    ("FREQ=MONTHLY;BYDAY=+2TU", date(2026, 3, 10), (date(2026, 2, 1), date(2026, 3, 1))),
    ("FREQ=MONTHLY;BYDAY=+2TU", date(2026, 1, 13), (date(2025, 12, 1), date(2026, 1, 1))),
    ("FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=+1MO", date(2026, 4, 6), (date(2026, 1, 1), date(2026, 4, 1))),
    ("FREQ=MONTHLY;BYMONTH=2,5,8,11;BYDAY=+1MO", date(2026, 2, 2), (date(2025, 10, 1), date(2026, 1, 1))),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", date(2026, 5, 1), (date(2026, 1, 1), date(2026, 4, 1))),
    ("FREQ=YEARLY;BYMONTH=4;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", date(2026, 4, 1), (date(2025, 1, 1), date(2026, 1, 1))),
    ("FREQ=WEEKLY;BYDAY=MO", date(2026, 3, 2), (date(2026, 2, 23), date(2026, 3, 2))),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", date(2026, 3, 2), (date(2026, 2, 16), date(2026, 3, 2))),
])
def test_the_period_under_review_is_the_last_whole_reporting_period(rule, day, period):
    assert period_under_review(rule, day) == period
