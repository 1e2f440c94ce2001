"""When a review's reminder is due: its offset ("5 working days", "1 day", "2 hours") before the review's time.

Days are counted in the review's own wall time, so a reminder "1 day" before a 10:00 review goes at 10:00 the day
before even across a daylight-saving change. Working days are the days the service calendar opens (its weekdays,
less its public holidays and closures); without a calendar, Monday to Friday.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.calendars import BusinessCalendar
from bot.parsing.recurrence import Offset, read_offset

MAX_DAYS_BACK = 400  # a calendar open on no day at all must not hang the search


def is_working_day(day: date, calendar: BusinessCalendar | None) -> bool:
    if calendar is None:
        return day.weekday() < 5
    open_weekdays = {weekday for weekday, _start, _end in calendar.hours.windows}
    return day.weekday() in open_weekdays and calendar.closed_reason(day) is None


def due_at(offset: Offset | str, review_at: datetime, zone: str, calendar: BusinessCalendar | None = None) -> datetime:
    """The aware UTC time a reminder `offset` before a review at `review_at` (aware) is due."""
    if review_at.tzinfo is None:
        raise ValueError("the review's time must be time-zone aware")
    offset = read_offset(offset) if isinstance(offset, str) else offset
    if offset.unit == "hour":
        return (review_at - timedelta(hours=offset.amount)).astimezone(timezone.utc)
    if offset.unit == "minute":
        return (review_at - timedelta(minutes=offset.amount)).astimezone(timezone.utc)
    tz = ZoneInfo(zone)
    wall = review_at.astimezone(tz).replace(tzinfo=None)
    day = wall.date()
    if offset.unit == "day":
        day -= timedelta(days=offset.amount)
    else:
        counted = 0
        for _ in range(MAX_DAYS_BACK):
            day -= timedelta(days=1)
            counted += is_working_day(day, calendar)
            if counted == offset.amount:
                break
    return datetime.combine(day, wall.time()).replace(tzinfo=tz).astimezone(timezone.utc)
