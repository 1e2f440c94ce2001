"""Tests for bot.parsing: what users type into Slack modal fields.

Example tests pin down every accepted spelling and every error message;
Hypothesis checks the round trip parse(format(x)) == x and that arbitrary
text only ever raises ParseError.
"""

from __future__ import annotations

import pickle
from datetime import datetime, time, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsing import (
    Duration,
    ParseError,
    Quantity,
    ServiceHours,
    format_duration,
    format_percentage,
    format_quantity,
    format_service_hours,
    parse_duration,
    parse_percentage,
    parse_quantity,
    parse_service_hours,
)

H = 60
DAY = 24 * 60


def assert_error(exc_info: pytest.ExceptionInfo[ParseError], typed: str, *fragments: str) -> None:
    """The message names what was typed, contains the example, and any extra fragments."""
    err = exc_info.value
    msg = str(err)
    assert isinstance(err, ValueError)
    assert f'"{typed.strip()}"' in msg, msg
    assert err.example and err.example in msg, msg
    for fragment in fragments:
        assert fragment in msg, msg


# --------------------------------------------------------------------------
# ParseError
# --------------------------------------------------------------------------


def test_parse_error_is_value_error_and_pickles():
    with pytest.raises(ParseError) as exc_info:
        parse_duration("90")
    err = exc_info.value
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err)
    assert again.example == err.example
    assert again.text == "90"


@pytest.mark.parametrize("parse", [parse_duration, parse_percentage, parse_quantity, parse_service_hours])
@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_input_asks_for_a_value_with_example(parse, text):
    with pytest.raises(ParseError) as exc_info:
        parse(text)
    msg = str(exc_info.value)
    assert msg.startswith("Please enter")
    assert exc_info.value.example in msg


@pytest.mark.parametrize("parse", [parse_duration, parse_percentage, parse_quantity, parse_service_hours])
def test_very_long_input_is_refused_cleanly(parse):
    with pytest.raises(ParseError) as exc_info:
        parse("9" * 1000)
    assert "too long" in str(exc_info.value)
    assert len(str(exc_info.value)) < 300  # the echo is truncated


# --------------------------------------------------------------------------
# Durations
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", Duration(minutes=4 * H)),
        ("4 h", Duration(minutes=4 * H)),
        ("4 hours", Duration(minutes=4 * H)),
        ("4hrs", Duration(minutes=4 * H)),
        ("4 HR", Duration(minutes=4 * H)),
        ("1 hour", Duration(minutes=H)),
        ("1.5h", Duration(minutes=90)),
        ("1,5h", Duration(minutes=90)),
        ("30 min", Duration(minutes=30)),
        ("30m", Duration(minutes=30)),
        ("30 mins", Duration(minutes=30)),
        ("30 minutes", Duration(minutes=30)),
        ("1 minute", Duration(minutes=1)),
        ("2d", Duration(minutes=2 * DAY)),
        ("2 days", Duration(minutes=2 * DAY)),
        ("1 week", Duration(minutes=7 * DAY)),
        ("1w", Duration(minutes=7 * DAY)),
        ("1h30m", Duration(minutes=90)),
        ("1h 30min", Duration(minutes=90)),
        ("1 hour and 30 minutes", Duration(minutes=90)),
        ("1h, 30m", Duration(minutes=90)),
        ("1d 2h", Duration(minutes=DAY + 2 * H)),
        ("  4\u00a0HOURS  ", Duration(minutes=4 * H)),
        ("1,200 min", Duration(minutes=1200)),
        ("366d", Duration(minutes=366 * DAY)),
        ("4 business hours", Duration(minutes=4 * H, business=True)),
        ("4 Business Hours", Duration(minutes=4 * H, business=True)),
        ("4 working hours", Duration(minutes=4 * H, business=True)),
        ("4 business-hours", Duration(minutes=4 * H, business=True)),
        ("4 bh", Duration(minutes=4 * H, business=True)),
        ("1 business hour", Duration(minutes=H, business=True)),
        ("30 business minutes", Duration(minutes=30, business=True)),
        ("1h 30m business", Duration(minutes=90, business=True)),
        ("4h business time", Duration(minutes=4 * H, business=True)),
        ("2 business days", Duration(business_days=2, business=True)),
        ("2 working days", Duration(business_days=2, business=True)),
        ("1 business day", Duration(business_days=1, business=True)),
        ("2 bd", Duration(business_days=2, business=True)),
    ],
)
def test_parse_duration_accepts(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("45s", ("seconds",)),
        ("45 seconds", ("seconds",)),
        ("500ms", ("seconds",)),
        ("90", ("add a unit", "90 min")),
        ("1h 30", ("add a unit",)),
        ("0.01h", ("whole number of minutes", "0.6 minutes")),
        ("1.51h", ("whole number of minutes", "1h 31m")),
        ("1.5 business days", ("whole", "12 business hours")),
        ("0h", ("longer than zero",)),
        ("0 business days", ("longer than zero",)),
        ("-4h", ("negative",)),
        ("400d", ("366 days",)),
        ("9000h", ("366 days",)),
        ("367 business days", ("366",)),
        ("2 months", ("months",)),
        ("1 year", ("years",)),
        ("4 fortnights", ('"fortnights"',)),
        ("4 business", ("hours or days",)),
        ("business hours", ("number and a unit",)),
        ("1 business week", ("business days",)),
        ("2 business days 4 hours", ("can't be mixed",)),
        ("soon", ('"soon"',)),
        ("1.2.3h", ('"1.2.3"',)),
    ],
)
def test_parse_duration_errors(text, fragments):
    with pytest.raises(ParseError) as exc_info:
        parse_duration(text)
    assert_error(exc_info, text, *fragments)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(minutes=90), "1h 30m"),
        (Duration(minutes=240), "4h"),
        (Duration(minutes=30), "30m"),
        (Duration(minutes=25 * H), "25h"),
        (Duration(minutes=DAY + 30), "24h 30m"),
        (Duration(minutes=2 * DAY), "2d"),
        (Duration(minutes=7 * DAY), "1w"),
        (Duration(minutes=14 * DAY), "2w"),
        (Duration(minutes=240, business=True), "4 business hours"),
        (Duration(minutes=60, business=True), "1 business hour"),
        (Duration(minutes=48 * H, business=True), "48 business hours"),
        (Duration(minutes=30, business=True), "30 business minutes"),
        (Duration(minutes=1, business=True), "1 business minute"),
        (Duration(minutes=150, business=True), "2h 30m business"),
        (Duration(business_days=2, business=True), "2 business days"),
        (Duration(business_days=1, business=True), "1 business day"),
    ],
)
def test_format_duration(duration, text):
    assert format_duration(duration) == text
    assert str(duration) == text
    assert parse_duration(text) == duration


def test_duration_helpers_and_validation():
    assert Duration(minutes=90).total_seconds() == 5400
    assert Duration(minutes=90, business=True).total_seconds() == 5400
    with pytest.raises(ValueError):
        Duration(business_days=2, business=True).total_seconds()
    with pytest.raises(ValueError):
        Duration(minutes=-1)
    with pytest.raises(ValueError):
        Duration(minutes=10, business_days=1, business=True)
    with pytest.raises(ValueError):
        Duration(business_days=1)  # business days are always business time


durations = st.one_of(
    st.builds(Duration, minutes=st.integers(1, 366 * DAY)),
    st.builds(Duration, minutes=st.integers(1, 366 * DAY), business=st.just(True)),
    st.builds(Duration, business_days=st.integers(1, 366), business=st.just(True)),
)


@given(durations)
def test_duration_round_trip(d):
    assert parse_duration(format_duration(d)) == d


# --------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99.9%", Decimal("99.9")),
        ("99.9", Decimal("99.9")),
        ("99.9 %", Decimal("99.9")),
        (" 99,9% ", Decimal("99.9")),
        ("100%", Decimal("100")),
        ("100", Decimal("100")),
        ("95 percent", Decimal("95")),
        ("95 per cent", Decimal("95")),
        ("99.9999%", Decimal("99.9999")),
        ("99.90000%", Decimal("99.9")),
        ("0.5%", Decimal("0.5")),
        ("1%", Decimal("1")),
        ("5", Decimal("5")),
    ],
)
def test_parse_percentage_accepts(text, expected):
    result = parse_percentage(text)
    assert result == expected
    assert isinstance(result, Decimal)
    assert "E" not in str(result)  # exact plain form, never 1E+2


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("0.999", ("Did you mean 99.9%?", "0.999%")),
        ("1", ("Did you mean 100%?",)),
        ("0.5", ("Did you mean 50%?",)),
        ("99.99999%", ("4 decimal places", "99.9999%")),
        ("101%", ("more than 100",)),
        ("0%", ("more than 0",)),
        ("-5%", ("negative",)),
        ("abc", ("isn't a number",)),
        ("99.9.9%", ()),
        ("%", ()),
    ],
)
def test_parse_percentage_errors(text, fragments):
    with pytest.raises(ParseError) as exc_info:
        parse_percentage(text)
    assert_error(exc_info, text, *fragments)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("99.90"), "99.9%"),
        (Decimal("100"), "100%"),
        (Decimal("1E+2"), "100%"),
        (Decimal("99.9999"), "99.9999%"),
        (Decimal("0.5"), "0.5%"),
        (Decimal("95.0"), "95%"),
    ],
)
def test_format_percentage(value, text):
    assert format_percentage(value) == text


@given(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100), places=4))
def test_percentage_round_trip(p):
    assert parse_percentage(format_percentage(p)) == p


# --------------------------------------------------------------------------
# Service hours
# --------------------------------------------------------------------------


def week(start: time, end: time | None, days=range(5)) -> tuple:
    return tuple((d, start, end) for d in days)


ALL_DAY = tuple((d, time(0), None) for d in range(7))
OFFICE = week(time(8), time(18))


@pytest.mark.parametrize(
    ("text", "tz", "windows"),
    [
        ("24x7", "UTC", ALL_DAY),
        ("24/7", "UTC", ALL_DAY),
        ("24x7 Europe/Paris", "Europe/Paris", ALL_DAY),
        ("24 x 7 europe/paris", "Europe/Paris", ALL_DAY),
        ("Mon-Sun 00:00-24:00 UTC", "UTC", ALL_DAY),
        ("daily 00:00-00:00 UTC", "UTC", ALL_DAY),
        ("Mon-Fri 08:00-18:00 Europe/London", "Europe/London", OFFICE),
        ("Mon-Fri 8-18 Europe/London", "Europe/London", OFFICE),
        ("mon-fri 0800-1800 europe/london", "Europe/London", OFFICE),
        ("Mon - Fri 8:00 – 18:00 Europe/London", "Europe/London", OFFICE),
        ("Monday-Friday 08:00-18:00 Europe/London", "Europe/London", OFFICE),
        ("Mon to Fri 8 to 18 Europe/London", "Europe/London", OFFICE),
        ("Mon-Fri: 08:00-18:00 (Europe/London)", "Europe/London", OFFICE),
        ("Mon-Fri 9am-5pm America/New_York", "America/New_York", week(time(9), time(17))),
        ("Mon-Fri 9 am - 5 pm America/New_York", "America/New_York", week(time(9), time(17))),
        ("Mon-Fri 8.30am-5.30pm UTC", "UTC", week(time(8, 30), time(17, 30))),
        ("Mon-Fri 9-5pm UTC", "UTC", week(time(9), time(17))),
        ("Mon-Fri 10am-2 UTC", "UTC", week(time(10), time(14))),
        ("Mon-Fri 9-5 UTC", "UTC", week(time(9), time(17))),
        ("weekdays 9-5 UTC", "UTC", week(time(9), time(17))),
        ("Mon-Fri noon-midnight UTC", "UTC", week(time(12), None)),
        ("Mon-Fri 6pm-12am UTC", "UTC", week(time(18), None)),
        (
            "Mon-Fri 08:00-18:00, Sat 09:00-13:00 Europe/London",
            "Europe/London",
            OFFICE + ((5, time(9), time(13)),),
        ),
        (
            "Mon, Wed, Fri 09:00-17:00 UTC",
            "UTC",
            ((0, time(9), time(17)), (2, time(9), time(17)), (4, time(9), time(17))),
        ),
        ("Sat-Sun 10:00-16:00 UTC", "UTC", week(time(10), time(16), days=(5, 6))),
        ("weekends 10-16 UTC", "UTC", week(time(10), time(16), days=(5, 6))),
        ("Fri-Mon 10:00-16:00 UTC", "UTC", week(time(10), time(16), days=(0, 4, 5, 6))),
        (
            "Mon-Fri 08:00-12:00 and 13:00-17:00 UTC",
            "UTC",
            tuple(w for d in range(5) for w in ((d, time(8), time(12)), (d, time(13), time(17)))),
        ),
    ],
)
def test_parse_service_hours_accepts(text, tz, windows):
    hours = parse_service_hours(text)
    assert hours == ServiceHours(tz, windows)
    assert hours.tz == tz
    assert hours.windows == windows


def test_service_hours_default_tz_used_only_when_zone_missing():
    assert parse_service_hours("Mon-Fri 9-17", default_tz="Europe/London").tz == "Europe/London"
    assert parse_service_hours("Mon-Fri 9-17 UTC", default_tz="Europe/London").tz == "UTC"
    assert parse_service_hours("24x7", default_tz="Asia/Tokyo") == ServiceHours("Asia/Tokyo", ALL_DAY)


def test_overnight_windows_are_split_at_midnight():
    hours = parse_service_hours("Mon-Fri 22:00-06:00 UTC")
    expected = week(time(22), None) + week(time(0), time(6), days=range(1, 6))
    assert hours == ServiceHours("UTC", expected)
    assert str(hours) == "Mon 22:00-24:00, Tue-Fri 00:00-06:00 and 22:00-24:00, Sat 00:00-06:00 UTC"
    # Sunday night wraps round to Monday morning.
    assert parse_service_hours("Sun 22:00-06:00 UTC").windows == ((0, time(0), time(6)), (6, time(22), None))


def test_overlapping_and_touching_windows_are_merged():
    hours = parse_service_hours("Mon-Fri 08:00-18:00, Mon 17:00-20:00 UTC")
    assert hours.windows[0] == (0, time(8), time(20))
    assert str(hours) == "Mon 08:00-20:00, Tue-Fri 08:00-18:00 UTC"
    assert parse_service_hours("Mon 08:00-12:00 and 12:00-17:00 UTC").windows == ((0, time(8), time(17)),)
    # The constructor normalises too, so equal hours compare equal.
    assert ServiceHours("UTC", ((0, time(13), time(17)), (0, time(8), time(13)))) == ServiceHours(
        "UTC", ((0, time(8), time(17)),)
    )


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("Mon-Fri 08:00-18:00", ("time zone", "Mon-Fri 08:00-18:00 Europe/London")),
        ("weekdays 9-5", ("time zone", "Mon-Fri 09:00-17:00 Europe/London")),
        ("Mon-Fri 9-5 Europe/Lodnon", ('"Europe/Lodnon"', "Europe/London")),
        ("Mon-Fri 9-5 Mars/Olympus_Mons", ('"Mars/Olympus_Mons"',)),
        ("Mon-Fri 9-5 BST", ('"BST"',)),
        ("UTC Mon-Fri 9-5", ("must come last",)),
        ("Europe/London", ("days and hours",)),
        ("9-5 UTC", ("which days",)),
        ("Mon-Fri UTC", ("no hours",)),
        ("Mon 9:00-9:00 UTC", ("same time",)),
        ("Mon 25:00-26:00 UTC", ("not a time of day",)),
        ("Mon 09:75-10:00 UTC", ("impossible minute",)),
        ("Mon 13pm-2pm UTC", ("12-hour",)),
        ("Mon 24:00-06:00 UTC", ("24:00",)),
        ("Mon-Fri 9-5, 24x7 UTC", ("24x7",)),
        ("sometimes", ('"sometimes"',)),
        ("Mon-Fri 9-5 lunchtime", ('"lunchtime"',)),
    ],
)
def test_parse_service_hours_errors(text, fragments):
    with pytest.raises(ParseError) as exc_info:
        parse_service_hours(text)
    assert_error(exc_info, text, *fragments)


@pytest.mark.parametrize(
    "text",
    [
        "Mon-Fri 08:00-18:00 Europe/London",
        "24x7 UTC",
        "24x7 Europe/Paris",
        "Mon-Fri 08:00-18:00, Sat 09:00-13:00 Europe/London",
        "Mon, Wed, Fri 09:00-17:00 UTC",
        "Mon-Wed, Fri 09:00-17:00, Sat 10:00-12:00 UTC",
        "Mon-Fri 08:00-12:00 and 13:00-17:00 America/New_York",
        "Sat-Sun 12:00-24:00 Asia/Kolkata",
    ],
)
def test_format_service_hours_is_canonical(text):
    hours = parse_service_hours(text)
    assert format_service_hours(hours) == text
    assert str(hours) == text


def test_is_24x7():
    assert parse_service_hours("24x7 UTC").is_24x7
    assert parse_service_hours("Mon-Sun 00:00-24:00 UTC").is_24x7
    assert not parse_service_hours("Mon-Sun 00:00-23:59 UTC").is_24x7
    assert not parse_service_hours("Mon-Sat 00:00-24:00 UTC").is_24x7


def test_service_hours_constructor_validates():
    with pytest.raises(ValueError):
        ServiceHours("Nowhere/Special", OFFICE)
    with pytest.raises(ValueError):
        ServiceHours("UTC", ())
    with pytest.raises(ValueError):
        ServiceHours("UTC", ((7, time(9), time(17)),))
    with pytest.raises(ValueError):
        ServiceHours("UTC", ((0, time(17), time(9)),))
    with pytest.raises(ValueError):
        ServiceHours("UTC", ((0, time(9, 0, 30), time(17)),))
    assert ServiceHours("europe/london", OFFICE).tz == "Europe/London"


UTC = timezone.utc


def test_contains_across_london_spring_forward():
    # Clocks in London go from 01:00 GMT to 02:00 BST on Sunday 31 March 2024.
    office = parse_service_hours("Mon-Fri 09:00-17:00 Europe/London")
    # Monday before: GMT, so 08:30 UTC is 08:30 local (closed), 16:30 UTC is 16:30 (open).
    assert not office.contains(datetime(2024, 3, 25, 8, 30, tzinfo=UTC))
    assert office.contains(datetime(2024, 3, 25, 16, 30, tzinfo=UTC))
    # Monday after: BST, so the same UTC instants are an hour later locally.
    assert office.contains(datetime(2024, 4, 1, 8, 30, tzinfo=UTC))
    assert not office.contains(datetime(2024, 4, 1, 16, 30, tzinfo=UTC))
    # On the night itself local 01:00-02:00 never happens.
    night = parse_service_hours("Sun 01:00-02:00 Europe/London")
    assert not night.contains(datetime(2024, 3, 31, 0, 59, tzinfo=UTC))  # 00:59 GMT
    assert not night.contains(datetime(2024, 3, 31, 1, 0, tzinfo=UTC))  # 02:00 BST
    early = parse_service_hours("Sun 00:00-03:00 Europe/London")
    assert early.contains(datetime(2024, 3, 31, 1, 30, tzinfo=UTC))  # 02:30 BST
    assert not early.contains(datetime(2024, 3, 31, 2, 0, tzinfo=UTC))  # 03:00 BST
    # Edges: start is inside, end is outside.
    assert office.contains(datetime(2024, 4, 1, 9, 0, tzinfo=ZoneInfo("Europe/London")))
    assert not office.contains(datetime(2024, 4, 1, 17, 0, tzinfo=ZoneInfo("Europe/London")))


def test_contains_with_big_offsets():
    # Kiritimati is UTC+14: Sunday 20:00 UTC is already Monday 10:00 there.
    kiribati = parse_service_hours("Mon 09:00-17:00 Pacific/Kiritimati")
    assert kiribati.contains(datetime(2024, 6, 2, 20, 0, tzinfo=UTC))
    assert not kiribati.contains(datetime(2024, 6, 3, 20, 0, tzinfo=UTC))  # Tuesday 10:00 there
    # Pago Pago is UTC-11: Tuesday 05:00 UTC is still Monday 18:00 there.
    samoa = parse_service_hours("Mon 17:00-24:00 Pacific/Pago_Pago")
    assert samoa.contains(datetime(2024, 6, 4, 5, 0, tzinfo=UTC))
    # Instants given in another zone are converted, not reinterpreted.
    tokyo = datetime(2024, 6, 3, 7, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # Sunday 22:00 UTC
    assert kiribati.contains(tokyo)  # Monday 12:00 in Kiritimati


def test_contains_needs_aware_datetime():
    with pytest.raises(ValueError):
        parse_service_hours("24x7 UTC").contains(datetime(2024, 1, 1, 12, 0))


def test_contains_end_of_day_window():
    late = parse_service_hours("Mon 18:00-24:00 UTC")
    assert late.contains(datetime(2024, 6, 3, 23, 59, 59, tzinfo=UTC))
    assert not late.contains(datetime(2024, 6, 4, 0, 0, tzinfo=UTC))


ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Pacific/Kiritimati"]


@st.composite
def service_hours(draw) -> ServiceHours:
    windows = []
    for _ in range(draw(st.integers(1, 8))):
        day = draw(st.integers(0, 6))
        start = draw(st.integers(0, DAY - 1))
        end = draw(st.integers(start + 1, DAY))
        windows.append((day, time(start // 60, start % 60), None if end == DAY else time(end // 60, end % 60)))
    return ServiceHours(draw(st.sampled_from(ZONES)), tuple(windows))


@given(service_hours())
def test_service_hours_round_trip(h):
    assert parse_service_hours(format_service_hours(h)) == h


@settings(max_examples=50, deadline=None)
@given(service_hours(), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)))
def test_contains_matches_wall_clock(h, naive_utc):
    instant = naive_utc.replace(tzinfo=UTC)
    local = instant.astimezone(ZoneInfo(h.tz))
    minute = local.hour * 60 + local.minute
    expected = any(
        d == local.weekday()
        and s.hour * 60 + s.minute <= minute < (DAY if e is None else e.hour * 60 + e.minute)
        for d, s, e in h.windows
    )
    assert h.contains(instant) == expected


# --------------------------------------------------------------------------
# Quantities
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("2 s", "2", "s"),
        ("2s", "2", "s"),
        ("2 sec", "2", "s"),
        ("2 secs", "2", "s"),
        ("2 Seconds", "2", "s"),
        ("500 ms", "500", "ms"),
        ("500ms", "500", "ms"),
        ("500 msec", "500", "ms"),
        ("500 milliseconds", "500", "ms"),
        ("1,200 tickets/month", "1200", "tickets/month"),
        ("1,200 Tickets / Month", "1200", "tickets/month"),
        ("300 concurrent users", "300", "concurrent users"),
        ("300  Concurrent\u00a0Users", "300", "concurrent users"),
        ("50 GB", "50", "GB"),
        ("50gb", "50", "GB"),
        ("1.5k requests/s", "1500", "requests/s"),
        ("3 requests per second", "3", "requests/s"),
        ("10k", "10000", ""),
        ("1200", "1200", ""),
        ("1,234.5 users", "1234.5", "users"),
        ("1,5 GB", "1.5", "GB"),
        (".5 s", "0.5", "s"),
        ("0 errors", "0", "errors"),
        ("5 kg", "5", "kg"),
        ("50%", "50", "%"),
    ],
)
def test_parse_quantity_accepts(text, value, unit):
    assert parse_quantity(text) == Quantity(Decimal(value), unit)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("-5 ms", ("negative",)),
        ("fast", ("start with a number",)),
        ("< 2 s", ("start with a number",)),
        ("1,2,3 users", ('"1,2,3"',)),
        ("5 <b>users</b>", ("doesn't look like a unit",)),
        ("5 tickets//day", ("doesn't look like a unit",)),
    ],
)
def test_parse_quantity_errors(text, fragments):
    with pytest.raises(ParseError) as exc_info:
        parse_quantity(text)
    assert_error(exc_info, text, *fragments)


@pytest.mark.parametrize(
    ("q", "text"),
    [
        (Quantity(Decimal("1200"), "tickets/month"), "1,200 tickets/month"),
        (Quantity(Decimal("2.0"), "s"), "2 s"),
        (Quantity(Decimal("1.50"), "GB"), "1.5 GB"),
        (Quantity(Decimal("300"), ""), "300"),
        (Quantity(Decimal("1E+3"), "requests/s"), "1,000 requests/s"),
        (Quantity(Decimal("99.5"), "%"), "99.5%"),
    ],
)
def test_format_quantity(q, text):
    assert format_quantity(q) == text
    assert str(q) == text
    assert parse_quantity(text) == q


def test_quantity_constructor_validates():
    assert Quantity(5, "s").value == Decimal(5)
    with pytest.raises(ValueError):
        Quantity(Decimal(-1), "s")
    with pytest.raises(ValueError):
        Quantity(Decimal("NaN"), "s")


UNITS = ["", "s", "ms", "min", "h", "GB", "MB", "%", "users", "concurrent users", "requests/s", "tickets/month",
         "tickets/day", "incidents", "k", "kg", "changes/week"]


@given(
    st.decimals(min_value=0, max_value=Decimal("999999999999"), places=4),
    st.sampled_from(UNITS),
)
def test_quantity_round_trip(value, unit):
    q = Quantity(value, unit)
    assert parse_quantity(format_quantity(q)) == q


@given(st.decimals(min_value=0, max_value=10**6, places=3), st.from_regex(r"[a-z]{1,8}( [a-z]{1,8})?", fullmatch=True))
def test_quantity_round_trip_free_form_units(value, unit):
    # Whatever a free-form unit parses to is stable: formatting and re-parsing changes nothing.
    q = parse_quantity(f"{value} {unit}")
    assert parse_quantity(format_quantity(q)) == q


# --------------------------------------------------------------------------
# Robustness: arbitrary text only ever raises ParseError
# --------------------------------------------------------------------------

PARSERS = [
    parse_duration,
    parse_percentage,
    parse_quantity,
    parse_service_hours,
    lambda t: parse_service_hours(t, default_tz="Europe/London"),
]

# Text biased towards our vocabulary finds far more edge cases than pure noise.
VOCAB = ["4", "1.5", "0", "-", ",", ".", ":", " ", "h", "m", "d", "w", "s", "%", "business", "working", "days",
         "hours", "min", "k", "am", "pm", "Mon", "Fri", "Sun", "weekdays", "24x7", "24", "00", "9", "17", "and",
         "to", "noon", "UTC", "Europe/London", "/", "percent", "GB", "ms", "(", "\u00a0", "–"]
vocab_text = st.lists(st.sampled_from(VOCAB), max_size=12).map("".join)


@pytest.mark.parametrize("parse", PARSERS)
@given(text=st.one_of(st.text(), vocab_text))
@settings(deadline=None)
def test_parsers_only_raise_parse_error(parse, text):
    try:
        parse(text)
    except ParseError as err:
        assert str(err)
        assert err.example in str(err)


@given(vocab_text)
@settings(deadline=None)
def test_whatever_parses_round_trips(text):
    """Anything accepted prints to a canonical form that reads back the same."""
    for parse, fmt in [
        (parse_duration, format_duration),
        (parse_percentage, format_percentage),
        (parse_quantity, format_quantity),
        (lambda t: parse_service_hours(t, default_tz="UTC"), format_service_hours),
    ]:
        try:
            value = parse(text)
        except ParseError:
            continue
        assert parse(fmt(value)) == value
