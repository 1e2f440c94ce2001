"""Reading what people type into Slack modal fields.

Service level targets arrive as free text ("4 business hours", "99,9 %",
"Mon-Fri 9am-5pm America/New_York"), so this module turns that text into
exact values, prints values back in one canonical spelling, and, when it
cannot read something, raises :class:`ParseError` whose message is a full
sentence for the user that names what they typed and shows an example that
works.

Rules every parser here follows:

* ``parse_x(format_x(v)) == v`` for every valid value ``v`` (the tests check
  this with Hypothesis), so the canonical form can be echoed back to the user
  and stored safely.
* On any ``str`` input the parsers raise nothing but :class:`ParseError`
  (``None``, as Slack sends for an empty optional field, counts as empty).
* Numbers are exact (``int``/``Decimal``); floats never appear, because an
  SLA of 99.9% must not become 99.90000000000001%.

This module is deliberately pure: standard library plus ``zoneinfo`` only, no
Slack, database or project imports, so it can be used (and tested) anywhere.
"""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "ParseError",
    "Duration",
    "parse_duration",
    "format_duration",
    "parse_percentage",
    "format_percentage",
    "ServiceHours",
    "parse_service_hours",
    "format_service_hours",
    "Quantity",
    "parse_quantity",
    "format_quantity",
]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class ParseError(ValueError):
    """A value the user typed that we could not read.

    ``str(err)`` is a full sentence for the user, naming what was typed and
    giving an example of what works, so handlers can show it verbatim as the
    modal field error.

    Attributes:
        example: an example that works, e.g. ``"4h, 30 min or 2 business days"``.
        text: what the user typed (unmodified).
        reason: the short explanation inside the message (useful for logs).
    """

    example: str

    def __init__(self, message: str, *, example: str = "", text: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.example = example
        self.text = text
        self.reason = reason


# Long or binary input would make the messages unreadable; Slack modal fields
# are short, so anything longer is certainly not something we can read.
_MAX_INPUT = 200
_MAX_SERVICE_HOURS_INPUT = 500
_SHOWN_MAX = 60


def _shown(text: str) -> str:
    """The user's text as we quote it back: printable, one line, not too long."""
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > _SHOWN_MAX:
        cleaned = cleaned[: _SHOWN_MAX - 1] + "…"
    return cleaned


def _error(kind: str, text: str, reason: str, example: str) -> ParseError:
    """Build the user-facing error: what was typed, why it failed, an example."""
    shown = _shown(text)
    if shown:
        message = f'I couldn\'t read "{shown}" as {kind}: {reason}. For example: {example}'
    else:
        message = f"Please enter {kind}. For example: {example}"
    return ParseError(message, example=example, text=text, reason=reason)


def _prepare(text: str | None, kind: str, example: str, limit: int = _MAX_INPUT) -> str:
    """Lower-case, collapse all (incl. non-breaking) whitespace, check length.

    Slack and phones happily insert NBSPs, en dashes and the real minus sign,
    so those are mapped to their ASCII counterparts before matching.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > limit:
        raise _error(kind, text, f"that is too long (over {limit} characters)", example)
    norm = " ".join(text.split()).lower()
    norm = norm.translate(_DASHES)
    if not norm:
        raise _error(kind, "", "", example)
    return norm


_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

_MAX_DIGITS = 20  # far beyond any real SLA figure; keeps Decimal maths exact
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_THOUSANDS_DEC = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+")


def _to_decimal(num: str, *, comma_is_decimal: bool = False) -> Decimal | None:
    """Read a plain decimal number typed by a person; None if malformed.

    Commas are ambiguous: "1,200" is a thousands separator to most English
    speakers while "99,9" is a decimal comma in much of Europe. Unless the
    caller knows better (percentages never exceed 100, so there a comma is
    always decimal), a comma followed by exact groups of three digits is a
    thousands separator, and a single other comma is a decimal comma.
    """
    if sum(c.isdigit() for c in num) > _MAX_DIGITS:
        return None
    if comma_is_decimal:
        if num.count(",") + num.count(".") > 1:
            return None
        num = num.replace(",", ".")
    elif "," in num and "." in num:
        if not _THOUSANDS_DEC.fullmatch(num):
            return None
        num = num.replace(",", "")
    elif "," in num:
        if _THOUSANDS.fullmatch(num):
            num = num.replace(",", "")
        elif num.count(",") == 1:
            num = num.replace(",", ".")
        else:
            return None
    elif num.count(".") > 1:
        return None
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+", num):
        return None
    try:
        return Decimal(num)
    except InvalidOperation:  # pragma: no cover - guarded by the regex above
        return None


def _plain(d: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form (100 not 1E+2)."""
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return d


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


# --------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------

_PERCENTAGE = "a percentage"
_PERCENTAGE_EXAMPLE = "99.9%"
_PERCENT_PLACES = 4  # 99.9999% is already ~3 s of downtime a month

_PERCENT_RE = re.compile(
    r"(?P<sign>[-+])?\s*(?P<num>[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*(?P<pct>%|percent|per\s?cent|pct)?"
)


def parse_percentage(text: str) -> Decimal:
    """Read a percentage such as "99.9%", "99,9 %", "100" or "95 percent".

    Returns a Decimal with 0 < p <= 100 and at most four decimal places.
    A comma is always a decimal comma here (values never exceed 100). A bare
    number of 1 or less ("0.999") is refused because it could be a fraction
    meaning 99.9% or a tiny percentage; the user must say which.
    """
    norm = _prepare(text, _PERCENTAGE, _PERCENTAGE_EXAMPLE)

    def fail(reason: str, example: str = _PERCENTAGE_EXAMPLE) -> ParseError:
        return _error(_PERCENTAGE, text, reason, example)

    m = _PERCENT_RE.fullmatch(norm)
    value = _to_decimal(m.group("num"), comma_is_decimal=True) if m else None
    if m is None or value is None:
        raise fail("that isn't a number I can read as a percentage")
    if m.group("sign") == "-" and value != 0:
        raise fail("a percentage target can't be negative")
    if value == 0:
        raise fail("a percentage target must be more than 0%")
    if value > 100:
        raise fail("a percentage can't be more than 100%", "99.9% or 100%")
    if not m.group("pct") and value <= 1:
        as_percent = _plain(value * 100)
        if -as_percent.as_tuple().exponent <= _PERCENT_PLACES:  # type: ignore[operator]
            suggestion = format_percentage(as_percent)
            raise fail(
                f"a bare number of 1 or less is ambiguous. Did you mean {suggestion}? "
                f"If you really mean {_plain(value)} percent, type {_plain(value)}%",
                suggestion,
            )
        raise fail("a bare number of 1 or less is ambiguous; please add a % sign")
    value = _plain(value)
    if -value.as_tuple().exponent > _PERCENT_PLACES:  # type: ignore[operator]
        shorter = value.quantize(Decimal(1).scaleb(-_PERCENT_PLACES), rounding=ROUND_DOWN)
        raise fail(f"please use at most {_PERCENT_PLACES} decimal places", format_percentage(shorter))
    return value


def format_percentage(p: Decimal) -> str:
    """Print a percentage without trailing zeros: Decimal("99.90") -> "99.9%"."""
    if not isinstance(p, Decimal):
        p = Decimal(str(p))
    return f"{_plain(p):f}%"


# --------------------------------------------------------------------------
# Service hours
# --------------------------------------------------------------------------

_SERVICE_HOURS = "service hours"
_SERVICE_HOURS_EXAMPLE = "Mon-Fri 08:00-18:00 Europe/London"
_TZ_EXAMPLE_ZONE = "Europe/London"

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_WORDS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("monday", "mon"),
        ("tuesday", "tues", "tue"),
        ("wednesday", "weds", "wed"),
        ("thursday", "thurs", "thur", "thu"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    )
):
    for _n in _names:
        _DAY_WORDS[_n] = _i
_DAY_GROUPS = {
    "weekdays": (0, 1, 2, 3, 4),
    "weekday": (0, 1, 2, 3, 4),
    "weekends": (5, 6),
    "weekend": (5, 6),
    "daily": tuple(range(7)),
    "every day": tuple(range(7)),
    "everyday": tuple(range(7)),
}
# Longest names first so "tuesday" is not read as "tue" + "sday".
_DAY_ALT = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_DAY = rf"(?:{_DAY_ALT})s?(?![a-z])"  # "Mondays" reads as Monday
_DAY_RANGE_RE = re.compile(rf"(?P<a>{_DAY})\s*(?:-|to|through|thru)\s*(?P<b>{_DAY})")
_DAY_RE = re.compile(rf"(?P<a>{_DAY})")
_DAY_GROUP_RE = re.compile(
    r"(?P<g>" + "|".join(sorted(_DAY_GROUPS, key=len, reverse=True)).replace(" ", r"\s") + r")(?![a-z])"
)


def _time_pattern(p: str) -> str:
    return (
        rf"(?:(?P<{p}h>[0-9]{{1,2}})(?:[:.]?(?P<{p}m>[0-9]{{2}}))?"
        rf"(?:\s*(?P<{p}mer>a\.?m\.?|p\.?m\.?))?|(?P<{p}word>noon|midnight))"
    )


_TIME_RANGE_RE = re.compile(
    _time_pattern("s") + r"\s*(?:-|to|till|until)\s*" + _time_pattern("e") + r"(?![a-z0-9])"
)
_SEPARATOR_RE = re.compile(r"(?:,|;|&|:|\band\b)")
_24X7_RE = re.compile(r"24\s*[x×/*]\s*7")

_FULL_DAY = 24 * 60

# Words that may end a schedule, so a last token made of them is not a zone.
_SCHEDULE_WORDS = set(_DAY_WORDS) | {g for g in _DAY_GROUPS if " " not in g} | {
    "day",  # "every day"
    "am", "pm", "a.m.", "p.m.", "noon", "midnight", "and", "to", "till", "until", "through", "thru",
}


@functools.lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Lower-cased IANA zone name -> canonical spelling (users type "europe/london")."""
    names = {n.lower(): n for n in zoneinfo.available_timezones()}
    # Host-specific or placeholder entries are not real places.
    names.pop("localtime", None)
    names.pop("factory", None)
    names.setdefault("utc", "UTC")
    return names


def _lookup_zone(name: str) -> str | None:
    """Canonical IANA name for ``name`` (any case), or None if not a known zone."""
    found = _zone_names().get(name.lower())
    if found:
        return found
    # Fallback for systems whose tz database lists nothing: only well-formed
    # keys are tried, so arbitrary input never reaches the file system.
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", name):
        try:
            zoneinfo.ZoneInfo(name)
        except Exception:
            return None
        return name
    return None


def _zone_hint(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), list(_zone_names()), n=1, cutoff=0.75)
    return _zone_names()[close[0]] if close else _TZ_EXAMPLE_ZONE


def _fmt_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _to_minutes(t: time | None, *, end: bool) -> int:
    if t is None:
        if not end:
            raise ValueError("a window start can't be None")
        return _FULL_DAY
    return t.hour * 60 + t.minute


def _from_minutes(m: int) -> time | None:
    return None if m == _FULL_DAY else time(m // 60, m % 60)


@dataclass(frozen=True)
class ServiceHours:
    """The weekly hours in which a service is supported, in one time zone.

    ``windows`` is normalised on construction: sorted by (weekday, start),
    and windows on the same day that overlap or touch are merged into one,
    so two ServiceHours covering the same times compare equal. A window
    ending at midnight has ``end=None`` (24:00); overnight spans are stored
    as two windows on consecutive days.
    """

    tz: str  # IANA zone name, e.g. "Europe/London"
    windows: tuple[tuple[int, time, time | None], ...]  # (weekday 0=Mon..6=Sun, start, end); end None = 24:00

    def __post_init__(self) -> None:
        zone = _lookup_zone(self.tz) if isinstance(self.tz, str) else None
        if zone is None:
            raise ValueError(f"unknown time zone {self.tz!r}")
        per_day: dict[int, list[tuple[int, int]]] = {}
        for window in self.windows:
            day, start, end = window
            if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
                raise ValueError(f"weekday must be 0..6, got {day!r}")
            for t in (start, end):
                if t is not None and (not isinstance(t, time) or t.tzinfo or t.second or t.microsecond):
                    raise ValueError(f"window times must be naive whole-minute times, got {t!r}")
            s, e = _to_minutes(start, end=False), _to_minutes(end, end=True)
            if s >= e:
                raise ValueError(f"window start {start} must be before end {end} (use None for 24:00)")
            per_day.setdefault(day, []).append((s, e))
        if not per_day:
            raise ValueError("ServiceHours needs at least one window")
        normalised: list[tuple[int, time, time | None]] = []
        for day in sorted(per_day):
            for s, e in merge_spans(per_day[day]):
                normalised.append((day, time(s // 60, s % 60), _from_minutes(e)))
        object.__setattr__(self, "tz", zone)
        object.__setattr__(self, "windows", tuple(normalised))

    @property
    def is_24x7(self) -> bool:
        """True when every minute of the week is covered."""
        return self.windows == tuple((d, time(0, 0), None) for d in range(7))

    def contains(self, dt: datetime) -> bool:
        """Whether the instant ``dt`` falls inside service hours.

        ``dt`` must be timezone-aware: a naive datetime has no single instant
        and guessing would be wrong around DST changes. It is converted to
        this schedule's zone and compared by local wall-clock time, so
        "09:00-17:00 Europe/London" follows BST/GMT automatically.
        """
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError("ServiceHours.contains needs a timezone-aware datetime")
        local = dt.astimezone(zoneinfo.ZoneInfo(self.tz))
        day, now = local.weekday(), local.time()
        return any(d == day and start <= now and (end is None or now < end) for d, start, end in self.windows)

    def __str__(self) -> str:
        return format_service_hours(self)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of minute spans; touching spans (12:00-13:00, 13:00-14:00) join."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _read_time(m: re.Match[str], p: str) -> tuple[int, str | None, bool]:
    """(minutes since midnight, meridiem, written as a bare 1-12 hour) for one side of a range.

    Raises ValueError with a user-facing reason when the time is impossible.
    """
    word = m.group(p + "word")
    if word == "noon":
        return 12 * 60, "pm", False
    if word == "midnight":
        return 0, "am", False
    hour_text = m.group(p + "h")
    hour = int(hour_text)
    minute = int(m.group(p + "m") or 0)
    mer = m.group(p + "mer")
    if minute > 59:
        raise ValueError(f'"{m.group(0)}" has an impossible minute')
    if mer:
        mer = "am" if mer.startswith("a") else "pm"
        if not 1 <= hour <= 12:
            raise ValueError(f'"{hour_text}{mer}" is not a 12-hour clock time')
        hour = hour % 12 + (12 if mer == "pm" else 0)
        return hour * 60 + minute, mer, False
    if hour > 24 or (hour == 24 and minute):
        raise ValueError(f'"{hour_text}:{minute:02d}" is not a time of day')
    # "9" or "5:30" (no leading zero, 1-12) may be 12-hour shorthand; "09" or "17" never is.
    bare_12h = 1 <= hour <= 12 and not hour_text.startswith("0")
    return hour * 60 + minute, None, bare_12h


def _read_range(m: re.Match[str]) -> tuple[int, int]:
    """Start and end minutes for a time range, resolving am/pm shorthand.

    * "9am-5pm", "08:00-18:00", "8-18" mean what they say.
    * One side with am/pm ("9-5pm", "10am-2"): the other side takes whichever
      of am/pm gives the shorter window (9am-5pm, 10am-2pm).
    * "9-5" (two bare hours 1-12, end before start) is the office idiom for
      09:00-17:00, not a 20-hour overnight window.
    * An end of 00:00/midnight/12am means the end of the day (24:00).
    """
    start, smer, sbare = _read_time(m, "s")
    end, emer, ebare = _read_time(m, "e")

    def span(a: int, b: int) -> int:
        return (b - a) % _FULL_DAY or _FULL_DAY

    if smer and not emer and m.group("eword") is None and 1 <= end // 60 <= 12 and not m.group("eh").startswith("0"):
        candidates = [end % 720 + (720 if smer == "pm" else 0), end % 720 + (0 if smer == "pm" else 720)]
        end = min(candidates, key=lambda c: span(start, c))
    elif emer and not smer and m.group("sword") is None and 1 <= start // 60 <= 12 and not m.group("sh").startswith("0"):
        candidates = [start % 720 + (720 if emer == "pm" else 0), start % 720 + (0 if emer == "pm" else 720)]
        start = min(candidates, key=lambda c: span(c, end))
    elif sbare and ebare and end < start:
        end += 12 * 60
    if end == 0:
        end = _FULL_DAY
    if start == _FULL_DAY:
        raise ValueError("a window can't start at 24:00")
    if start == end:
        raise ValueError(f'"{m.group(0)}" starts and ends at the same time')
    return start, end


def parse_service_hours(text: str, default_tz: str | None = None) -> ServiceHours:
    """Read service hours such as "Mon-Fri 08:00-18:00, Sat 09:00-13:00 Europe/London".

    Accepted:

    * "24x7" / "24/7" (optionally followed by a zone; with no zone and no
      default, UTC is used because a 24x7 schedule is the same in every zone).
    * Groups of days followed by one or more time ranges, separated by commas:
      "Mon, Wed, Fri 09:00-17:00", "Mon-Fri 08:00-12:00 and 13:00-17:00".
      Days may be full or short names, ranges may wrap ("Fri-Mon"), and
      "weekdays", "weekends" and "daily" are understood.
    * Times as "08:00", "8", "0800", "8.30", "9am", "5:30pm", "noon",
      "midnight"; "24:00" (or an end of "00:00") means end of day. See
      :func:`_read_range` for how "9-5" style shorthand is resolved.
    * The time zone is the last word (an IANA name, any case). If it is
      missing ``default_tz`` is used, and if that is None too the user is
      asked for one.

    Overnight windows ("Mon-Fri 22:00-06:00") are supported by splitting
    them at midnight: each listed day gets 22:00-24:00 and the following day
    00:00-06:00 (Sunday wraps to Monday). Overlapping or touching windows on
    the same day are merged rather than rejected, since the meaning (the
    union of the hours) is unambiguous and the canonical form shows the
    result.
    """
    norm = _prepare(text, _SERVICE_HOURS, _SERVICE_HOURS_EXAMPLE, _MAX_SERVICE_HOURS_INPUT)

    def fail(reason: str, example: str = _SERVICE_HOURS_EXAMPLE) -> ParseError:
        return _error(_SERVICE_HOURS, text, reason, example)

    # --- split off the zone (last word) -----------------------------------
    schedule, _, last = norm.rpartition(" ")
    zone_word = last.strip("()[]")
    zone: str | None = None
    if not schedule:
        # A single word: either a lone zone (no hours given) or a schedule word.
        if _lookup_zone(zone_word):
            raise fail("it needs days and hours before the time zone")
        schedule, zone_word = norm, ""
    if zone_word and _looks_like_zone(zone_word):
        zone = _lookup_zone(zone_word)
        if zone is None:
            hint = _zone_hint(zone_word)
            typed_zone = " ".join(text.split()).rpartition(" ")[2].strip("()[]")  # as typed, not lower-cased
            raise fail(
                f'I don\'t know the time zone "{_shown(typed_zone)}"; use an IANA name such as {hint}',
                f"{_canonical_schedule_text(schedule) or 'Mon-Fri 08:00-18:00'} {hint}",
            )
    else:
        schedule = norm

    # --- the schedule ----------------------------------------------------------
    if _24X7_RE.fullmatch(schedule):
        if zone is None:
            zone = _lookup_zone(default_tz) if default_tz else "UTC"
            if zone is None:
                raise ValueError(f"default_tz {default_tz!r} is not a known time zone")
        return ServiceHours(zone, tuple((d, time(0, 0), None) for d in range(7)))

    spans = _scan_schedule(schedule, fail)

    if zone is None:
        if default_tz is None:
            canonical = _format_windows(spans)
            raise fail("please add a time zone at the end", f"{canonical} {_TZ_EXAMPLE_ZONE}")
        zone = _lookup_zone(default_tz)
        if zone is None:
            # The default comes from configuration, not the user: a bug, not a ParseError.
            raise ValueError(f"default_tz {default_tz!r} is not a known time zone")

    return ServiceHours(zone, tuple((d, time(s // 60, s % 60), _from_minutes(e)) for d, s, e in spans))


def _looks_like_zone(word: str) -> bool:
    """Whether the last word is meant as a time zone rather than part of the schedule."""
    if _24X7_RE.fullmatch(word):
        return False
    if "/" in word:
        return any(c.isalpha() for c in word)
    if not word[:1].isalpha() or word in _SCHEDULE_WORDS:
        return False
    # "sat-sun" or "mon,wed" is a day list, not a zone.
    parts = [p for p in re.split(r"[-,;&]", word) if p]
    if parts and all(p.rstrip("s") in _DAY_WORDS or p in _DAY_WORDS or p in _DAY_GROUPS for p in parts):
        return False
    return True


def _scan_schedule(schedule: str, fail) -> list[tuple[int, int, int]]:
    """Turn "mon-fri 8-18, sat 9-13" into (weekday, start_min, end_min) spans.

    A group is one or more day specs followed by one or more time ranges; a
    day spec after a time range starts the next group.
    """
    groups: list[tuple[list[int], list[tuple[int, int]]]] = []
    days: list[int] = []
    ranges: list[tuple[int, int]] = []
    pos = 0
    while pos < len(schedule):
        if schedule[pos] == " ":
            pos += 1
            continue
        m = _TIME_RANGE_RE.match(schedule, pos)
        if m:
            if not days:
                raise fail(f'which days does "{m.group(0)}" apply to? Put the days first')
            try:
                ranges.append(_read_range(m))
            except ValueError as exc:
                raise fail(str(exc)) from None
            pos = m.end()
            continue
        new_days: tuple[int, ...] | None = None
        m = _DAY_RANGE_RE.match(schedule, pos)
        if m:
            a, b = _day_index(m.group("a")), _day_index(m.group("b"))
            new_days = tuple((a + i) % 7 for i in range((b - a) % 7 + 1))  # ranges may wrap: Fri-Mon
        else:
            m = _DAY_RE.match(schedule, pos)
            if m:
                new_days = (_day_index(m.group("a")),)
            else:
                m = _DAY_GROUP_RE.match(schedule, pos)
                if m:
                    new_days = _DAY_GROUPS[" ".join(m.group("g").split())]
        if new_days is not None:
            if ranges:
                groups.append((days, ranges))
                days, ranges = [], []
            days.extend(new_days)
            pos = m.end()  # type: ignore[union-attr]
            continue
        m = _SEPARATOR_RE.match(schedule, pos)
        if m:
            pos = m.end()
            continue
        fragment = schedule[pos:].split(" ", 1)[0]
        if _lookup_zone(fragment.strip(",;()[]")):
            raise fail(f'the time zone "{fragment.strip(",;")}" must come last')
        if _24X7_RE.match(fragment):
            raise fail("24x7 can't be combined with other hours", "24x7 Europe/London")
        raise fail(f'I don\'t understand "{fragment}"')
    if days and not ranges:
        raise fail("the last days listed have no hours; add a time range such as 09:00-17:00")
    if ranges:
        groups.append((days, ranges))
    if not groups:
        raise fail("it needs days and hours")

    spans: list[tuple[int, int, int]] = []
    for group_days, group_ranges in groups:
        for day in dict.fromkeys(group_days):
            for start, end in group_ranges:
                if start < end:
                    spans.append((day, start, end))
                else:  # overnight: split at midnight into today and tomorrow
                    spans.append((day, start, _FULL_DAY))
                    spans.append(((day + 1) % 7, 0, end))
    return spans


def _day_index(word: str) -> int:
    return _DAY_WORDS[word] if word in _DAY_WORDS else _DAY_WORDS[word[:-1]]


def _canonical_schedule_text(schedule: str) -> str | None:
    """Canonical days-and-hours text for an example, or None if unreadable."""
    if _24X7_RE.fullmatch(schedule):
        return "24x7"

    def fail(reason: str, example: str = "") -> ParseError:
        return ParseError(reason)

    try:
        return _format_windows(_scan_schedule(schedule, fail))
    except ParseError:
        return None


def _format_windows(spans: list[tuple[int, int, int]]) -> str:
    """Canonical text for (weekday, start_min, end_min) spans, without the zone."""
    per_day: dict[int, tuple[tuple[int, int], ...]] = {}
    by_day: dict[int, list[tuple[int, int]]] = {}
    for d, s, e in spans:
        by_day.setdefault(d, []).append((s, e))
    for d in sorted(by_day):
        per_day[d] = tuple(merge_spans(by_day[d]))
    if len(per_day) == 7 and all(w == ((0, _FULL_DAY),) for w in per_day.values()):
        return "24x7"
    # Days with identical hours share one group ("Mon-Fri", "Mon, Wed, Fri");
    # groups appear in order of their first day.
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for d, w in per_day.items():
        groups.setdefault(w, []).append(d)
    parts = []
    for w, days in groups.items():
        hours = " and ".join(f"{_fmt_time(s)}-{_fmt_time(e)}" for s, e in w)
        parts.append(f"{format_days(days)} {hours}")
    return ", ".join(parts)


def format_days(days: list[int]) -> str:
    """Sorted weekdays as runs: [0,1,2,4] -> "Mon-Wed, Fri"."""
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(
        _DAY_NAMES[r[0]] if len(r) == 1 else f"{_DAY_NAMES[r[0]]}-{_DAY_NAMES[r[-1]]}" for r in runs
    )


def format_service_hours(h: ServiceHours) -> str:
    """Print canonical service hours, e.g. "Mon-Fri 08:00-18:00, Sat 09:00-13:00 Europe/London".

    Full weeks print as "24x7 <zone>"; days with identical hours are grouped
    (consecutive days as ranges), several windows on one day are joined with
    "and", times are 24-hour HH:MM with "24:00" for end of day.
    """
    spans = [(d, _to_minutes(s, end=False), _to_minutes(e, end=True)) for d, s, e in h.windows]
    return f"{_format_windows(spans)} {h.tz}"


# --------------------------------------------------------------------------
# Quantities
# --------------------------------------------------------------------------

_QUANTITY = "an amount"
_QUANTITY_EXAMPLE = "2 s, 500 ms or 1,200 tickets/month"

# Time units are folded to SI symbols so "2 sec" and "2s" compare equal;
# storage units keep their conventional capitals. Everything else is kept
# as typed (lower-cased), since units like "tickets/month" are free-form.
_UNIT_ALIASES: dict[str, str] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("ms", "msec", "msecs", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    "kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB", "pb": "PB",
    "kib": "KiB", "mib": "MiB", "gib": "GiB", "tib": "TiB",
    "kbps": "kbps", "mbps": "Mbps", "gbps": "Gbps",
    # Currency codes (ISO 4217) are written in capitals: "20,000 EUR" for the cost of an outage.
    **{code: code.upper() for code in ("usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "nzd", "sek", "nok", "dkk",
                                      "pln", "czk", "huf", "inr", "cny", "hkd", "sgd", "zar", "brl", "mxn", "aed")},
}
_QUANTITY_RE = re.compile(
    r"(?P<sign>[-+])?\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)(?P<k>k(?=\s|$))?\s*(?P<unit>.*)"
)
# Letters, digits, %, /, spaces, '.', '-', '_' : enough for real units, and
# nothing that would be interpreted as Slack markup when echoed back.
_UNIT_RE = re.compile(r"(?:[^\W\d_]|%)[\w%/ .\-]*")
_MAX_UNIT = 40


@dataclass(frozen=True)
class Quantity:
    """A threshold or volume: a non-negative number with a free-form unit."""

    value: Decimal
    unit: str  # canonical unit string, e.g. "ms", "s", "requests/s", "tickets/day", "GB", "users", "" for a bare number

    def __post_init__(self) -> None:
        value = self.value
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
            object.__setattr__(self, "value", value)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise ValueError(f"Quantity.value must be a finite non-negative Decimal, got {self.value!r}")
        if not isinstance(self.unit, str):
            raise ValueError(f"Quantity.unit must be a str, got {self.unit!r}")

    def __str__(self) -> str:
        return format_quantity(self)


def _canonical_unit(unit: str) -> str:
    """Normalise a typed unit: "requests per second" -> "requests/s", "Secs" -> "s"."""
    unit = " ".join(unit.lower().split())
    unit = re.sub(r"\s+per\s+", "/", unit)
    unit = re.sub(r"\s*/\s*", "/", unit)
    return "/".join(_UNIT_ALIASES.get(part, part) for part in unit.split("/"))


def parse_quantity(text: str) -> Quantity:
    """Read an amount such as "2 s", "500 ms", "1,200 tickets/month" or "1.5k requests/s".

    Commas group thousands ("1,200"); a single comma that does not group
    thousands is a decimal comma ("1,5 GB"). A "k" straight after the number
    multiplies by 1000. Negative amounts are refused.
    """
    norm = _prepare(text, _QUANTITY, _QUANTITY_EXAMPLE)

    def fail(reason: str, example: str = _QUANTITY_EXAMPLE) -> ParseError:
        return _error(_QUANTITY, text, reason, example)

    m = _QUANTITY_RE.fullmatch(norm)
    if m is None:
        raise fail("it should start with a number")
    value = _to_decimal(m.group("num"))
    if value is None:
        raise fail(f'"{m.group("num")}" is not a number I can read')
    if m.group("sign") == "-" and value != 0:
        raise fail("an amount can't be negative")
    if m.group("k"):
        value = value.scaleb(3)
    unit_text = m.group("unit")
    if unit_text:
        if not _UNIT_RE.fullmatch(unit_text) or len(unit_text) > _MAX_UNIT:
            raise fail(f'"{_shown(unit_text)}" doesn\'t look like a unit')
        unit = _canonical_unit(unit_text)
        if any(not part for part in unit.split("/")):
            raise fail(f'"{_shown(unit_text)}" doesn\'t look like a unit')
    else:
        unit = ""
    return Quantity(_plain(value), unit)


def format_quantity(q: Quantity) -> str:
    """Print an amount canonically: thousands separated, no trailing zeros.

    "1,200 tickets/month", "2 s", "1.5 GB", "99%" ("%" is written without a
    space), "300" for a bare number.
    """
    number = f"{_plain(q.value):,f}"
    if not q.unit:
        return number
    if q.unit == "%":
        return f"{number}%"
    return f"{number} {q.unit}"
