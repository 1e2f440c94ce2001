"""An OLA leg's own clock (bot.measurements.legs): each group's hand-off stretches, counted in its OLA's calendar."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendars import CALENDAR_24X7_UTC, BusinessCalendar
from bot.measurements.clocks import ClockEvent, compute
from bot.measurements.legs import Assignment, LegTarget, holdings, measure, ran_over, verdict
from bot.parsing import parse_duration, parse_service_hours

UTC = timezone.utc
LONDON_9_5 = BusinessCalendar(parse_service_hours("Mon-Fri 09:00-17:00 Europe/London"), holidays_country="GB",
                              holidays_subdiv="ENG", name="UK office")
DESK, NETWORK = 1, 2
EIGHT_BH = parse_duration("8 business hours")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)  # December: London is on UTC


def ola(target_id: int, text: str, calendar=LONDON_9_5, linked=True) -> LegTarget:
    return LegTarget(target_id, parse_duration(text), text, calendar, f"OLA {target_id} T1", linked)


def test_each_group_is_measured_for_the_time_it_held_the_ticket_against_its_own_ola():
    # Mon 7 Dec 2026: opened and given to the desk at 09:00, handed to Network at 12:10, resolved at 15:00.
    events = [ClockEvent("resolved", at(7, 15))]
    handed = [Assignment(at(7, 9), DESK), Assignment(at(7, 12, 10), NETWORK)]
    targets = {DESK: ola(10, "2 business hours"), NETWORK: ola(20, "4 business hours")}
    desk, network = measure("resolution", at(7, 9), events, handed, targets.get, EIGHT_BH, LONDON_9_5, at(7, 16))
    # Desk: 09:00-12:10 = 3h10m of its 2h, over by 1h10m. Network: 12:10-15:00 = 2h50m of its 4h, within.
    assert (desk.group_id, desk.used, desk.allowed, desk.over) == (DESK, timedelta(hours=3, minutes=10),
                                                                    timedelta(hours=2), True)
    assert desk.stretches == ((at(7, 9), at(7, 12, 10)),)
    assert (network.used, network.over, network.holding) == (timedelta(hours=2, minutes=50), False, False)
    assert network.stretches == ((at(7, 12, 10), at(7, 15)),)  # shown to the resolution, not to now
    assert verdict(desk) == "over its OLA's 2 business hours by 1h10m (3h10m of 2h)"
    assert verdict(network) == "within its OLA's 4 business hours (2h50m of 4h)"
    assert ran_over(desk, "Service desk") == ("Service desk held it 3h10m against its OLA's 2 business hours "
                                              "(over by 1h10m)")


def test_a_group_that_holds_it_twice_sums_its_stretches_and_hours_outside_its_calendar_do_not_count():
    # Fri 4 Dec 16:00 desk, 16:30 network, Mon 7 Dec 10:00 back to the desk, resolved Mon 11:00.
    handed = [Assignment(at(4, 16), DESK), Assignment(at(4, 16, 30), NETWORK), Assignment(at(7, 10), DESK)]
    events = [ClockEvent("resolved", at(7, 11))]
    targets = {DESK: ola(10, "1 business hours"), NETWORK: ola(20, "4h", CALENDAR_24X7_UTC)}
    desk, network = measure("resolution", at(4, 16), events, handed, targets.get, EIGHT_BH, LONDON_9_5, at(8, 9))
    # Desk: Fri 16:00-16:30 (30m) + Mon 10:00-11:00 (1h) = 1h30m of 1h, over by 30m: two stretches, one leg.
    assert desk.used == timedelta(hours=1, minutes=30) and desk.over and len(desk.stretches) == 2
    assert ran_over(desk, "Desk") == ("Desk held it twice, 1h30m in all, against its OLA's 1 business hours "
                                      "(over by 30m)")
    # Network counts 24x7: Fri 16:30 to Mon 10:00 = 7h30m + 24h + 24h + 10h = 65h30m of 4h.
    assert network.used == timedelta(hours=65, minutes=30) and network.over_by == timedelta(hours=61, minutes=30)


def test_a_pause_stops_the_leg_of_whoever_holds_it_and_a_group_without_an_ola_has_nothing_to_be_over():
    handed = [Assignment(at(7, 9), DESK), Assignment(at(7, 10), NETWORK)]
    events = [ClockEvent("paused", at(7, 11), "awaiting customer"), ClockEvent("resumed", at(7, 13))]
    desk, network = measure("resolution", at(7, 9), events, handed, {DESK: ola(10, "2 business hours")}.get,
                            EIGHT_BH, LONDON_9_5, at(7, 14))
    # Network holds 10:00-14:00 (now), paused 11:00-13:00: 1h + 1h = 2h, in the SLA's calendar, no target.
    assert network.used == timedelta(hours=2) and network.target is None and not network.over and network.holding
    assert verdict(network) == "no OLA target for this ticket: 2h held"
    assert desk.used == timedelta(hours=1) and not desk.holding
    assert verdict(desk) == "within its OLA's 2 business hours (1h of 2h)"


def test_time_before_the_first_assignment_and_a_same_group_assignment_are_nobody_s_and_nothing():
    handed = [Assignment(at(7, 10), DESK), Assignment(at(7, 11), DESK)]
    assert holdings(handed, at(7, 9), at(7, 12)) == [(DESK, (at(7, 10), at(7, 12)))]
    [desk] = measure("resolution", at(7, 9), [], handed, {}.get, EIGHT_BH, LONDON_9_5, at(7, 12))
    assert desk.used == timedelta(hours=2)  # 10:00-12:00; 09:00-10:00 was held by nobody
    assert measure("resolution", at(7, 9), [], [], {}.get, EIGHT_BH, LONDON_9_5, at(7, 12)) == []


def test_a_response_leg_stops_at_the_first_response():
    handed = [Assignment(at(7, 9), DESK), Assignment(at(7, 9, 40), NETWORK)]
    events = [ClockEvent("responded", at(7, 10))]
    desk, network = measure("response", at(7, 9), events, handed, {}.get, parse_duration("1 business hours"),
                            LONDON_9_5, at(7, 12))
    assert (desk.used, network.used) == (timedelta(minutes=40), timedelta(minutes=20))  # 09:00-09:40, 09:40-10:00


# ---- the rule: with one calendar and no time held by nobody, the legs add up to the SLA clock -----------------
START = at(4, 8)  # Friday 4 Dec 08:00 UTC, an hour before the office opens
offsets = st.integers(min_value=0, max_value=5 * 24 * 60)  # minutes after the opening, within five days
ticket_events = st.lists(st.tuples(st.sampled_from(["paused", "resumed", "resolved", "reopened", "responded"]),
                                   offsets), max_size=8)
hand_offs = st.lists(st.tuples(offsets, st.integers(min_value=1, max_value=4)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(events=ticket_events, handed=hand_offs, first=st.integers(min_value=1, max_value=4),
       kind=st.sampled_from(["response", "resolution"]), business=st.booleans(),
       now_after=st.integers(min_value=0, max_value=6 * 24 * 60))
def test_the_legs_add_up_to_the_sla_clock_when_they_count_in_its_calendar(events, handed, first, kind, business,
                                                                          now_after):
    calendar, duration = (LONDON_9_5, EIGHT_BH) if business else (CALENDAR_24X7_UTC, parse_duration("8h"))
    now = START + timedelta(minutes=now_after)
    clock_events = [ClockEvent(k, START + timedelta(minutes=m), "why") for k, m in events]
    assignments = [Assignment(START, first)] + [Assignment(START + timedelta(minutes=m), g) for m, g in handed]
    same = {g: LegTarget(g, duration, "8", calendar, "OLA", True) for g in range(1, 5)}
    sla = compute(kind, START, clock_events, duration, calendar, now)
    for target_of in (same.get, {}.get):  # each group's OLA in the SLA's calendar, or none (the SLA's calendar)
        legs = measure(kind, START, clock_events, assignments, target_of, duration, calendar, now)
        assert sum((leg.used for leg in legs), timedelta(0)) == sla.used
        assert len({leg.group_id for leg in legs}) == len(legs)  # one leg a group, however often it held it
        assert sum(1 for leg in legs if leg.holding) <= 1


@settings(max_examples=100, deadline=None)
@given(events=ticket_events, handed=hand_offs, now_after=st.integers(min_value=0, max_value=6 * 24 * 60))
def test_time_held_by_nobody_only_takes_away_from_the_legs(events, handed, now_after):
    now = START + timedelta(minutes=now_after)
    clock_events = [ClockEvent(k, START + timedelta(minutes=m), "why") for k, m in events]
    assignments = [Assignment(START + timedelta(minutes=m), g) for m, g in handed]
    sla = compute("resolution", START, clock_events, EIGHT_BH, LONDON_9_5, now)
    legs = measure("resolution", START, clock_events, assignments, {}.get, EIGHT_BH, LONDON_9_5, now)
    assert sum((leg.used for leg in legs), timedelta(0)) <= sla.used
