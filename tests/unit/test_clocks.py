"""Ticket clocks: business time in the target's calendar, pauses, reopening, warning and breach, explained."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendars import CALENDAR_24X7_UTC
from bot.calendars import BusinessCalendar
from bot.measurements.clocks import ClockEvent, compute, format_span, summary
from bot.measurements.states import Level
from bot.parsing import parse_duration, parse_service_hours

UTC = timezone.utc
LONDON_9_5 = BusinessCalendar(parse_service_hours("Mon-Fri 09:00-17:00 Europe/London"), holidays_country="GB",
                              holidays_subdiv="ENG")


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_a_p1_clock_warns_at_the_warning_level_then_breaches_at_100_percent():
    clock = compute("resolution", at(1, 10), [], parse_duration("4h"), CALENDAR_24X7_UTC, at(1, 15),
                    warning_percent=75)
    assert clock.warned_at == at(1, 13) and clock.breached_at == at(1, 14)
    assert clock.level is Level.BREACHED and clock.remaining == timedelta(hours=-1)
    assert summary(clock) == "over by 1h (5h of 4h)"
    early = compute("resolution", at(1, 10), [], parse_duration("4h"), CALENDAR_24X7_UTC, at(1, 13, 30))
    assert early.level is Level.WARNING and early.due_at == at(1, 14) and early.breached_at is None


def test_a_clock_stopped_on_exactly_the_time_allowed_is_in_time():
    resolved = compute("resolution", at(1, 10), [ClockEvent("resolved", at(1, 14))], parse_duration("4h"),
                       CALENDAR_24X7_UTC, at(1, 15))
    assert (resolved.level, resolved.met, resolved.breached_at) == (Level.WARNING, True, None)
    assert summary(resolved) == "4h of 4h used, resolution in time"
    running = compute("resolution", at(1, 10), [], parse_duration("4h"), CALENDAR_24X7_UTC, at(1, 14))
    assert running.level is Level.BREACHED and running.breached_at == at(1, 14)  # at 100% it breaches


def test_a_weekend_in_a_business_hours_calendar_is_not_counted_and_says_so():
    # Friday 4 Dec 2026, 16:00 London; 2 business hours fall due Monday 10:00.
    clock = compute("resolution", at(4, 16), [], parse_duration("2 business hours"), LONDON_9_5, at(7, 9, 30))
    assert clock.used == timedelta(hours=1, minutes=30) and clock.due_at == at(7, 10)
    closed = [s for s in clock.segments if not s.counted]
    assert [s.why for s in closed] == ["outside hours"]
    assert closed[0].start == at(4, 17) and closed[0].end == at(7, 9)


def test_a_holiday_is_named_in_the_timeline():
    clock = compute("resolution", at(24, 16), [], parse_duration("2 business hours"), LONDON_9_5, at(29, 10))
    reasons = [s.why for s in clock.segments if not s.counted]
    assert "public holiday: Christmas Day" in reasons and "public holiday: Boxing Day (observed)" in reasons
    assert clock.breached_at == at(29, 10) and clock.level is Level.BREACHED


def test_a_paused_ticket_stops_its_clock_and_the_reason_is_shown():
    events = [ClockEvent("paused", at(1, 11), "awaiting customer"), ClockEvent("resumed", at(1, 13))]
    clock = compute("resolution", at(1, 10), events, parse_duration("4h"), CALENDAR_24X7_UTC, at(1, 15))
    assert clock.used == timedelta(hours=3) and clock.level is Level.WARNING
    assert [(s.counted, s.why) for s in clock.segments] == [
        (True, "24x7 clock"), (False, "paused: awaiting customer"), (True, "24x7 clock")]
    still_paused = compute("resolution", at(1, 10), events[:1], parse_duration("4h"), CALENDAR_24X7_UTC, at(1, 20))
    assert still_paused.paused and still_paused.used == timedelta(hours=1) and still_paused.due_at is None


def test_a_reopened_ticket_resumes_its_resolution_clock_but_not_its_response_clock():
    events = [ClockEvent("responded", at(1, 10, 10)), ClockEvent("resolved", at(1, 11)),
              ClockEvent("reopened", at(2, 9))]
    resolution = compute("resolution", at(1, 10), events, parse_duration("4h"), CALENDAR_24X7_UTC, at(2, 10))
    assert resolution.used == timedelta(hours=2) and resolution.stopped_at is None
    assert any(s.why == "stopped: resolved" and not s.counted for s in resolution.segments)
    response = compute("response", at(1, 10), events, parse_duration("30m"), CALENDAR_24X7_UTC, at(2, 10))
    assert response.used == timedelta(minutes=10) and response.stopped_at == at(1, 10, 10) and response.met


def test_a_resolution_without_a_response_stops_the_response_clock_too():
    clock = compute("response", at(1, 10), [ClockEvent("resolved", at(1, 10, 20))], parse_duration("1h"),
                    CALENDAR_24X7_UTC, at(1, 18))
    assert clock.used == timedelta(minutes=20) and clock.met is True


def test_odd_sequences_change_nothing():
    events = [ClockEvent("resumed", at(1, 11)), ClockEvent("reopened", at(1, 12)), ClockEvent("paused", at(1, 13)),
              ClockEvent("paused", at(1, 14), "second pause ignored"), ClockEvent("opened", at(1, 9))]
    clock = compute("resolution", at(1, 10), events, parse_duration("8h"), CALENDAR_24X7_UTC, at(1, 16))
    assert clock.used == timedelta(hours=3) and clock.paused


def test_events_after_now_are_not_known_yet():
    events = [ClockEvent("resolved", at(1, 12))]
    clock = compute("resolution", at(1, 10), events, parse_duration("4h"), CALENDAR_24X7_UTC, at(1, 11))
    assert clock.used == timedelta(hours=1) and clock.stopped_at is None


def test_business_days_count_the_open_time_to_the_day_they_fall_due():
    clock = compute("resolution", at(7, 9), [], parse_duration("2 business days"), LONDON_9_5, at(9, 9))
    # the 16th open hour ends at Tuesday's close: the same open time as Wednesday 09:00, reached first
    assert clock.allowed == timedelta(hours=16) and clock.breached_at == at(8, 17)


def test_format_span():
    assert format_span(timedelta(hours=3, minutes=12)) == "3h12m"
    assert format_span(timedelta(days=2, hours=4)) == "2d 4h"
    assert format_span(timedelta(minutes=-65)) == "-1h05m"
    assert format_span(timedelta(0)) == "0m"


# ---- properties -------------------------------------------------------------------------------------------------------
KINDS = st.sampled_from(["paused", "resumed", "resolved", "reopened", "responded", "assigned"])
EVENTS = st.lists(st.tuples(KINDS, st.integers(0, 14 * 24 * 60)), max_size=12)


def _events(raw) -> list[ClockEvent]:
    start = at(1, 0)
    return [ClockEvent(kind, start + timedelta(minutes=m), "awaiting customer" if kind == "paused" else None)
            for kind, m in raw]


@settings(max_examples=60, deadline=None)
@given(raw=EVENTS, opened=st.integers(0, 7 * 24 * 60), later=st.integers(0, 14 * 24 * 60),
       kind=st.sampled_from(["response", "resolution"]))
def test_the_timeline_covers_the_ticket_without_gaps_and_counts_only_open_time(raw, opened, later, kind):
    opened_at = at(1, 0) + timedelta(minutes=opened)
    now = opened_at + timedelta(minutes=later)
    clock = compute(kind, opened_at, _events(raw), parse_duration("4 business hours"), LONDON_9_5, now)
    cursor = opened_at
    for seg in clock.segments:
        assert seg.start == cursor and seg.end > seg.start
        if seg.counted:
            assert LONDON_9_5.business_time_between(seg.start, seg.end) == seg.length
        cursor = seg.end
    assert cursor == now or (not clock.segments and now == opened_at)
    assert clock.used == sum((s.length for s in clock.segments if s.counted), timedelta())
    assert clock.used <= LONDON_9_5.business_time_between(opened_at, now)


@settings(max_examples=60, deadline=None)
@given(raw=EVENTS, later=st.integers(0, 14 * 24 * 60), more=st.integers(0, 3 * 24 * 60))
def test_a_clock_never_runs_backwards_and_a_breach_stays_put(raw, later, more):
    opened_at, events = at(1, 0), _events(raw)
    first = compute("resolution", opened_at, events, parse_duration("6 business hours"), LONDON_9_5,
                    opened_at + timedelta(minutes=later))
    second = compute("resolution", opened_at, events, parse_duration("6 business hours"), LONDON_9_5,
                     opened_at + timedelta(minutes=later + more))
    assert second.used >= first.used
    if first.breached_at is not None:
        assert second.breached_at == first.breached_at
    if first.warned_at is not None:
        assert second.warned_at == first.warned_at


@settings(max_examples=60, deadline=None)
@given(later=st.integers(0, 30 * 24 * 60))
def test_without_events_a_24x7_clock_counts_every_minute(later):
    now = at(1, 0) + timedelta(minutes=later)
    clock = compute("resolution", at(1, 0), [], parse_duration("4h"), CALENDAR_24X7_UTC, now)
    assert clock.used == now - at(1, 0)
    assert (clock.breached_at is not None) == (clock.used >= timedelta(hours=4))
