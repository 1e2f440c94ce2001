"""Tests for bot.backtoback_calc.tightest_ticket: skipping the tickets between two that map alike never changes
which ticket is the tightest, nor its figures (the check's words and waivers' fingerprints depend on both)."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cover.arithmetic import chain_finish, sample_starts, tightest_ticket
from bot.calendars import BusinessCalendar
from bot.parsing import parse_duration, parse_service_hours

CALENDARS = [
    BusinessCalendar(parse_service_hours("Mon-Fri 09:00-17:00 Europe/London"), "GB", "ENG", name="UK office"),
    BusinessCalendar(parse_service_hours("Mon-Sat 09:00-18:00 Asia/Kolkata"), "IN", name="Carrier X"),
    BusinessCalendar(parse_service_hours("24x7 Europe/London"), name="Acme 24x7"),
    BusinessCalendar(parse_service_hours("Mon-Fri 08:00-12:00, 13:00-18:00 America/New_York"), "US",
             closures=frozenset({date(2026, 3, 30)}), name="NY desk"),
]
DURATIONS = ["30m", "4h", "2 business hours", "8 business hours", "1 business day", "45 business minutes"]


def every_ticket(samples, sla_calendar, sla_duration, stages, handoff):
    """The definition: simulate every sample, keep the least spare (the earliest of equals)."""
    tightest = None
    for start in samples:
        due = sla_calendar.deadline(start, sla_duration)
        finish, slowest = chain_finish(start, stages, handoff, sla_calendar)
        if tightest is None or due - finish < tightest[0]:
            tightest = (due - finish, start, due, finish, slowest)
    return tightest


leg = st.tuples(st.sampled_from(CALENDARS), st.sampled_from(DURATIONS).map(parse_duration))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sla=leg, stages=st.lists(st.lists(leg, min_size=1, max_size=2), min_size=1, max_size=3),
       handoff=st.sampled_from(["1m", "15m", "1h"]).map(parse_duration),
       first=st.dates(date(2026, 1, 1), date(2026, 12, 1)))
def test_the_tightest_ticket_is_the_one_simulating_every_ticket_finds(sla, stages, handoff, first):
    calendar, duration = sla
    samples = sample_starts(calendar, first, first + timedelta(days=20), [c for s in stages for c, _ in s], 1,
                            timedelta(minutes=30))
    assert tightest_ticket(samples, calendar, duration, stages, handoff) == every_ticket(
        samples, calendar, duration, stages, handoff)
