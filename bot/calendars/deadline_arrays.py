"""`BusinessCalendar.deadline` for many start instants at once, as arrays (numpy): the back-to-back check asks it for
every sampled ticket of a year's term, thousands of times per target, and one vectorised pass costs what a few
dozen single calls do.

Instants are int64 seconds since the epoch (UTC). The answer is the one `BusinessCalendar.deadline` gives for each
start (tests/unit/test_backtoback_calc.py compares them on random calendars): business minutes are found in the
calendar's open intervals laid out once with their running total of open time (two binary searches per start);
clock durations are a shift; business days, rare in a target, are asked of the calendar one start at a time.

numpy is imported inside the functions: most processes (a worker answering Slack) never check cover, and numpy
costs a tenth of a second to import at start.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, timezone

from bot.calendars.business_time import BusinessCalendar
from bot.parsing import Duration

__all__ = ["deadlines", "to_seconds"]

UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LAYOUT_DAYS = 120  # open intervals are laid out this many days at a time past the last start
_MAX_LAYOUT_DAYS = 3 * 366  # beyond this, the calendar is asked one start at a time (and says why it cannot answer)
_BY_BUSINESS_DAYS: dict = {}  # (calendar, duration, starts' bytes) -> deadlines; never changed once stored
_BY_BUSINESS_DAYS_LIMIT = 64  # about 0.1 MB each for a year's samples


def to_seconds(instants) -> "np.ndarray":  # noqa: F821
    """Aware instants on whole seconds as int64 seconds since the epoch."""
    import numpy as np

    # Whole seconds (every instant here is), exact in a float64 up to the year 285 million.
    return np.fromiter((t.timestamp() for t in instants), dtype=np.float64, count=len(instants)).astype(np.int64)


def deadlines(calendar: BusinessCalendar, starts: "np.ndarray", duration: Duration) -> "np.ndarray":  # noqa: F821
    """The deadline (int64 seconds) of a target of ``duration`` started at each of ``starts`` (int64 seconds)."""
    import numpy as np

    if not duration.business:
        return starts + 60 * duration.minutes
    if duration.business_days or not len(starts):
        # One start at a time (a local time of day N open days later): remembered for the same starts, since the
        # SLAs of an organisation share a few calendars, durations and terms, and so the same sampled tickets.
        key = (calendar, duration, starts.tobytes())
        found = _BY_BUSINESS_DAYS.get(key)
        if found is None:
            found = to_seconds([calendar.deadline(_EPOCH + timedelta(seconds=int(s)), duration) for s in starts])
            if len(_BY_BUSINESS_DAYS) >= _BY_BUSINESS_DAYS_LIMIT:
                _BY_BUSINESS_DAYS.pop(next(iter(_BY_BUSINESS_DAYS)))  # the oldest
            _BY_BUSINESS_DAYS[key] = found
        return found
    first = (_EPOCH + timedelta(seconds=int(starts.min()))).date() - timedelta(days=1)
    days = (int(starts.max()) - int(starts.min())) // 86400 + _LAYOUT_DAYS
    while days <= _MAX_LAYOUT_DAYS:
        opens, closes, before = _timeline(calendar, first, first + timedelta(days=days))
        found = _business_deadlines(opens, closes, before, starts, 60 * duration.minutes)
        if found is not None:
            return found
        days *= 2
    return to_seconds([calendar.deadline(_EPOCH + timedelta(seconds=int(s)), duration) for s in starts])


def _business_deadlines(opens, closes, before, starts, seconds: int):
    """As `BusinessCalendar._business_deadline`, for every start; None when one runs past the intervals laid out."""
    import numpy as np

    i = np.searchsorted(closes, starts, side="right")  # the first interval still open after each start
    if not len(opens) or i.max() >= len(opens):
        return None
    begun = np.maximum(opens[i], starts)
    target = before[i] + (begun - opens[i]) + seconds  # open time from the first interval laid out
    # The first interval whose end reaches the target, one ending exactly on it winning (a deadline on a closing
    # time is that closing time); never before the interval the clock starts in.
    j = np.maximum(np.searchsorted(before, target, side="left"), i + 1)
    if j.max() >= len(before):
        return None
    return opens[j - 1] + (target - before[j - 1])


@functools.lru_cache(maxsize=128)
def _timeline(calendar: BusinessCalendar, first: date, last: date):
    """The calendar's open intervals over the local days [first, last] as arrays: openings, closings, and the open
    time before each (one entry more: the total). Remembered per calendar (an immutable value) and span, so every
    target and SLA in the same calendars lays them out once."""
    import numpy as np

    begin = datetime.combine(first, time(), tzinfo=UTC) - timedelta(days=1)
    end = datetime.combine(last, time(), tzinfo=UTC) + timedelta(days=1)
    intervals = calendar.open_intervals(begin, end)
    opens = to_seconds([a for a, _ in intervals])
    closes = to_seconds([b for _, b in intervals])
    before = np.concatenate(([0], np.cumsum(closes - opens))).astype(np.int64)
    return opens, closes, before
