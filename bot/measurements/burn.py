"""Early warning for period goals: multiwindow, multi-burn-rate alerts on the error budget.

The burn rate is how fast the budget is spent compared with spending it evenly over the period: 1x uses it all
exactly by the period's end, 14.4x uses a 30-day budget in about two days. An alert needs both its long window
(the budget is really being spent) and its short window (it is still being spent now, so the alert stops soon
after the outage does) over the rate. For a 30-day period, as the Google SRE workbook ("Alerting on SLOs") gives
them and Sloth implements them:

    14.4x over 1h and 5m   (2% of the budget gone in an hour)
     6x   over 6h and 30m  (5% in six hours)
     1x   over 3d and 6h   (10% in three days)

For other period lengths the windows and the share of budget each spends stay, and the rate scales with the
period (rate = share x period / long window), as Sloth does: a week's budget is used up by a smaller multiple.

Availability is counted in the target's service hours, so a window's error rate is its downtime over its open
time; a window with no open time (a weekend in a 9-5 calendar) spends nothing.

Pure logic: no database.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bot.calendars import Calendar as BusinessCalendar
from bot.measurements.clocks import after_counted, format_span
from bot.measurements.compliance import Availability, Window, downtime


@dataclass(frozen=True)
class BurnWindow:
    budget_share: float  # of the period's budget spent over the long window at this rate
    long: timedelta
    short: timedelta

    def rate(self, period_length: timedelta) -> float:
        return round(self.budget_share * (period_length / self.long), 2)


WINDOWS = (BurnWindow(0.02, timedelta(hours=1), timedelta(minutes=5)),
           BurnWindow(0.05, timedelta(hours=6), timedelta(minutes=30)),
           BurnWindow(0.10, timedelta(days=3), timedelta(hours=6)))


@dataclass(frozen=True)
class BurnAlert:
    window: BurnWindow
    threshold: float         # the rate that fires it, for this period length
    long_rate: float         # the rate measured over the long window
    short_rate: float
    gone_in: timedelta | None  # wall-clock time until the budget is gone at the current rate
    summary: str             # "at this rate this month's 99.9% is gone in 2 days"


def error_rate(calendar: BusinessCalendar, outages: Sequence[Window], start: datetime, end: datetime) -> float:
    """Downtime over open time within [start, end); 0 when the window has no open time."""
    open_time = calendar.business_time_between(start, end)
    if open_time <= timedelta(0):
        return 0.0
    return downtime(calendar, outages, start, end) / open_time


def burn_rate(rate: float, goal: Decimal) -> float:
    """How many times faster than even the budget is being spent at this error rate."""
    allowed = float((100 - goal) / 100)
    if allowed <= 0:
        return float("inf") if rate > 0 else 0.0
    return rate / allowed


def check(calendar: BusinessCalendar, outages: Sequence[Window], status: Availability, now: datetime,
          windows: Sequence[BurnWindow] = WINDOWS) -> BurnAlert | None:
    """The fastest-burning window whose long and short windows are both over its rate, or None."""
    if status.ended or status.budget_used_percent >= 100:
        return None  # nothing left to warn about before the breach: the period is over or the goal already lost
    for window in windows:  # fastest first: the most urgent alert is the one to tell
        threshold = window.rate(status.period.length)
        long_rate = burn_rate(error_rate(calendar, outages, now - window.long, now), status.goal)
        short_rate = burn_rate(error_rate(calendar, outages, now - window.short, now), status.goal)
        if long_rate >= threshold and short_rate >= threshold and long_rate > 0:
            # Down right now: at this rate is all of the time, for as long as it stays down. Otherwise the long
            # window's rate is the sustained one (the short window only says it is still burning).
            down_now = any(s <= now and (e is None or e > now) for s, e in outages)
            rate = 1.0 if down_now else error_rate(calendar, outages, now - window.long, now)
            gone_in = time_to_exhaustion(calendar, status, now, rate)
            return BurnAlert(window, threshold, round(long_rate, 2), round(short_rate, 2), gone_in,
                             exhaustion_summary(status, gone_in))
    return None


def time_to_exhaustion(calendar: BusinessCalendar, status: Availability, now: datetime,
                       rate: float) -> timedelta | None:
    """Wall-clock time until the budget is gone if the service keeps failing at ``rate`` of its open time."""
    left = status.budget - status.down_so_far
    if left <= timedelta(0):
        return timedelta(0)
    if rate <= 0:
        return None
    at = after_counted(calendar, now, left / rate)
    return None if at is None else at - now


def exhaustion_summary(status: Availability, gone_in: timedelta | None) -> str:
    goal = _goal_text(status.goal)
    if gone_in is None:
        return f"this {status.period.word}'s {goal} is burning faster than it can last"
    if gone_in >= status.period.end - status.period.start:
        return f"this {status.period.word}'s {goal} is burning fast"
    return f"at this rate this {status.period.word}'s {goal} is gone in {_in_words(gone_in)}"


def _in_words(delta: timedelta) -> str:
    days = delta / timedelta(days=1)
    if days >= 1.5:
        return f"{round(days)} days"
    return format_span(delta) if delta >= timedelta(minutes=1) else "under a minute"


def _goal_text(goal: Decimal) -> str:
    text = format(goal.normalize(), "f")
    return f"{text}%"
