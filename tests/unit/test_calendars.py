"""Tests for bot.calendars: service-hours calendars, deadlines and coverage gaps.

Dates are chosen around real events: UK Easter 2026 (Good Friday 3 Apr,
Easter Monday 6 Apr), Christmas 2026 (Fri 25 Dec, Boxing Day observed Mon
28 Dec), and the Europe/London clock changes (Sun 29 Mar and Sun 25 Oct 2026).
Hypothesis checks the properties that tie deadline, business time and
open intervals together.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.calendars import CALENDAR_24X7_UTC, BusinessCalendar, Uncovered, uncovered
from bot.parsing import Duration, parse_duration, parse_service_hours

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")


def cal(hours: str, country: str | None = None, subdiv: str | None = None, **kw) -> BusinessCalendar:
    return BusinessCalendar(parse_service_hours(hours), country, subdiv, **kw)


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


UK_OFFICE = cal("Mon-Fri 09:00-17:00 Europe/London", "GB", "ENG")
UK_24X7 = cal("24x7 Europe/London")
BH = lambda text: parse_duration(text)  # noqa: E731 - reads like the user's words


# --------------------------------------------------------------------------
# Construction and days
# --------------------------------------------------------------------------


def test_closed_reason_names_holiday_or_closure():
    office = cal("Mon-Fri 09:00-17:00 Europe/London", "gb", "ENG", closures={date(2026, 8, 3)})
    assert office.holidays_country == "GB"
    assert office.closed_reason(date(2026, 12, 25)) == "public holiday: Christmas Day"
    assert office.closed_reason(date(2026, 4, 6)) == "public holiday: Easter Monday"
    assert office.closed_reason(date(2026, 8, 3)) == "closure"
    assert office.closed_reason(date(2026, 8, 4)) is None
    assert office.closures == frozenset({date(2026, 8, 3)})
    assert office.tz == "Europe/London"


def test_holiday_names_are_english_where_the_package_has_them():
    assert cal("24x7 Europe/Paris", "FR").closed_reason(date(2026, 12, 25)) == "public holiday: Christmas Day"


@pytest.mark.parametrize(
    ("country", "subdiv", "fragment"),
    [("XX", None, "unknown holiday country 'XX'"), ("GB", "XYZ", "unknown holiday subdivision 'XYZ' for GB"),
     (None, "ENG", "needs a holiday country")],
)
def test_unknown_holiday_codes_are_refused(country, subdiv, fragment):
    with pytest.raises(ValueError, match=fragment):
        cal("24x7 UTC", country, subdiv)


def test_closures_must_be_dates_and_times_must_be_aware():
    with pytest.raises(ValueError, match="closures must be dates"):
        cal("24x7 UTC", closures={datetime(2026, 1, 1)})
    with pytest.raises(ValueError, match="timezone-aware"):
        UK_OFFICE.is_open(datetime(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        UK_OFFICE.deadline(datetime(2026, 3, 2, 10), BH("1h"))


def test_calendars_compare_by_value_and_hash():
    assert UK_OFFICE == cal("Mon-Fri 9am-5pm Europe/London", "GB", "ENG")
    assert len({UK_OFFICE, cal("Mon-Fri 9am-5pm Europe/London", "GB", "ENG")}) == 1
    assert CALENDAR_24X7_UTC.hours.is_24x7 and CALENDAR_24X7_UTC.tz == "UTC"


def test_is_open_and_next_open():
    assert UK_OFFICE.is_open(london(2026, 3, 2, 9, 0))
    assert not UK_OFFICE.is_open(london(2026, 3, 2, 17, 0))
    assert not UK_OFFICE.is_open(london(2026, 12, 25, 10, 0))  # Christmas Day, a Friday
    # Given in another zone: 10:00 UTC in August is 11:00 BST.
    assert UK_OFFICE.is_open(datetime(2026, 8, 4, 10, tzinfo=UTC))
    assert UK_OFFICE.next_open(london(2026, 12, 24, 18, 0)) == london(2026, 12, 29, 9, 0)
    assert UK_OFFICE.next_open(london(2026, 3, 2, 10, 0)) == london(2026, 3, 2, 10, 0)


# --------------------------------------------------------------------------
# Business minutes
# --------------------------------------------------------------------------


def test_business_hours_across_easter_weekend():
    # Thu 15:00: 2h on Thursday, Good Friday to Easter Monday closed, 2h on Tuesday.
    due = UK_OFFICE.deadline(london(2026, 4, 2, 15, 0), BH("4 business hours"))
    assert due == london(2026, 4, 7, 11, 0)
    assert due.tzinfo == UTC
    assert UK_OFFICE.business_time_between(london(2026, 4, 2, 15, 0), due) == timedelta(hours=4)


def test_business_hours_across_christmas():
    # Christmas Friday, the weekend, then Boxing Day observed on Monday 28th.
    assert UK_OFFICE.deadline(london(2026, 12, 24, 16, 0), BH("2 business hours")) == london(2026, 12, 29, 10, 0)


def test_clock_duration_ignores_the_calendar_and_counts_real_time():
    # Sat 23:00 GMT + 4h is 03:00 UTC = 04:00 BST, not 03:00 BST.
    assert UK_OFFICE.deadline(london(2026, 3, 28, 23, 0), BH("4h")) == datetime(2026, 3, 29, 3, tzinfo=UTC)


def test_start_outside_hours_starts_at_next_opening():
    assert UK_OFFICE.deadline(london(2026, 3, 7, 12, 0), BH("30 business minutes")) == london(2026, 3, 9, 9, 30)
    assert UK_OFFICE.deadline(london(2026, 3, 6, 17, 0), Duration(minutes=0, business=True)) == london(2026, 3, 9, 9)
    # Exactly at a closing time is that closing time, not the next morning.
    assert UK_OFFICE.deadline(london(2026, 3, 6, 9, 0), BH("8 business hours")) == london(2026, 3, 6, 17, 0)


def test_split_windows_and_long_durations():
    split = cal("Mon-Fri 08:00-12:00 and 13:00-17:00 Europe/London")
    assert split.deadline(london(2026, 3, 2, 11, 0), BH("2 business hours")) == london(2026, 3, 2, 14, 0)
    # 40 business hours is exactly one working week of 8h days.
    assert UK_OFFICE.deadline(london(2026, 3, 2, 9, 0), BH("40 business hours")) == london(2026, 3, 6, 17, 0)


# --------------------------------------------------------------------------
# Clock changes
# --------------------------------------------------------------------------


def test_dst_days_have_23_and_25_hours():
    assert UK_24X7.business_time_between(london(2026, 3, 29), london(2026, 3, 30)) == timedelta(hours=23)
    assert UK_24X7.business_time_between(london(2026, 10, 25), london(2026, 10, 26)) == timedelta(hours=25)
    # The 24x7 calendar's open time is one interval, however many days it spans.
    assert UK_24X7.open_intervals(london(2026, 3, 28), london(2026, 3, 31)) == [
        (datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, 23, tzinfo=UTC))
    ]


def test_windows_are_wall_clock_across_the_change():
    # Fri 16:00 GMT + 2 business hours: 1h Friday, then Monday 09:00-10:00 BST.
    due = UK_OFFICE.deadline(london(2026, 3, 27, 16, 0), BH("2 business hours"))
    assert due == london(2026, 3, 30, 10, 0) == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert UK_OFFICE.is_open(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))  # 09:00 BST
    assert not UK_OFFICE.is_open(datetime(2026, 3, 27, 8, 0, tzinfo=UTC))  # 08:00 GMT


def test_windows_touching_the_skipped_and_repeated_hours():
    night = cal("Sun 00:00-03:00 Europe/London")
    week = lambda d: night.business_time_between(london(*d), london(*d) + timedelta(days=1))  # noqa: E731
    assert week((2026, 3, 22)) == timedelta(hours=3)
    assert week((2026, 3, 29)) == timedelta(hours=2)  # 01:00-02:00 never happens
    assert week((2026, 10, 25)) == timedelta(hours=4)  # 01:00-02:00 happens twice
    # A window starting in the skipped hour opens when the clocks jump.
    odd = cal("Sun 01:30-02:30 Europe/London")
    assert odd.open_intervals(london(2026, 3, 29), london(2026, 3, 30)) == [
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    ]


# --------------------------------------------------------------------------
# Business days
# --------------------------------------------------------------------------


def test_business_days_same_time_of_day_skipping_holidays():
    assert UK_OFFICE.deadline(london(2026, 4, 2, 14, 0), BH("1 business day")) == london(2026, 4, 7, 14, 0)
    assert UK_OFFICE.deadline(london(2026, 3, 2, 14, 0), BH("5 business days")) == london(2026, 3, 9, 14, 0)
    # Across the clock change the local time of day is kept.
    assert UK_OFFICE.deadline(london(2026, 3, 27, 10, 0), BH("1 business day")) == london(2026, 3, 30, 10, 0)


def test_business_days_from_outside_hours_count_from_the_next_opening():
    assert UK_OFFICE.deadline(london(2026, 3, 6, 18, 0), BH("1 business day")) == london(2026, 3, 10, 9, 0)


def test_business_days_clamped_into_the_days_hours():
    short_friday = cal("Mon-Thu 09:00-17:00, Fri 09:00-12:00 Europe/London")
    assert short_friday.deadline(london(2026, 3, 5, 15, 0), BH("1 business day")) == london(2026, 3, 6, 12, 0)
    late_saturday = cal("Mon-Fri 09:00-17:00, Sat 13:00-17:00 Europe/London")
    assert late_saturday.deadline(london(2026, 3, 6, 10, 0), BH("1 business day")) == london(2026, 3, 7, 13, 0)


# --------------------------------------------------------------------------
# Zones with big offsets
# --------------------------------------------------------------------------


def test_zones_far_from_utc():
    kiritimati = cal("Mon-Fri 09:00-17:00 Pacific/Kiritimati")  # UTC+14: Monday 09:00 is Sunday 19:00 UTC
    assert kiritimati.is_open(datetime(2026, 3, 1, 19, 30, tzinfo=UTC))
    assert kiritimati.deadline(datetime(2026, 3, 1, 19, 30, tzinfo=UTC), BH("1 business hour")) == datetime(
        2026, 3, 1, 20, 30, tzinfo=UTC
    )
    pago = cal("Mon-Fri 09:00-17:00 Pacific/Pago_Pago")  # UTC-11: Friday 17:00 is Saturday 04:00 UTC
    assert pago.deadline(datetime(2026, 3, 7, 3, 0, tzinfo=UTC), BH("2 business hours")) == datetime(
        2026, 3, 9, 21, 0, tzinfo=UTC
    )
    kathmandu = cal("Mon-Fri 10:00-18:00 Asia/Kathmandu")  # UTC+5:45
    assert kathmandu.next_open(datetime(2026, 3, 2, 0, 0, tzinfo=UTC)) == datetime(2026, 3, 2, 4, 15, tzinfo=UTC)


# --------------------------------------------------------------------------
# uncovered()
# --------------------------------------------------------------------------


def test_office_hours_supplier_under_24x7_sla_names_nights_weekends_and_holidays():
    gap = uncovered(UK_24X7, UK_OFFICE, date(2026, 12, 1), date(2026, 12, 31))
    assert not gap.is_empty
    assert gap.describe() == (
        "Sat-Sun 00:00-24:00 and Mon-Fri 00:00-09:00, 17:00-24:00 Europe/London; "
        "also 25 Dec 2026 (public holiday: Christmas Day), 28 Dec 2026 (public holiday: Boxing Day (observed))"
    )
    assert (5, time(0), None) in gap.weekly
    assert [d for d, _ in gap.dates] == [date(2026, 12, 25), date(2026, 12, 28)]


def test_same_hours_and_holidays_leave_nothing_uncovered():
    gap = uncovered(UK_OFFICE, cal("Mon-Fri 08:00-18:00 Europe/London", "GB", "ENG"), date(2026, 1, 1), date(2026, 12, 31))
    assert gap.is_empty and gap.describe() == "nothing"
    assert uncovered(UK_24X7, CALENDAR_24X7_UTC, date(2026, 3, 1), date(2026, 11, 1)).is_empty


def test_supplier_in_another_zone_covers_part_of_the_day():
    # Kolkata 09:00-18:00 is London 03:30-12:30 in winter and 04:30-13:30 in summer.
    india = cal("Mon-Fri 09:00-18:00 Asia/Kolkata", name="Carrier X")
    winter = uncovered(UK_OFFICE, india, date(2026, 1, 5), date(2026, 1, 30))
    assert winter.describe() == "Mon-Fri 12:30-17:00 Europe/London"
    summer = uncovered(UK_OFFICE, india, date(2026, 6, 1), date(2026, 6, 30))
    assert summer.describe() == "Mon-Fri 13:30-17:00 Europe/London"
    # Over a range with both, the pattern names the widest gap, never less than the truth.
    both = uncovered(UK_OFFICE, india, date(2026, 10, 1), date(2026, 11, 30))
    assert both.weekly[0] == (0, time(12, 30), time(17, 0))
    # A 24x7 SLA in London sees the Indian night and the whole weekend.
    nights = uncovered(UK_24X7, india, date(2026, 1, 5), date(2026, 1, 18))
    assert nights.describe() == "Sat-Sun 00:00-24:00 and Mon-Fri 00:00-03:30, 12:30-24:00 Europe/London"


def test_supplier_holiday_the_sla_country_does_not_have():
    india = cal("Mon-Fri 09:00-18:00 Asia/Kolkata", "IN", name="Carrier X")
    gap = uncovered(UK_OFFICE, india, date(2026, 10, 1), date(2026, 10, 31))
    assert (date(2026, 10, 2), "Carrier X's public holiday: Mahatma Gandhi's Birthday") in gap.dates
    assert (date(2026, 10, 20), "Carrier X's public holiday: Dussehra") in gap.dates
    assert "also 2 Oct 2026 (Carrier X's public holiday: Mahatma Gandhi's Birthday)" in gap.describe()
    # Christmas is a holiday on both sides, so the SLA needs nothing then.
    december = uncovered(UK_OFFICE, india, date(2026, 12, 20), date(2026, 12, 31))
    assert date(2026, 12, 25) not in [d for d, _ in december.dates]


def test_supplier_closure_and_a_zone_ahead_of_the_need():
    # Sydney is 11h ahead in January: its Tuesday closure hits London's Monday evening.
    sydney = cal("24x7 Australia/Sydney", closures={date(2026, 1, 13)}, name="Night desk")
    gap = uncovered(UK_24X7, sydney, date(2026, 1, 5), date(2026, 1, 18))
    assert gap.weekly == ()
    assert gap.dates == (
        (date(2026, 1, 12), "Night desk's closure"),
        (date(2026, 1, 13), "Night desk's closure"),
    )
    assert gap.describe() == "12 Jan 2026 (Night desk's closure), 13 Jan 2026 (Night desk's closure)"


def test_describe_is_bounded():
    closures = frozenset(date(2026, 5, 1) + timedelta(days=i) for i in range(14))
    gap = uncovered(UK_24X7, cal("24x7 Europe/London", closures=closures), date(2026, 5, 1), date(2026, 5, 31))
    text = gap.describe()
    assert text.count("(closure)") == 10 and text.endswith("and 4 more days")
    assert Uncovered(dates=((date(2026, 1, 1), ""),)).describe() == "1 Jan 2026"


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

CALENDARS = [
    UK_OFFICE,
    UK_24X7,
    cal("Mon-Fri 09:00-18:00 Asia/Kolkata", "IN"),
    cal("Mon-Fri 08:00-12:00 and 13:00-18:00 America/New_York", "US", "CA"),
    cal("Sun 00:30-03:00, Mon-Sat 22:00-23:30 Europe/London", closures={date(2026, 3, 30)}),
    cal("Mon-Fri 10:00-18:00 Asia/Kathmandu"),
]
calendars = st.sampled_from(CALENDARS)
# Instants through 2026, minute-aligned, covering both clock changes.
instants = st.integers(0, 365 * 24 * 60).map(lambda m: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m))
business_minutes = st.integers(0, 3000).map(lambda m: Duration(minutes=m, business=True))
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(calendars, instants, business_minutes)
def test_business_time_to_the_deadline_is_the_duration(calendar, raw, duration):
    start = calendar.next_open(raw)
    assert calendar.is_open(start)
    due = calendar.deadline(start, duration)
    assert calendar.business_time_between(start, due) == timedelta(minutes=duration.minutes)
    # And from anywhere, open or not.
    assert calendar.business_time_between(raw, calendar.deadline(raw, duration)) == timedelta(minutes=duration.minutes)


@fast
@given(calendars, instants, business_minutes, business_minutes, st.integers(1, 15), st.integers(1, 15))
def test_deadline_is_monotonic_in_the_duration(calendar, start, d1, d2, n1, n2):
    (d1, d2), (n1, n2) = sorted([d1, d2], key=lambda d: d.minutes), sorted([n1, n2])
    assert calendar.deadline(start, d1) <= calendar.deadline(start, d2)
    short, long = Duration(business_days=n1, business=True), Duration(business_days=n2, business=True)
    assert calendar.deadline(start, short) <= calendar.deadline(start, long)
    if n1 < n2:
        assert calendar.deadline(start, short) < calendar.deadline(start, long)


@fast
@given(calendars, instants, st.integers(0, 20 * 24 * 60))
def test_open_intervals_are_sorted_disjoint_inside_the_range_and_hours(calendar, start, length):
    end = start + timedelta(minutes=length)
    intervals = calendar.open_intervals(start, end)
    for (a, b), nxt in zip(intervals, intervals[1:] + [None]):
        assert start <= a < b <= end and a.tzinfo == UTC
        if nxt is not None:
            assert b < nxt[0]  # disjoint, sorted, touching ones merged
        for t in (a, a + (b - a) / 2, b - timedelta(seconds=1)):
            assert calendar.is_open(t)
            local_day = t.astimezone(ZoneInfo(calendar.tz)).date()
            assert calendar.hours.contains(t) and calendar.closed_reason(local_day) is None
        if b < end:
            assert not calendar.is_open(b)
        if a > start:
            assert not calendar.is_open(a - timedelta(seconds=1))
    assert calendar.business_time_between(start, end) == sum((b - a for a, b in intervals), timedelta())
