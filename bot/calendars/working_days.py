"""Working days: the days a calendar opens (its weekdays, less its public holidays and closure days).

One rule for every "n working days" the bot counts: a review's reminders count them in the SLA's own calendar
(bot.reviews.offsets), a complaint's answer and an action's first nudge (bot.actions.nudges) in the organisation's
working calendar (the workspace setting
`working_calendar`, one of the calendars of `/slm calendar add`). Without a calendar, Monday to Friday.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from sqlmodel import Session

from bot import parsing
from bot.calendars.business_time import BusinessCalendar
from bot.workspace import settings as workspace_settings
from models import Calendar

MAX_DAYS_SCAN = 400  # a calendar open on no day at all must not hang a count


def is_working_day(day: date, calendar: BusinessCalendar | None) -> bool:
    if calendar is None:
        return day.weekday() < 5
    open_weekdays = {weekday for weekday, _start, _end in calendar.hours.windows}
    return day.weekday() in open_weekdays and calendar.closed_reason(day) is None


def as_business(row: Calendar) -> BusinessCalendar:
    """A stored calendar as the arithmetic takes it."""
    return BusinessCalendar(hours=parsing.parse_service_hours(row.hours), holidays_country=row.holidays_country,
                            holidays_subdiv=row.holidays_subdiv,
                            closures=frozenset(date.fromisoformat(d) for d in row.closures), name=row.name)


def organisation_calendar(session: Session, team_id: str) -> BusinessCalendar | None:
    """The organisation's working calendar (the `working_calendar` setting), or None: Monday to Friday."""
    row = workspace_settings.working_calendar_row(session, team_id)
    return as_business(row) if row is not None else None


def add_working_days(day: date, count: int, working: Callable[[date], bool]) -> date:
    """The `count`-th working day after `day` (`day` itself is not counted)."""
    counted = 0
    for _ in range(MAX_DAYS_SCAN):
        day += timedelta(days=1)
        counted += working(day)
        if counted >= count:
            break
    return day
