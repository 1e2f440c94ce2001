"""A span of time as people type it for a maintenance window or an agreed exclusion.

* "2026-12-05 22:00-02:00 Europe/London": a date, a start and an end (an end at or before the start is the next day)
* "2026-12-05 22:00 for 4h", "Sat 22:00 for 4h UTC": a start and a length (any clock-time duration)
* "Sat 22:00-02:00": a day of the week is the next such day after now (today, if the start is still to come)
* recurring (`parse_series`): "every Sat 22:00 for 4h", "second Sunday of each month 02:00 for 3h until
  2027-06-30": the rule as bot.parsing.recurrence reads it, each occurrence in its zone's wall time

The zone is the last word (an IANA name, any case); without one, ``default_tz`` (the person's Slack zone). Start and
end are returned zone-aware, in UTC; the local times follow the zone's daylight saving time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.parsing._common import ParseError, _error, _prepare
from bot.parsing.durations import parse_duration
from bot.parsing.hours import _lookup_zone
from bot.parsing.recurrence import occurrences, parse_recurrence

_KIND = "a window of time"
EXAMPLE = "“2026-12-05 22:00-02:00 Europe/London” or “Sat 22:00 for 4h”"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PATTERN = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2}|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\s+(?P<start>\d{1,2}:\d{2})"
    r"(?:\s*-\s*(?P<end>\d{1,2}:\d{2})|\s+for\s+(?P<length>.+?))(?:\s+(?P<zone>[a-z][a-z0-9_+\-]*(?:/[a-z0-9_+\-]+)*))?$")
MAX_LENGTH = timedelta(days=31)


@dataclass(frozen=True)
class Span:
    start: datetime  # UTC
    end: datetime    # UTC
    tz: str

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def _clock(text: str, typed: str) -> time:
    hours, minutes = (int(p) for p in text.split(":"))
    if hours > 23 or minutes > 59:
        raise _error(_KIND, typed, f"“{text}” is not a time of day", EXAMPLE)
    return time(hours, minutes)


def parse_window(text: str | None, default_tz: str, now: datetime) -> Span:
    norm = _prepare(text, _KIND, EXAMPLE)
    m = _PATTERN.match(norm)
    if m is None and (parts := norm.rsplit(" ", 1)) and len(parts) == 2 and _lookup_zone(parts[1]):
        m = _PATTERN.match(parts[0] + " " + parts[1])  # a zone the pattern's last group did not take
    if m is None:
        raise _error(_KIND, text or "", "say the day, the start, and the end or how long", EXAMPLE)
    zone_name = default_tz
    length_text = m.group("length")
    if m.group("zone"):
        found = _lookup_zone(m.group("zone"))
        if found is None:
            if length_text is not None:  # "for 4 hours": the last word belonged to the length
                length_text, found = f"{length_text} {m.group('zone')}", default_tz
            else:
                typed = (text or "").split()[-1]  # as the person typed it, not lower-cased
                raise _error(_KIND, text or "", f"“{typed}” is not a time zone I know", EXAMPLE)
        zone_name = found
    zone = ZoneInfo(zone_name)
    start_time = _clock(m.group("start"), text or "")
    day_text = m.group("day")
    if day_text[0].isdigit():
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise _error(_KIND, text or "", f"“{day_text}” is not a date", EXAMPLE) from None
    else:
        if day_text[:3] not in _DAYS or day_text not in (day_text[:3], _full(day_text[:3])):
            raise _error(_KIND, text or "", f"“{day_text}” is not a day of the week", EXAMPLE)
        local_now = now.astimezone(zone)
        ahead = (_DAYS.index(day_text[:3]) - local_now.weekday()) % 7
        day = local_now.date() + timedelta(days=ahead)
        if ahead == 0 and datetime.combine(day, start_time, zone) <= local_now:
            day += timedelta(days=7)
    start = datetime.combine(day, start_time, zone)
    if m.group("end") is not None:
        end_time = _clock(m.group("end"), text or "")
        end = datetime.combine(day if end_time > start_time else day + timedelta(days=1), end_time, zone)
        length = end.astimezone(timezone.utc) - start.astimezone(timezone.utc)
    else:
        try:
            duration = parse_duration(length_text)
        except ParseError:
            raise _error(_KIND, text or "", f"“{length_text}” is not a length of time", EXAMPLE) from None
        if duration.business or duration.business_days or duration.minutes <= 0:
            raise _error(_KIND, text or "", "give the length in clock time, like “4h”", EXAMPLE)
        length = timedelta(minutes=duration.minutes)
    if length > MAX_LENGTH:
        raise _error(_KIND, text or "", "a window longer than 31 days is not a window", EXAMPLE)
    start_utc = start.astimezone(timezone.utc)
    return Span(start_utc, start_utc + length, zone_name)


@dataclass(frozen=True)
class Series:
    """A recurring window: each occurrence's start (UTC), its length, and the words people read."""

    starts: tuple[datetime, ...]
    length: timedelta
    tz: str
    description: str  # "every week on Saturday at 22:00 Europe/London, for 4h"


_SERIES = re.compile(r"^(?P<rule>(?:every|each|first|second|third|fourth|last)\b.+?)\s+for\s+(?P<length>.+?)"
                     r"(?:\s+until\s+(?P<until>\d{4}-\d{2}-\d{2}))?$")
_SHORT_DAYS = {"mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "thu": "thursday",
               "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday"}
MAX_OCCURRENCES = 53
DEFAULT_SERIES_SPAN = timedelta(days=91)


def is_series(text: str | None) -> bool:
    return bool(text) and _SERIES.match(" ".join(text.split()).lower()) is not None


def parse_series(text: str | None, default_tz: str, now: datetime) -> Series:
    """"every Sat 22:00 for 4h", "second Sunday of each month 02:00 Europe/London for 3h until 2027-06-30": the
    occurrences after `now` until the date (inclusive; three months when none is given), at most 53."""
    example = "“every Sat 22:00 for 4h” or “second Sunday of each month 02:00 Europe/London for 3h until 2027-06-30”"
    norm = _prepare(text, "a recurring window", example)
    m = _SERIES.match(norm)
    if m is None:
        raise _error("a recurring window", text or "", "say how often, the time, and for how long", example)
    rule, length_text = m.group("rule"), m.group("length")
    words = length_text.split()
    if len(words) > 1 and _lookup_zone(words[-1]):  # "for 4h Europe/London": the zone belongs to the rule
        rule, length_text = f"{rule} {words[-1]}", " ".join(words[:-1])
    rule = " ".join(_SHORT_DAYS.get(w, w) for w in rule.split())
    try:
        recurrence = parse_recurrence(rule, default_tz, now.astimezone(ZoneInfo(default_tz)).date())
    except ParseError as err:
        raise _error("a recurring window", text or "", err.reason or "say how often and at what time", example) from None
    try:
        duration = parse_duration(length_text)
    except ParseError:
        raise _error("a recurring window", text or "", f"“{length_text}” is not a length of time", example) from None
    if duration.business or duration.business_days or duration.minutes <= 0:
        raise _error("a recurring window", text or "", "give the length in clock time, like “4h”", example)
    zone = ZoneInfo(recurrence.timezone)
    if m.group("until"):
        try:
            last = date.fromisoformat(m.group("until"))
        except ValueError:
            raise _error("a recurring window", text or "", f"“{m.group('until')}” is not a date", example) from None
        until = datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    else:
        until = now + DEFAULT_SERIES_SPAN
    starts = tuple(s for s in occurrences(recurrence, now, MAX_OCCURRENCES) if s < until)
    if not starts:
        raise _error("a recurring window", text or "", "no window falls before its end", example)
    return Series(starts, timedelta(minutes=duration.minutes), recurrence.timezone,
                  f"{recurrence.description}, for {length_text}")


def _full(short: str) -> str:
    return {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
            "sat": "saturday", "sun": "sunday"}[short]


def format_window(span: Span, tz: str | None = None) -> str:
    """"Sat 5 Dec 2026 10:00–14:00 Europe/London"; overnight, the end's day: "Sat 5 Dec 2026 22:00 – Sun 02:00 …";
    a day or longer, the end's date too."""
    zone_name = tz or span.tz
    zone = ZoneInfo(zone_name)
    a, b = span.start.astimezone(zone), span.end.astimezone(zone)
    head = f"{a:%a} {a.day} {a:%b %Y %H:%M}"
    if b - a >= timedelta(days=1):
        return f"{head} – {b:%a} {b.day} {b:%b %Y %H:%M} {zone_name}"
    if b.date() != a.date():  # past midnight: say the day it ends
        return f"{head} – {b:%a %H:%M} {zone_name}"
    return f"{head}–{b:%H:%M} {zone_name}"


def reads_the_same(span: Span, tz: str) -> bool:
    """Whether the span shows the same days and clock times in zone `tz` as in its own (UTC and Europe/London in
    winter): then saying it again "in your time" only repeats it under another zone's name."""
    def clock(zone: str) -> tuple:
        return tuple(t.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for t in (span.start, span.end))
    return clock(tz) == clock(span.tz)


def format_length(length: timedelta) -> str:
    """A window's length in whole minutes: "4 h", "1 h 30 m", "45 m"."""
    hours, minutes = divmod(round(length.total_seconds() / 60), 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} m" if minutes else "") if part) or "0 m"
