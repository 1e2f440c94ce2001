"""Durations: "4h", "30 min", "2 business days", read into exact minutes or business days."""
from __future__ import annotations

import re
from dataclasses import dataclass

from decimal import ROUND_HALF_UP, Decimal

from bot.parsing._common import ParseError, _error, _plain, _prepare, _to_decimal

# --------------------------------------------------------------------------
# Durations
# --------------------------------------------------------------------------

_DURATION = "a duration"
_DURATION_EXAMPLE = "4h, 30 min or 2 business days"

_MIN_PER_HOUR = 60
_MIN_PER_DAY = 24 * 60
_MIN_PER_WEEK = 7 * _MIN_PER_DAY
# A year (leap or not) is the longest target that makes sense for an SLA;
# anything beyond is almost certainly a typo ("4000h" for "40h").
_MAX_DAYS = 366
_MAX_MINUTES = _MAX_DAYS * _MIN_PER_DAY


@dataclass(frozen=True)
class Duration:
    """A target such as a response or resolution time.

    Either a number of minutes (clock time, or business time when
    ``business`` is set) or a whole number of business days. Business days
    are kept as days rather than converted to minutes because their length
    depends on the service calendar, which this module does not know.
    """

    minutes: int = 0  # clock-time length in whole minutes (used unless business_days is set)
    business_days: int = 0  # whole working days of the service calendar; when >0, minutes == 0
    business: bool = False  # True: counted only inside service hours ("4 business hours", "2 business days")

    def __post_init__(self) -> None:
        # Guard against programming errors; users get ParseError from parse_duration.
        for name in ("minutes", "business_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Duration.{name} must be a non-negative int, got {value!r}")
        if self.business_days and (self.minutes or not self.business):
            raise ValueError("a Duration with business_days must have minutes == 0 and business=True")

    def total_seconds(self) -> int:
        """Length in seconds (business time for business-hour durations).

        Business days have no fixed length without the service calendar, so
        asking for their seconds is an error rather than a silent guess.
        """
        if self.business_days:
            raise ValueError("business-day durations have no fixed length in seconds; use the service calendar")
        return self.minutes * 60

    def __str__(self) -> str:
        return format_duration(self)


# Units people type, mapped to minutes per unit. Business-only units are
# handled separately because they switch the whole duration to business time.
_DURATION_UNITS: dict[str, int] = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), _MIN_PER_HOUR),
    **dict.fromkeys(("d", "day", "days"), _MIN_PER_DAY),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), _MIN_PER_WEEK),
}
_BUSINESS_HOUR_UNITS = {"bh", "bhr", "bhrs"}
_BUSINESS_DAY_UNITS = {"bd"}
_SECOND_UNITS = {"s", "sec", "secs", "second", "seconds", "ms", "msec", "millisecond", "milliseconds"}
_MONTH_UNITS = {"mo", "mos", "mth", "mths", "month", "months"}
_YEAR_UNITS = {"y", "yr", "yrs", "year", "years"}

_QUALIFIER = r"(?:business|working)"
_DUR_COMPONENT = re.compile(
    rf"(?P<num>[0-9]+(?:[.,][0-9]+)*)\s*(?P<qual>{_QUALIFIER}\b[\s-]*)?(?P<unit>[a-z]+)?"
)
# "2h 30m business", "business time" and friends: a standalone qualifier.
_DUR_QUALIFIER = re.compile(rf"{_QUALIFIER}(?:[\s-]+(?:time|hours))?\b")
_DUR_SEPARATOR = re.compile(r"(?:,|\+|&|and\b)")


def parse_duration(text: str) -> Duration:
    """Read a duration such as "4h", "1h 30min", "4 business hours" or "2 working days".

    Case and whitespace are flexible and components may be combined
    ("1h30m", "1 hour and 30 minutes"). A "business"/"working" qualifier
    anywhere (or the "bh"/"bd" abbreviations) makes the whole duration
    business time. Seconds, months and years are refused on purpose: seconds
    are too fine for SLAs and months/years have no fixed length.
    """
    norm = _prepare(text, _DURATION, _DURATION_EXAMPLE)

    def fail(reason: str, example: str = _DURATION_EXAMPLE) -> ParseError:
        return _error(_DURATION, text, reason, example)

    if norm.startswith("-"):
        raise fail("a duration can't be negative")

    business = False
    calendar_minutes = Decimal(0)  # hours/minutes/days/weeks, in minutes
    business_days = Decimal(0)
    saw_component = False
    saw_minutes_unit = False
    saw_business_days = False
    saw_week = False

    pos = 0
    while pos < len(norm):
        if norm[pos] == " ":
            pos += 1
            continue
        m = _DUR_COMPONENT.match(norm, pos)
        if m:
            num, unit = m.group("num"), m.group("unit")
            value = _to_decimal(num)
            if value is None:
                raise fail(f'"{num}" is not a number I can read')
            if m.group("qual"):
                business = True
            if unit is None:
                if m.group("qual"):
                    raise fail(
                        f'"{num} {m.group("qual").strip(" -")}" needs a unit: hours or days',
                        f"{num} business hours or {num} business days",
                    )
                if value == 0:  # "0 min" would be refused too: say what is wrong with it
                    raise fail("a duration must be longer than zero")
                raise fail("a number on its own is ambiguous, so please add a unit", f"{num} min or {num}h")
            if unit in _SECOND_UNITS:
                raise fail("seconds are too fine-grained for service levels, so please use minutes", "1 min or 30 min")
            if unit in _MONTH_UNITS or unit in _YEAR_UNITS:
                raise fail("months and years vary in length, so please use days or weeks", "30d or 52 weeks")
            saw_component = True
            if unit in _BUSINESS_HOUR_UNITS:
                business = True
                calendar_minutes += value * _MIN_PER_HOUR
                saw_minutes_unit = True
            elif unit in _BUSINESS_DAY_UNITS:
                business = True
                business_days += value
                saw_business_days = True
            elif unit in _DURATION_UNITS:
                per = _DURATION_UNITS[unit]
                if per == _MIN_PER_DAY:
                    # Days are calendar days unless the duration turns out to be
                    # business time; decided after the whole text is read.
                    business_days += value
                    saw_business_days = True
                else:
                    calendar_minutes += value * per
                    saw_minutes_unit = True
                    saw_week = saw_week or per == _MIN_PER_WEEK
            else:
                raise fail(f'I don\'t know the unit "{unit}"; use minutes, hours, days or weeks')
            pos = m.end()
            continue
        m = _DUR_QUALIFIER.match(norm, pos) or _DUR_SEPARATOR.match(norm, pos)
        if m:
            if m.re is _DUR_QUALIFIER:
                business = True
            pos = m.end()
            continue
        fragment = norm[pos:].split(" ", 1)[0]
        if fragment.startswith("-"):
            raise fail("a duration can't be negative")
        if fragment == norm:  # the whole of it: the sentence has quoted it already
            raise fail("start with a number followed by a unit")
        raise fail(f'I don\'t understand "{fragment}"; start with a number followed by a unit')

    if not saw_component:
        raise fail("it needs a number and a unit")

    if business:
        if saw_week:
            raise fail("business weeks depend on the service calendar, so please use business days", "5 business days")
        if saw_business_days and saw_minutes_unit:
            raise fail(
                "business days can't be mixed with hours or minutes; use one or the other",
                "2 business days or 20 business hours",
            )
        if saw_business_days:
            if business_days != business_days.to_integral_value():
                raise fail(
                    "business days must be whole; for part of a day use business hours",
                    "2 business days or 12 business hours",
                )
            if business_days == 0:
                raise fail("a duration must be longer than zero")
            if business_days > _MAX_DAYS:
                raise fail(f"that is more than {_MAX_DAYS} business days, the longest duration we accept", "30 business days")
            return Duration(business_days=int(business_days), business=True)
        total = calendar_minutes
    else:
        total = calendar_minutes + business_days * _MIN_PER_DAY

    if total == 0:
        raise fail("a duration must be longer than zero")
    if total > _MAX_MINUTES:
        raise fail(f"that is longer than {_MAX_DAYS} days, the longest duration we accept", "30d")
    if total != total.to_integral_value():
        # SLA clocks tick in minutes; silently rounding "0.01h" would store a
        # different target from the one the user typed.
        nearest = max(1, int(total.to_integral_value(rounding=ROUND_HALF_UP)))
        raise fail(
            f"that comes to {_plain(total)} minutes, and durations must be a whole number of minutes",
            format_duration(Duration(minutes=nearest, business=business)),
        )
    return Duration(minutes=int(total), business=business)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_duration(d: Duration) -> str:
    """Print the canonical form of a duration.

    Calendar time uses the short form: whole weeks as "1w", whole days as
    "2d", anything else as hours and minutes ("1h 30m", "25h", "30m").
    Business time is spelled out so it cannot be mistaken for clock time:
    "2 business days", "4 business hours", "30 business minutes" and, for
    mixed hours and minutes, "1h 30m business". Business hours never fold
    into days, because a business day's length depends on the calendar.
    """
    if d.business_days:
        return _plural(d.business_days, "business day")
    m = d.minutes
    if d.business:
        if m % _MIN_PER_HOUR == 0 and m:
            return _plural(m // _MIN_PER_HOUR, "business hour")
        if m < _MIN_PER_HOUR:
            return _plural(m, "business minute")
        return f"{m // _MIN_PER_HOUR}h {m % _MIN_PER_HOUR}m business"
    if m and m % _MIN_PER_WEEK == 0:
        return f"{m // _MIN_PER_WEEK}w"
    if m and m % _MIN_PER_DAY == 0:
        return f"{m // _MIN_PER_DAY}d"
    hours, minutes = divmod(m, _MIN_PER_HOUR)
    if hours and minutes:
        return f"{hours}h {minutes}m"
    if hours:
        return f"{hours}h"
    return f"{minutes}m"


# ---- comparing durations ----------------------------------------------------------------------------
# Pure comparisons of what was read, shared by requirements (an interview's answers) and agreements (a target
# against what was asked), so that neither has to import the other for them.
def duration_within(promised: Duration, asked: Duration) -> bool | None:
    """Does a clock of `promised` finish no later than one of `asked`? None: the calendar would have to say."""
    if promised.business_days or asked.business_days:
        if promised.business_days and asked.business_days:
            return promised.business_days <= asked.business_days
        return None
    if promised.business == asked.business:
        return promised.minutes <= asked.minutes
    if not promised.business:  # clock time against business time: clock time runs at least as fast
        return True if promised.minutes <= asked.minutes else None
    return False if promised.minutes > asked.minutes else None  # business time is never shorter than clock time


def response_after_resolution(level: str, response: str | None, resolution: str | None) -> str | None:
    """Why a response time longer than the resolution time of the same priority is refused; None when in order."""
    if not response or not resolution:
        return None
    try:
        in_order = duration_within(parse_duration(response), parse_duration(resolution))
    except ParseError:
        return None
    if in_order is False:
        return (f"A {level} response of {response} would come after the {level} resolution of {resolution}: "
                "a ticket is responded to before it is resolved.")
    return None
