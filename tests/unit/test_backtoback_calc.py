"""Tests for bot.cover.arithmetic.tightest_ticket: simulating every sampled ticket at once (numpy) names the same
tightest ticket with the same figures as simulating them one by one, and as main's method (the ends of runs that
map alike): the check's words, its verdicts and waivers' fingerprints depend on them (tests/cover_oracle.py)."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cover.arithmetic import sample_starts, tightest_ticket
from bot.calendars import BusinessCalendar
from bot.parsing import parse_duration, parse_service_hours
from tests.cover_oracle import every_ticket, tightest_ticket_by_halving

CALENDARS = [
    BusinessCalendar(parse_service_hours("Mon-Fri 09:00-17:00 Europe/London"), "GB", "ENG", name="UK office"),
    BusinessCalendar(parse_service_hours("Mon-Sat 09:00-18:00 Asia/Kolkata"), "IN", name="Carrier X"),
    BusinessCalendar(parse_service_hours("24x7 Europe/London"), name="Acme 24x7"),
    BusinessCalendar(parse_service_hours("Mon-Fri 08:00-12:00, 13:00-18:00 America/New_York"), "US",
             closures=frozenset({date(2026, 3, 30)}), name="NY desk"),
]
DURATIONS = ["30m", "4h", "2 business hours", "8 business hours", "1 business day", "45 business minutes"]


leg = st.tuples(st.sampled_from(CALENDARS), st.sampled_from(DURATIONS).map(parse_duration))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sla=leg, stages=st.lists(st.lists(leg, min_size=1, max_size=2), min_size=1, max_size=3),
       handoff=st.sampled_from(["1m", "15m", "1h"]).map(parse_duration),
       first=st.dates(date(2026, 1, 1), date(2026, 12, 1)))
def test_the_tightest_ticket_is_the_one_simulating_every_ticket_finds(sla, stages, handoff, first):
    calendar, duration = sla
    samples = sample_starts(calendar, first, first + timedelta(days=20), [c for s in stages for c, _ in s], 1,
                            timedelta(minutes=30))
    found = tightest_ticket(samples, calendar, duration, stages, handoff)
    assert found == every_ticket(samples, calendar, duration, stages, handoff)
    assert found == tightest_ticket_by_halving(samples, calendar, duration, stages, handoff)


ZONES = ["Europe/London", "Asia/Kolkata", "America/New_York", "Australia/Sydney", "UTC", "America/St_Johns"]
HOLIDAYS = [(None, None), ("GB", "ENG"), ("IN", None), ("US", "CA"), ("AU", "NSW")]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@st.composite
def calendars(draw):
    """A random weekly calendar: some days, one or two windows a day (one may run to midnight), a zone with or
    without clock changes, perhaps a country's holidays and a few closures."""
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    opens = draw(st.integers(0, 20 * 4)) * 15
    closes = draw(st.integers(opens // 15 + 1, 24 * 4)) * 15
    windows = [(opens, closes)]
    if closes <= 20 * 60 and draw(st.booleans()):
        later = draw(st.integers(closes // 15 + 1, 23 * 4)) * 15
        windows.append((later, draw(st.integers(later // 15 + 1, 24 * 4)) * 15))
    hhmm = lambda m: "24:00" if m == 1440 else f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    spans = ", ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in windows)
    zone = draw(st.sampled_from(ZONES))
    country, subdiv = draw(st.sampled_from(HOLIDAYS))
    closures = frozenset(draw(st.lists(st.dates(date(2026, 1, 1), date(2027, 3, 1)), max_size=3)))
    return BusinessCalendar(parse_service_hours(f"{','.join(days)} {spans} {zone}"), country, subdiv,
                            closures=closures, name="random")


random_leg = st.tuples(calendars(), st.sampled_from(DURATIONS + ["1h", "3 business hours", "2 business days"])
                       .map(parse_duration))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sla=random_leg, stages=st.lists(st.lists(random_leg, min_size=1, max_size=2), min_size=1, max_size=3),
       handoff=st.sampled_from(["1m", "15m", "1h", "30 business minutes"]).map(parse_duration),
       first=st.dates(date(2026, 1, 1), date(2026, 12, 1)), days=st.integers(0, 40),
       step=st.sampled_from([7, 30, 60]))
def test_on_random_calendars_the_tightest_ticket_is_main_s_and_the_definition_s(sla, stages, handoff, first, days,
                                                                             step):
    calendar, duration = sla
    samples = sample_starts(calendar, first, first + timedelta(days=days), [c for s in stages for c, _ in s], 1,
                            timedelta(minutes=step))
    found = tightest_ticket(samples, calendar, duration, stages, handoff)
    assert found == tightest_ticket_by_halving(samples, calendar, duration, stages, handoff)
    assert found == every_ticket(samples, calendar, duration, stages, handoff)
