"""Issue 17's pure logic: workload limits and windows as people type them, and the spans left out of availability
and ticket clocks (hand-computed figures, and properties that hold for any span)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from bot.calendars import CALENDAR_24X7_UTC
from bot.measurements import clocks, compliance
from bot.parsing import ParseError, parse_duration
from bot.parsing.limits import Limit, format_excuses, format_limit, parse_limit
from bot.parsing.windows import format_length, format_window, parse_window

UTC = timezone.utc
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed, limit, words", [
    ("up to 400 tickets a month", Limit("tickets", None, 400, "monthly", "response,resolution"),
     "up to 400 tickets a month"),
    ("Up to 50 P1 a quarter", Limit("tickets", "P1", 50, "quarterly", "response,resolution"),
     "up to 50 P1 tickets a quarter"),
    ("up to 2,000 users", Limit("users", None, 2000, "monthly", "all"), "up to 2,000 users a month"),
    ("120 P2 tickets per week excusing resolution targets", Limit("tickets", "P2", 120, "weekly", "resolution"),
     "up to 120 P2 tickets a week"),
    ("up to 10 tickets monthly, excusing t1 and T3", Limit("tickets", None, 10, "monthly", "T1,T3"),
     "up to 10 tickets a month"),
    ("at most 5 incidents a year excusing all targets", Limit("tickets", None, 5, "yearly", "all"),
     "up to 5 tickets a year"),
])
def test_limits_read_as_typed_and_write_back(typed, limit, words):
    assert parse_limit(typed) == limit
    assert format_limit(limit) == words
    assert parse_limit(format_limit(limit)).amount == limit.amount


@pytest.mark.parametrize("typed, reason", [
    ("lots of tickets", "say how many of what"),
    ("up to 0 tickets a month", "is not a whole number above 0"),
    ("up to 2.5 tickets a month", "say how many of what"),
    ("up to 10 P1 users", "users have no priority"),
    ("up to 10 tickets a month excusing the weather", "“the” is not a target"),
])
def test_unreadable_limits_say_why_in_the_users_words(typed, reason):
    with pytest.raises(ParseError) as err:
        parse_limit(typed)
    assert f'I couldn\'t read "{typed}" as a workload limit' in str(err.value) and reason in str(err.value)


def test_excuses_in_words():
    assert format_excuses("response,resolution") == "response and resolution targets"
    assert format_excuses("all") == "all targets"
    assert format_excuses("resolution,T4") == "resolution targets, T4"


def test_a_window_across_the_clocks_going_forward_is_as_long_as_it_really_is():
    # 28 Mar 22:00 GMT = 22:00 UTC; the clocks go forward at 01:00 GMT on 29 Mar, so 04:00 BST = 03:00 UTC: 5 h.
    span = parse_window("2026-03-28 22:00-04:00 Europe/London", "UTC", MONDAY)
    assert span.start == datetime(2026, 3, 28, 22, 0, tzinfo=UTC) and span.length == timedelta(hours=5)
    assert format_window(span) == "Sat 28 Mar 2026 22:00 – Sun 04:00 Europe/London"  # overnight: ends on Sunday
    assert format_length(span.length) == "5 h"


def test_a_window_within_a_day_and_its_length_in_hours_and_minutes():
    # 10:00 to 11:30 the same day: 90 minutes = 1 h 30 m
    span = parse_window("2026-03-28 10:00-11:30 UTC", "UTC", MONDAY)
    assert format_window(span) == "Sat 28 Mar 2026 10:00–11:30 UTC"
    assert format_length(span.length) == "1 h 30 m"
    assert format_length(timedelta(hours=4)) == "4 h" and format_length(timedelta(minutes=45)) == "45 m"


def test_a_weekday_is_the_next_one_still_to_come():
    # Monday 2 Mar 09:00 UTC: "Mon 08:00" has passed today (08:00 London = 08:00 UTC), so next Monday.
    assert parse_window("Mon 08:00 for 30m", "Europe/London", MONDAY).start == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert parse_window("monday 10:00 for 1h", "Europe/London", MONDAY).start == datetime(2026, 3, 2, 10, 0,
                                                                                          tzinfo=UTC)
    # Paris is an hour ahead in March: Sat 22:00 there is 21:00 UTC.
    assert parse_window("Sat 22:00 for 4 hours Europe/Paris", "UTC", MONDAY).start == datetime(2026, 3, 7, 21, 0,
                                                                                               tzinfo=UTC)


@pytest.mark.parametrize("typed, reason", [
    ("2026-02-30 10:00-11:00", "“2026-02-30” is not a date"),
    ("Sat 25:00-26:00", "“25:00” is not a time of day"),
    ("Sat 22:00 for 2 business days", "give the length in clock time"),
    ("2026-03-01 00:00 for 40 days", "longer than 31 days"),
    ("Funday 10:00-11:00", "say the day, the start, and the end or how long"),
])
def test_unreadable_windows_say_why(typed, reason):
    with pytest.raises(ParseError) as err:
        parse_window(typed, "UTC", MONDAY)
    assert reason in str(err.value)


def test_a_window_is_left_out_of_downtime_and_of_the_period():
    # September: 30 days = 720 h. A 3 h outage (1 Sep 23:00 to 2 Sep 02:00), 2 h of it (00:00-02:00) in a window.
    september = compliance.period_of("monthly", datetime(2026, 9, 10, tzinfo=UTC))
    outages = [(datetime(2026, 9, 1, 23, tzinfo=UTC), datetime(2026, 9, 2, 2, tzinfo=UTC))]
    window = [(datetime(2026, 9, 2, 0, tzinfo=UTC), datetime(2026, 9, 2, 2, tzinfo=UTC), "planned maintenance")]
    end = datetime(2026, 10, 1, tzinfo=UTC)
    counted = compliance.availability(CALENDAR_24X7_UTC, outages, Decimal("99.5"), september, end, window)
    # 1 - 1 h / 718 h = 0.9986072... -> 99.861%; without the window: 1 - 3 h / 720 h = 99.583%
    assert (counted.open_total, counted.down_so_far, counted.achieved) == (timedelta(hours=718), timedelta(hours=1),
                                                                          Decimal("99.861"))
    plain = compliance.availability(CALENDAR_24X7_UTC, outages, Decimal("99.5"), september, end)
    assert plain.achieved == Decimal("99.583")


def test_an_open_outage_stays_open_after_a_window():
    a, b = datetime(2026, 9, 2, 0, tzinfo=UTC), datetime(2026, 9, 2, 2, tzinfo=UTC)
    assert compliance.without([(a - timedelta(hours=1), None)], [(a, b)]) == [(a - timedelta(hours=1), a), (b, None)]


SPANS = st.tuples(st.integers(0, 20 * 60), st.integers(1, 10 * 60))


@settings(max_examples=60, deadline=None)
@given(resolved_after=st.integers(1, 24 * 60), spans=st.lists(SPANS, max_size=3))
def test_a_clock_counts_what_the_exclusions_leave(resolved_after, spans):
    """On a 24x7 clock, time used = time to resolution minus the union of the excluded spans inside it."""
    opened = datetime(2026, 9, 1, 8, tzinfo=UTC)
    resolved = opened + timedelta(minutes=resolved_after)
    excluded = [(opened + timedelta(minutes=s), opened + timedelta(minutes=s + n), "agreed exclusion") for s, n in spans]
    clock = clocks.compute("resolution", opened, [clocks.ClockEvent("resolved", resolved)], parse_duration("4h"),
                           CALENDAR_24X7_UTC, resolved + timedelta(days=1), excluded=excluded)
    minutes = set(range(resolved_after)) - {m for s, n in spans for m in range(s, s + n)}
    assert clock.used == timedelta(minutes=len(minutes))
    assert sum((s.length for s in clock.segments if s.why == "agreed exclusion"), timedelta()) == \
        timedelta(minutes=resolved_after - len(minutes))


def test_a_window_still_to_come_moves_the_due_time_on():
    # Opened 08:00 on a 4h 24x7 clock, seen at 09:00 (1h used, 3h left): due 12:00, but a window 10:00-11:00 UTC
    # takes an hour of it, so it is due at 13:00. A window after 13:00 changes nothing.
    opened = datetime(2026, 9, 1, 8, tzinfo=UTC)
    window = [(datetime(2026, 9, 1, 10, tzinfo=UTC), datetime(2026, 9, 1, 11, tzinfo=UTC), "planned maintenance"),
              (datetime(2026, 9, 1, 14, tzinfo=UTC), datetime(2026, 9, 1, 15, tzinfo=UTC), "planned maintenance")]
    clock = clocks.compute("resolution", opened, [], parse_duration("4h"), CALENDAR_24X7_UTC,
                           opened + timedelta(hours=1), excluded=window)
    assert clock.due_at == datetime(2026, 9, 1, 13, tzinfo=UTC)
    # Inside the window at 10:30 (2h used: 08:00-10:00), the 2h left count from 11:00: due 13:00 still.
    clock = clocks.compute("resolution", opened, [], parse_duration("4h"), CALENDAR_24X7_UTC,
                           datetime(2026, 9, 1, 10, 30, tzinfo=UTC), excluded=window)
    assert (clock.used, clock.due_at) == (timedelta(hours=2), datetime(2026, 9, 1, 13, tzinfo=UTC))
