"""Service hours: "Mon-Fri 08:00-18:00 Europe/London", "24x7", read into weekly windows in a zone.

One cohesive algorithm: the parser of one small grammar (days, spans, a zone) and the formatter that writes
it back; split, its pieces would only call each other.
"""
from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time

from bot.parsing._common import ParseError, _MAX_SERVICE_HOURS_INPUT, _error, _prepare, _shown

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
    typed_last = " ".join(text.split()).rpartition(" ")[2].strip("()[]")  # as typed, not lower-cased
    if zone_word and _looks_like_zone(zone_word, typed_last):
        zone = _lookup_zone(zone_word)
        if zone is None:
            hint = _zone_hint(zone_word)
            raise fail(
                f'I don\'t know the time zone "{_shown(typed_last)}"; use an IANA name such as {hint}',
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


def _looks_like_zone(word: str, typed: str = "") -> bool:
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
    # A plain word is a zone if it is one ("UTC"), nearly one, or an abbreviation typed in capitals ("BST");
    # "mostly" is just a word the schedule does not understand, and is better told so than called a zone.
    return (_lookup_zone(word) is not None or (typed.isupper() and 2 <= len(typed) <= 5)
            or bool(difflib.get_close_matches(word, list(_zone_names()), n=1, cutoff=0.75)))


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
        if fragment == schedule:  # the whole of it: the sentence has quoted it already
            raise fail("give days and times")
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
