"""Service-hours calendars: when a clock runs, when a target falls due, and what one calendar leaves uncovered.

- `business_time`: :class:`BusinessCalendar`, a weekly pattern of open windows in one zone minus public
  holidays and closure days, with its open-time layout and deadline arithmetic (one cohesive algorithm);
  `CALENDAR_24X7_UTC`, the calendar of a clock that never stops;
- `deadline_arrays`: `deadline` for many starts at once (numpy), for the back-to-back check's simulation;
- `gaps`: which of one calendar's hours another leaves uncovered (a 9-5 supplier under a 24x7 SLA);
- `public_holidays`: the public holidays of a country, from the ``holidays`` package;
- `records`: the workspace's named calendars as stored (``models.Calendar``): add, find, list;
- `working_days`: which days are working days (a calendar's open weekdays less its holidays and closures), and the
  organisation's working calendar (the `working_calendar` setting).

Callers use the public API re-exported here (`from bot.calendars import BusinessCalendar`); the
stored calendars are reached through `bot.calendars.records`.
"""
from bot.calendars.business_time import CALENDAR_24X7_UTC, BusinessCalendar
from bot.calendars.gaps import Uncovered, uncovered

__all__ = ["BusinessCalendar", "CALENDAR_24X7_UTC", "Uncovered", "uncovered"]
