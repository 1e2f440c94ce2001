"""Day arithmetic by the calendar, where a year or a month is not a fixed number of days.

`date.replace(year=...)` fails on 29 February (the next year has none), and adding 365 days
drifts across leap years; dateutil's relativedelta counts months and years as people do.
"""
from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

ONE_DAY = timedelta(days=1)


def year_on(day: date) -> date:
    """The same day a year later; for 29 February, 1 March when the next year has no 29 February."""
    later = day + relativedelta(years=1)  # relativedelta clips 29 Feb to 28 Feb
    return later if later.day == day.day else later + ONE_DAY


def a_year_from(start: date) -> tuple[date, date]:
    """A term of one year: from `start` to the day before its anniversary, both days included."""
    return start, year_on(start) - ONE_DAY


def first_of_next_month(day: date) -> date:
    return day + relativedelta(months=1, day=1)
