"""How long before a review a reminder goes: "5 working days", "1 day", "2 hours", read and counted back.

Days and working days keep the review's local time of day, in the arrangement's zone, across a change of daylight
saving time: "5 working days before Tue 10:00 London" is the Tuesday before, 10:00 London, whatever UTC says. A
working day is Monday to Friday, less the public holidays and closures of the SLA's calendar when its targets name
one. Hours and minutes are elapsed time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot import parsing
from bot.calendars import BusinessCalendar
from models import Agreement, Calendar, Target

WORKING_DAY, DAY, WEEK, HOUR, MINUTE = "working day", "day", "week", "hour", "minute"
_UNITS = {"working day": WORKING_DAY, "business day": WORKING_DAY, "workday": WORKING_DAY, "day": DAY, "d": DAY,
          "week": WEEK, "w": WEEK, "hour": HOUR, "h": HOUR, "hr": HOUR, "minute": MINUTE, "min": MINUTE, "m": MINUTE}
_OFFSET = re.compile(r"^\s*(\d{1,3})\s*(working day|business day|workday|day|week|hour|hr|minute|min|d|w|h|m)s?"
                     r"(?:\s+before)?\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Offset:
    amount: int
    unit: str  # one of WORKING_DAY, DAY, WEEK, HOUR, MINUTE

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"


def parse_offset(text: str) -> Offset:
    """ "5 working days", "1 day", "2h", "1 week before" -> an Offset; its str() is the canonical spelling."""
    found = _OFFSET.match(text or "")
    if not found or int(found.group(1)) == 0:
        raise parsing.ParseError(f"“{(text or '').strip()[:60]}” is not a time before the review: write it as "
                                 "“5 working days”, “1 day” or “2 hours”.")
    return Offset(int(found.group(1)), _UNITS[found.group(2).lower()])


def _wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    """That local wall time on that day, in UTC (a time the clocks skip in spring reads as the hour after)."""
    local = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    return local.astimezone(timezone.utc).astimezone(zone).astimezone(timezone.utc)


def due_before(at: datetime, offset: Offset, zone: ZoneInfo, is_working_day: Callable[[date], bool]) -> datetime:
    """The moment `offset` before `at`, in UTC."""
    if offset.unit == HOUR:
        return at - timedelta(hours=offset.amount)
    if offset.unit == MINUTE:
        return at - timedelta(minutes=offset.amount)
    local = at.astimezone(zone)
    if offset.unit in (DAY, WEEK):
        day = local.date() - timedelta(days=offset.amount * (7 if offset.unit == WEEK else 1))
    else:
        day, counted = local.date(), 0
        while counted < offset.amount:
            day -= timedelta(days=1)
            counted += is_working_day(day)
    return _wall(day, local.time().replace(tzinfo=None), zone)


def working_days(session: Session, agreement: Agreement) -> Callable[[date], bool]:
    """Whether a local date is a working day for this SLA: Monday to Friday, not a holiday or closure of the calendar
    its targets are measured in (the first target that names one), if any."""
    calendar_id = session.exec(select(Target.calendar_id)
                               .where(Target.agreement_id == agreement.id, Target.calendar_id.is_not(None),
                                      Target.retired == False)  # noqa: E712  (SQL comparison)
                               .order_by(Target.id)).first()
    row = session.get(Calendar, calendar_id) if calendar_id else None
    if row is None:
        return lambda day: day.weekday() < 5
    calendar = BusinessCalendar(hours=parsing.parse_service_hours(row.hours), holidays_country=row.holidays_country,
                                holidays_subdiv=row.holidays_subdiv,
                                closures=frozenset(date.fromisoformat(d) for d in row.closures), name=row.name)
    return lambda day: day.weekday() < 5 and calendar.closed_reason(day) is None
