"""Recurrences ("second Tuesday of each month at 10:00 Europe/London") and reminder offsets ("5 working days, 1 day").

A recurrence is kept as an RFC 5545 rule over LOCAL wall time plus the zone it is meant in, never as UTC instants:
a review at 10:00 in London is at 10:00 in London in summer (09:00 UTC) and in winter (10:00 UTC). `occurrences`
expands the rule in wall time with dateutil, and only then gives each occurrence its zone.

Every phrase is read into one canonical rule, and the description printed back is a phrase this module reads into
the same rule, so what people see is what is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from bot.parsing._common import ParseError, _error, _prepare

_RECURRENCE = "how often reviews happen"
_RECURRENCE_EXAMPLE = ("monthly, quarterly, every 2 weeks, annually, “second Tuesday of each month at 10:00 "
                       "Europe/London”, “last Friday of every month 14:00”, or an RRULE:FREQ=… rule")
DEFAULT_TIME = time(10, 0)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WORKING_DAYS = "MO,TU,WE,TH,FR"
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_QUARTER_MONTHS = "1,4,7,10"
_EVERY = r"(?:each|every|the)"
# A review more often than daily is not a review; a rule that never fires within this long is a mistake.
_HORIZON = timedelta(days=5 * 366)


@dataclass(frozen=True)
class Recurrence:
    rrule: str                # "FREQ=MONTHLY;BYDAY=+2TU": over local wall time, without DTSTART
    dtstart_local: datetime   # naive, local wall time: the first day the rule counts from, at the review's time
    timezone: str             # IANA zone the wall times are in
    description: str          # the words people read; parse_recurrence reads them back into the same rule

    @property
    def at(self) -> time:
        return self.dtstart_local.time()

    def rule(self) -> rrule:
        return rrulestr(self.rrule, dtstart=self.dtstart_local)


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()} | {"utc": "UTC"}


_TIME = re.compile(r"(?:\bat\s+)?\b(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2}))?\s*(?P<ampm>am|pm)?(?=\s|$)")
_ZONE = re.compile(r"(?:\bin\s+)?(?P<zone>\b[a-z_]+(?:/[a-z0-9_+-]+)+|\butc)\s*$")


def parse_recurrence(text: str | None, default_tz: str, start: date) -> Recurrence:
    """Read how often reviews happen. `default_tz` is the zone when none is typed; `start` is the day the rule counts
    from (today, for a new proposal): an every-2-weeks rule alternates from that week."""
    norm = _prepare(text, _RECURRENCE, _RECURRENCE_EXAMPLE)

    def fail(reason: str) -> ParseError:
        return _error(_RECURRENCE, text or "", reason, _RECURRENCE_EXAMPLE)

    zone_name = default_tz
    found = _ZONE.search(norm)
    if found:
        zone_name = _zones().get(found.group("zone"))
        if zone_name is None:
            raise fail(f"I don't know the time zone “{found.group('zone')}” (use a name like Europe/London)")
        norm = norm[:found.start()].strip()
    try:
        ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"I don't know the time zone “{zone_name}”") from None

    if norm.startswith("rrule:") or norm.startswith("freq="):
        return _raw_rule(norm.removeprefix("rrule:"), zone_name, start, fail)

    at = DEFAULT_TIME
    timed = [m for m in _TIME.finditer(norm) if m.group("m") or m.group("ampm") or m.group(0).startswith("at")]
    if len(timed) > 1:
        raise fail("give one time of day")
    if timed:
        at = _clock(timed[0], fail)
        norm = (norm[:timed[0].start()] + " " + norm[timed[0].end():]).strip()
    norm = " ".join(norm.replace(",", " ").split())
    rule = _phrase(norm, fail)
    recurrence = _make(rule, datetime.combine(start, at), zone_name)
    _check_fires(recurrence, fail)
    return recurrence


def _clock(m: re.Match, fail) -> time:
    hour, minute, ampm = int(m.group("h")), int(m.group("m") or 0), m.group("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            raise fail("with am or pm the hour is 1 to 12")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise fail("a time of day is 00:00 to 23:59")
    return time(hour, minute)


def _phrase(norm: str, fail) -> str:
    """The canonical rule (without DTSTART) for the words, or a ParseError."""
    simple = {"monthly": f"FREQ=MONTHLY;BYDAY={_WORKING_DAYS};BYSETPOS=1",
              "quarterly": f"FREQ=MONTHLY;BYMONTH={_QUARTER_MONTHS};BYDAY={_WORKING_DAYS};BYSETPOS=1",
              "weekly": "FREQ=WEEKLY;BYDAY=MO", "fortnightly": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"}
    for word in ("every month", "each month"):
        simple[word] = simple["monthly"]
    for word in ("every quarter", "each quarter"):
        simple[word] = simple["quarterly"]
    for word in ("every week", "each week"):
        simple[word] = simple["weekly"]
    if norm in simple:
        return simple[norm]
    m = re.fullmatch(r"(?:annually|yearly|every year|each year)(?: in (?P<month>[a-z]+))?", norm)
    if m:
        month = m.group("month") or "january"
        if month not in _MONTHS:
            raise fail(f"“{month}” is not a month")
        return f"FREQ=YEARLY;BYMONTH={_MONTHS.index(month) + 1};BYDAY={_WORKING_DAYS};BYSETPOS=1"
    m = re.fullmatch(r"(?:every|each)(?: (?P<n>[0-9]+))? weeks?(?: on (?P<day>[a-z]+))?|every (?P<only>[a-z]+?)s?", norm)
    if m:
        day = m.group("day") or m.group("only") or "monday"
        if day not in _WEEKDAYS:
            raise fail(f"“{day}” is not a day of the week")
        n = int(m.group("n") or 1)
        if not 1 <= n <= 52:
            raise fail("a review every 1 to 52 weeks")
        return f"FREQ=WEEKLY;{f'INTERVAL={n};' if n > 1 else ''}BYDAY={_RRULE_DAYS[_WEEKDAYS.index(day)]}"
    m = re.fullmatch(r"every (?P<n>[0-9]+) months?", norm)
    if m:
        n = int(m.group("n"))
        if not 1 <= n <= 24:
            raise fail("a review every 1 to 24 months")
        return f"FREQ=MONTHLY;{f'INTERVAL={n};' if n > 1 else ''}BYDAY={_WORKING_DAYS};BYSETPOS=1"
    m = re.fullmatch(rf"(?:on )?(?:the )?(?P<nth>[a-z0-9]+) (?P<day>[a-z]+) (?:day )?(?:of|in) {_EVERY} (?P<unit>month|quarter|year)", norm)
    if m:
        nth, day, unit = m.group("nth"), m.group("day"), m.group("unit")
        if nth not in _ORDINALS:
            raise fail(f"“{nth}” is not first, second, third, fourth or last")
        where = {"month": "FREQ=MONTHLY", "quarter": f"FREQ=MONTHLY;BYMONTH={_QUARTER_MONTHS}",
                 "year": "FREQ=YEARLY"}[unit]
        if day in ("working", "weekday", "business"):
            return f"{where};BYDAY={_WORKING_DAYS};BYSETPOS={_ORDINALS[nth]}"
        if day in ("day", "date"):
            if unit != "month" or nth not in ("first", "1st", "last"):
                raise fail("say the first or last day of each month, or a date such as the 15th")
            return f"FREQ=MONTHLY;BYMONTHDAY={_ORDINALS[nth]}"
        if day not in _WEEKDAYS:
            raise fail(f"“{day}” is not a day of the week")
        return f"{where};BYDAY={_ORDINALS[nth]:+d}{_RRULE_DAYS[_WEEKDAYS.index(day)]}"
    m = re.fullmatch(rf"(?:on )?(?:the )?(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)? (?:of|in) {_EVERY} month", norm)
    if m:
        d = int(m.group("d"))
        if not 1 <= d <= 28:
            raise fail("not every month has that day: choose a day from 1 to 28, or say “last day of each month”")
        return f"FREQ=MONTHLY;BYMONTHDAY={d}"
    raise fail("those are not words for a schedule I know")


def _raw_rule(body: str, zone_name: str, start: date, fail) -> Recurrence:
    """An RFC 5545 rule typed as it is: kept as typed (upper-cased), its time from BYHOUR/BYMINUTE or 10:00."""
    body = body.strip().upper().replace(" ", "")
    if "DTSTART" in body or "\n" in body:
        raise fail("give the rule alone (RRULE:FREQ=…); the time goes in BYHOUR and BYMINUTE, the zone after it")
    parts = dict(p.partition("=")[::2] for p in body.split(";") if p)
    hour, minute = parts.get("BYHOUR"), parts.get("BYMINUTE")
    try:
        at = time(int(hour) if hour and hour.isdigit() else 10, int(minute) if minute and minute.isdigit() else 0)
        rule = rrulestr(body, dtstart=datetime.combine(start, at))
    except (ValueError, TypeError) as err:
        raise fail(f"that is not a rule I can read ({str(err)[:80]})") from None
    if getattr(rule, "_freq", YEARLY) not in (YEARLY, MONTHLY, WEEKLY, DAILY):
        raise fail("a review happens at most once a day")
    if parts.get("BYSECOND") or (hour and not hour.isdigit()) or (minute and not minute.isdigit()):
        raise fail("give the review one time of day (one BYHOUR and one BYMINUTE, no BYSECOND)")
    recurrence = Recurrence(body, datetime.combine(start, at), zone_name, f"RRULE:{body} {zone_name}")
    _check_fires(recurrence, fail)
    return recurrence


def _make(rule: str, dtstart_local: datetime, zone_name: str) -> Recurrence:
    return Recurrence(rule, dtstart_local, zone_name, describe(rule, dtstart_local.time(), zone_name))


def _check_fires(recurrence: Recurrence, fail) -> None:
    start = recurrence.dtstart_local
    if not recurrence.rule().between(start, start + _HORIZON, inc=True):
        raise fail("that rule never happens in the next five years")


def describe(rule: str, at: time, zone_name: str) -> str:
    """The words for a canonical rule (parse_recurrence reads them back into it)."""
    parts = dict(p.partition("=")[::2] for p in rule.split(";"))
    when = f"at {at:%H:%M} {zone_name}"
    freq, interval = parts.get("FREQ"), int(parts.get("INTERVAL", "1"))
    byday, setpos, months = parts.get("BYDAY", ""), parts.get("BYSETPOS"), parts.get("BYMONTH")
    unit = "quarter" if months == _QUARTER_MONTHS and freq == "MONTHLY" else "month" if freq == "MONTHLY" else "year"
    if freq == "WEEKLY" and byday in _RRULE_DAYS:
        day = _WEEKDAYS[_RRULE_DAYS.index(byday)].capitalize()
        return f"every {f'{interval} weeks' if interval > 1 else 'week'} on {day} {when}"
    if byday == _WORKING_DAYS and setpos == "1" and interval == 1 and (unit != "year" or not months):
        return f"first working day of each {unit} {when}"
    if byday == _WORKING_DAYS and setpos == "1" and freq == "YEARLY" and months and months.isdigit():
        return f"annually in {_MONTHS[int(months) - 1].capitalize()} {when}"
    if byday == _WORKING_DAYS and setpos == "1" and freq == "MONTHLY" and not months:
        return f"every {interval} months {when}"
    if byday == _WORKING_DAYS and setpos in ("1", "2", "3", "4", "-1") and interval == 1:
        return f"{_ORDINAL_WORDS[int(setpos)]} working day of each {unit} {when}"
    m = re.fullmatch(r"([+-]?[0-9])([A-Z]{2})", byday)
    if m and interval == 1 and int(m.group(1)) in _ORDINAL_WORDS:
        day = _WEEKDAYS[_RRULE_DAYS.index(m.group(2))].capitalize()
        return f"{_ORDINAL_WORDS[int(m.group(1))]} {day} of each {unit} {when}"
    monthday = parts.get("BYMONTHDAY")
    if freq == "MONTHLY" and monthday == "-1":
        return f"last day of each month {when}"
    if freq == "MONTHLY" and monthday == "1":
        return f"first day of each month {when}"
    if freq == "MONTHLY" and monthday and monthday.isdigit():
        return f"{monthday}th of each month {when}".replace("1th", "1st").replace("2th", "2nd").replace("3th", "3rd") \
            .replace("11st", "11th").replace("12nd", "12th").replace("13rd", "13th")
    return f"RRULE:{rule} {zone_name}"


def occurrences(recurrence: Recurrence, after: datetime, count: int) -> list[datetime]:
    """The next `count` occurrences strictly after `after` (aware), as aware UTC datetimes.

    The rule runs over wall time; each wall time then gets the zone's offset of that day, so 10:00 stays 10:00
    across a daylight-saving change. A wall time that does not exist that day (in the hour the clocks skip) is
    read as the same number of minutes after the change, as zoneinfo does."""
    if after.tzinfo is None:
        raise ValueError("`after` must be time-zone aware")
    zone = ZoneInfo(recurrence.timezone)
    # Start a day early in wall time (an offset is under a day), then keep only what is after `after` in UTC.
    local_after = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    found: list[datetime] = []
    rule = recurrence.rule()
    for wall in rule.xafter(local_after, inc=True):
        instant = wall.replace(tzinfo=zone).astimezone(timezone.utc)
        if instant > after:
            found.append(instant)
            if len(found) >= count:
                break
        if wall - local_after > _HORIZON * 4:  # a rule that stops firing: do not walk to the year 9999
            break
    return found


# --------------------------------------------------------------------------
# Reminder offsets: "5 working days, 1 day, 2 hours"
# --------------------------------------------------------------------------

_OFFSETS = "when reminders go out"
_OFFSETS_EXAMPLE = "5 working days, 1 day, 2 hours"
_OFFSET_UNITS = "working days, days, hours or minutes"
_OFFSET = re.compile(r"(?P<n>[0-9]+)\s*(?P<unit>working days?|business days?|days?|d|weeks?|w|hours?|hrs?|h|minutes?|mins?)")
_OFFSET_LIMITS = {"working day": 60, "day": 90, "hour": 24 * 14, "minute": 24 * 60}
MAX_OFFSETS = 5


@dataclass(frozen=True)
class Offset:
    amount: int
    unit: str  # "working day", "day", "hour", "minute"

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    def approx_minutes(self) -> float:
        """For ordering only: a working day counts as 1.4 days (five of them are about a week)."""
        return self.amount * {"working day": 1.4 * 1440, "day": 1440, "hour": 60, "minute": 1}[self.unit]


def parse_offsets(text: str | None) -> list[str]:
    """Read how long before a review each reminder goes: canonical words, longest first, each once.
    "none" means no reminders."""
    norm = _prepare(text, _OFFSETS, _OFFSETS_EXAMPLE)
    if norm in ("none", "no reminders", "never"):
        return []
    out: list[Offset] = []
    for piece in re.split(r"\s*(?:,|;|\band\b|\+)\s*", norm.replace(" before", "")):
        if not piece:
            continue
        m = _OFFSET.fullmatch(piece)
        if not m:
            raise _error(_OFFSETS, text or "", f"I couldn't read “{piece}” (say a number and {_OFFSET_UNITS})",
                         _OFFSETS_EXAMPLE)
        out.append(read_offset(f"{m.group('n')} {m.group('unit')}", text or ""))
    if len(set(out)) > MAX_OFFSETS:
        raise _error(_OFFSETS, text or "", f"at most {MAX_OFFSETS} reminders", _OFFSETS_EXAMPLE)
    return [str(o) for o in sorted(set(out), key=Offset.approx_minutes, reverse=True)]


def read_offset(words: str, typed: str | None = None, *, kind: str = _OFFSETS, units: str = _OFFSET_UNITS,
                example: str = _OFFSETS_EXAMPLE) -> Offset:
    """One offset from its words ("5 working days"); canonical words read back to the same Offset. A caller that
    takes only some units says which (`units`, in words) and gives an example of those, for the refusal."""
    m = _OFFSET.fullmatch(" ".join(words.lower().split()))
    if not m:
        raise _error(kind, typed or words, f"say a number and {units}", example)
    n, unit = int(m.group("n")), m.group("unit").rstrip("s")
    if unit in ("working day", "business day"):
        unit = "working day"
    elif unit in ("day", "d"):
        unit = "day"
    elif unit in ("week", "w"):
        n, unit = n * 7, "day"
    elif unit in ("hour", "hr", "h"):
        unit = "hour"
    else:
        unit = "minute"
    if not 1 <= n <= _OFFSET_LIMITS[unit]:
        raise _error(kind, typed or words, f"from 1 to {_OFFSET_LIMITS[unit]} {unit}s", example)
    return Offset(n, unit)
