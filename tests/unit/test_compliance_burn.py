"""Period compliance and burn-rate alerts: pure logic."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendars import CALENDAR_24X7_UTC
from bot.calendars import Calendar as BusinessCalendar
from bot.measurements import burn, compliance
from bot.parsing import parse_service_hours

UTC = timezone.utc
OFFICE = BusinessCalendar(parse_service_hours("Mon-Fri 09:00-17:00 Europe/London"), holidays_country="GB",
                          holidays_subdiv="ENG")


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_periods_follow_the_calendar_month_and_the_financial_year():
    month = compliance.period_of("monthly", at(12, 7, 9), "Europe/London")
    assert (month.start, month.end, month.label) == (at(12, 1), at(12, 31) + timedelta(days=1) - timedelta(0), "Dec 2026")
    q = compliance.period_of("quarterly", at(12, 7, 9), "Europe/London", fy_start_month=4)
    assert q.label == "Q3 2026/27 (Oct-Dec)" and q.start == at(9, 30, 23)  # 1 Oct 00:00 BST
    fy = compliance.period_of("yearly", at(2, 7), "UTC", fy_start_month=4)
    assert fy.label == "FY 2025/26" and fy.start == at(4, 1, year=2025) and fy.end == at(4, 1)
    week = compliance.period_of("weekly", at(12, 9, 12))
    assert week.start == at(12, 7) and week.length == timedelta(days=7)
    assert [p.label for p in compliance.previous(month, "Europe/London")] == ["Sep 2026", "Oct 2026", "Nov 2026"]


def test_availability_is_counted_within_service_hours():
    month = compliance.period_of("monthly", at(12, 7), "Europe/London")
    # Down Friday 4 Dec 16:00 to Monday 7 Dec 10:00: only 16:00-17:00 and 09:00-10:00 are service hours.
    status = compliance.availability(OFFICE, [(at(12, 4, 16), at(12, 7, 10))], Decimal("99"), month, at(12, 7, 12))
    assert status.down_so_far == timedelta(hours=2)
    assert status.open_so_far == timedelta(hours=4 * 8 + 3)
    assert status.achieved == Decimal("94.286")
    # December in the office: 21 open days (25, 28 Dec are holidays; 26 Dec a Saturday) = 168h; 1% = 1h41m.
    assert status.open_total == timedelta(hours=168) and status.budget == timedelta(minutes=100.8)
    assert status.budget_used_percent > 100 and status.met is False


def test_overlapping_outages_count_once():
    assert compliance.downtime(CALENDAR_24X7_UTC, [(at(1, 1, 1), at(1, 1, 3)), (at(1, 1, 2), at(1, 1, 4))],
                               at(1, 1), at(1, 2)) == timedelta(hours=3)


def test_ticket_and_metric_shares():
    share = compliance.ticket_share([True, True, False, None], Decimal(95))
    assert (share.met, share.counted, share.achieved, share.below_goal) == (2, 3, Decimal("66.667"), True)
    metric = compliance.metric_share([(1500, "ms"), (2.5, "s"), (1.9, ""), (3, "GB")], Decimal(2), "s", None)
    assert (metric.met, metric.counted, metric.goal) == (2, 3, Decimal(100))


def test_the_workbook_windows_for_a_30_day_period_and_scaled_for_others():
    thirty = timedelta(days=30)
    assert [w.rate(thirty) for w in burn.WINDOWS] == [14.4, 6.0, 1.0]
    assert [w.rate(timedelta(days=7)) for w in burn.WINDOWS] == [3.36, 1.4, 0.23]


def test_a_fast_burn_warns_with_the_time_left():
    month = compliance.period_of("monthly", at(12, 7))
    outages = [(at(12, 7, 9), None)]
    now = at(12, 7, 9, 6)
    status = compliance.availability(CALENDAR_24X7_UTC, outages, Decimal("99.9"), month, now)
    alert = burn.check(CALENDAR_24X7_UTC, outages, status, now)
    assert alert is not None and alert.window.long == timedelta(hours=1)
    # 44.64 min of budget, 6 min used, burning at 100% of the time: gone in 38.64 min.
    assert alert.gone_in == timedelta(minutes=38.64)
    assert alert.summary == "at this rate this month's 99.9% is gone in 38m"


def test_a_steady_burn_is_the_six_hour_window_and_a_weekend_spends_nothing():
    month = compliance.period_of("monthly", at(12, 7))
    # 99% (7h26m budget in 24x7 December): down 5 min of every hour for three days = 8.3% error rate, 8.3x.
    outages = [(at(12, 4) + timedelta(hours=h), at(12, 4) + timedelta(hours=h, minutes=5)) for h in range(73)]
    now = at(12, 7, 0, 4)  # 4 of the last 30 minutes down: the short window burns too
    status = compliance.availability(CALENDAR_24X7_UTC, outages, Decimal("99"), month, now)
    alert = burn.check(CALENDAR_24X7_UTC, outages, status, now)
    assert alert is not None and alert.window.long == timedelta(hours=6)
    weekend = [(at(12, 5, 9), at(12, 6, 17))]
    office_status = compliance.availability(OFFICE, weekend, Decimal("99"), month, at(12, 6, 18))
    assert burn.check(OFFICE, weekend, office_status, at(12, 6, 18)) is None


@settings(max_examples=50, deadline=None)
@given(spans=st.lists(st.tuples(st.integers(0, 31 * 24 * 60), st.integers(1, 24 * 60)), max_size=6),
       now_minute=st.integers(0, 31 * 24 * 60))
def test_achievement_is_between_0_and_100_and_down_time_never_exceeds_open_time(spans, now_minute):
    month = compliance.period_of("monthly", at(12, 1))
    outages = [(at(12, 1) + timedelta(minutes=s), at(12, 1) + timedelta(minutes=s + d)) for s, d in spans]
    now = at(12, 1) + timedelta(minutes=now_minute)
    status = compliance.availability(OFFICE, outages, Decimal("99.5"), month, now)
    assert status.down_so_far <= status.open_so_far <= status.open_total
    if status.achieved is not None:
        assert Decimal(0) <= status.achieved <= Decimal(100)
        assert status.at_best >= status.achieved or status.open_so_far == status.open_total
    if burn.check(OFFICE, outages, status, now) is not None:
        assert status.down_so_far > timedelta(0)
