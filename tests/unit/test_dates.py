"""Day arithmetic by the calendar, over every day from 1900 to 2400 (29 February included)."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from bot import dates
from bot.agreements import default_term

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2400, 12, 31))
LEAP_DAYS = st.sampled_from([date(y, 2, 29) for y in range(1904, 2400, 4) if y % 100 or y % 400 == 0])


@given(DAYS)
@example(date(2028, 2, 29))
def test_a_year_on_is_the_same_day_next_year(day):
    later = dates.year_on(day)
    assert later.year == day.year + 1
    # The year after a leap year has no 29 February: that anniversary falls on 1 March.
    assert (later.month, later.day) == ((3, 1) if (day.month, day.day) == (2, 29) else (day.month, day.day))
    assert (later - day).days in (365, 366)


@given(LEAP_DAYS)
def test_a_year_from_29_february_ends_on_28_february(day):
    start, end = dates.a_year_from(day)
    assert (start, end) == (day, date(day.year + 1, 2, 28))


@given(DAYS)
def test_a_years_term_holds_every_day_of_the_year_once(start):
    first, last = dates.a_year_from(start)
    assert first == start
    assert (last - first).days + 1 in (365, 366)
    next_start, _ = dates.a_year_from(last + timedelta(days=1))
    assert next_start == last + timedelta(days=1)  # terms run on with no gap and no overlap


@given(DAYS)
def test_the_first_of_next_month(day):
    first = dates.first_of_next_month(day)
    assert first.day == 1 and 1 <= (first - day).days <= 31
    assert (first - timedelta(days=1)).month == day.month


@given(DAYS)
@example(date(2028, 2, 29))
@example(date(2027, 12, 31))
def test_the_default_term_starts_next_month_for_a_year(today):
    start, end = default_term(today)
    assert start == dates.first_of_next_month(today)
    assert end == date(start.year + 1, start.month, 1) - timedelta(days=1)
