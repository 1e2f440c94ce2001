"""When a review's reminder is due: its offset ("5 working days", "1 day", "2 hours") before the review's time.

The words are read by bot.parsing.recurrence (`read_offset`, `parse_offsets`: one grammar for the form and for the
rows). Days and working days keep the review's local time of day, in the arrangement's zone, across a change of
daylight saving time: "5 working days before Tue 10:00 London" is the Tuesday before, 10:00 London, whatever UTC says
(a local time the clocks skip reads as the hour after). Working days are the days the SLA's service calendar opens
(its weekdays, less its public holidays and closures: bot.calendars.working_days, the rule complaints' answers
are counted by too); without a calendar, Monday to Friday. Hours and minutes are
elapsed time.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.calendars import BusinessCalendar
from bot.calendars.working_days import as_business, is_working_day
from bot.parsing.recurrence import Offset, read_offset
from models import Agreement, Calendar, Target

WORKING_DAY, DAY, HOUR, MINUTE = "working day", "day", "hour", "minute"  # Offset.unit; weeks are read as days
MAX_DAYS_BACK = 400  # a calendar open on no day at all must not hang the search


def parse_offset(text: str) -> Offset:
    """ "5 working days", "1 day", "2h", "1 week before" -> an Offset; its str() is the canonical spelling."""
    words = " ".join((text or "").lower().split())
    return read_offset(words.removesuffix(" before"), text)


def _wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    """That local wall time on that day, in UTC (a time the clocks skip in spring reads as the hour after)."""
    local = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    return local.astimezone(timezone.utc).astimezone(zone).astimezone(timezone.utc)


def due_before(at: datetime, offset: Offset, zone: ZoneInfo, working: Callable[[date], bool]) -> datetime:
    """The moment `offset` before `at` (aware), in UTC; `working` says whether a local date is a working day."""
    if at.tzinfo is None:
        raise ValueError("the review's time must be time-zone aware")
    if offset.unit == HOUR:
        return (at - timedelta(hours=offset.amount)).astimezone(timezone.utc)
    if offset.unit == MINUTE:
        return (at - timedelta(minutes=offset.amount)).astimezone(timezone.utc)
    local = at.astimezone(zone)
    day = local.date()
    if offset.unit == DAY:
        day -= timedelta(days=offset.amount)
    else:
        counted = 0
        for _ in range(MAX_DAYS_BACK):
            day -= timedelta(days=1)
            counted += working(day)
            if counted == offset.amount:
                break
    return _wall(day, local.time().replace(tzinfo=None), zone)


def due_at(offset: Offset | str, review_at: datetime, zone: str, calendar: BusinessCalendar | None = None) -> datetime:
    """The aware UTC time a reminder `offset` before a review at `review_at` (aware) is due."""
    offset = parse_offset(offset) if isinstance(offset, str) else offset
    return due_before(review_at, offset, ZoneInfo(zone), lambda day: is_working_day(day, calendar))


def sla_calendar(session: Session, agreement: Agreement) -> BusinessCalendar | None:
    """The calendar the SLA's targets are measured in (the first target that names one), if any."""
    calendar_id = session.exec(select(Target.calendar_id)
                               .where(Target.agreement_id == agreement.id, Target.calendar_id.is_not(None),
                                      Target.retired == False)  # noqa: E712  (SQL comparison)
                               .order_by(Target.id)).first()
    row = session.get(Calendar, calendar_id) if calendar_id else None
    return as_business(row) if row is not None else None


def working_days(session: Session, agreement: Agreement) -> Callable[[date], bool]:
    """Whether a local date is a working day for this SLA's reminders."""
    calendar = sla_calendar(session, agreement)
    return lambda day: is_working_day(day, calendar)
