"""The period a pack is asked for, in the words of `/slm review pack <SLA> [period]`: "2026-10", "Oct 2026",
"2026-Q3" (July to September: quarters here are calendar quarters, named by their year), "last month",
"last quarter", "this month"; nothing: the last whole period of the SLA's shortest target period.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.measurements import compliance

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
EXAMPLES = "2026-10, Oct 2026, 2026-Q3, last month or last quarter"
ORDER = ("weekly", "monthly", "quarterly", "yearly")


class PeriodProblem(ValueError):
    """What was typed is not a period this command reads; the message says what would be."""


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def _months(start: date, count: int) -> tuple[date, date]:
    index = start.year * 12 + start.month - 1 + count
    return start, date(index // 12, index % 12 + 1, 1)


def last_whole_period(kinds: list[str], today: date, fy_month: int = 1) -> tuple[date, date]:
    """The last whole period of the shortest of these target periods (monthly when there are none)."""
    kind = min(kinds or ["monthly"], key=lambda k: ORDER.index(k) if k in ORDER else 1)
    at = datetime(today.year, today.month, today.day, tzinfo=compliance.UTC)
    current = compliance.period_of(kind, at, "UTC", fy_month)
    last = compliance.period_of(kind, current.start - timedelta(seconds=1), "UTC", fy_month)
    return last.start.date(), last.end.date()


def parse_period(text: str | None, today: date, kinds: list[str], fy_month: int = 1) -> tuple[date, date]:
    """[start, end) of the period these words name; PeriodProblem when they name none, or one not begun yet."""
    words = " ".join((text or "").split()).lower()
    if not words:
        return last_whole_period(kinds, today, fy_month)
    found = _read(words, today)
    if found is None:
        raise PeriodProblem(f"I can't read “{(text or '').strip()[:40]}” as a period. Try {EXAMPLES}.")
    if found[0] > today:
        raise PeriodProblem(f"That period has not begun yet (it starts on {found[0].isoformat()}).")
    return found


def _read(words: str, today: date) -> tuple[date, date] | None:
    this_month = today.replace(day=1)
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    before = lambda first, months: (_months(first, -months)[1], first)  # noqa: E731
    relative = {"last month": before(this_month, 1), "this month": _months(this_month, 1),
                "last quarter": before(quarter, 3), "this quarter": _months(quarter, 3)}
    if words in relative:
        return relative[words]
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", words):
        year, month = int(m.group(1)), int(m.group(2))
        return _month(year, month) if 1 <= month <= 12 else None
    if m := re.fullmatch(r"([a-z]{3})[a-z]*\.? (\d{4})", words):
        if m.group(1) in MONTHS and (m.group(0).split()[0].rstrip(".") in _names(m.group(1))):
            return _month(int(m.group(2)), MONTHS.index(m.group(1)) + 1)
        return None
    if m := re.fullmatch(r"(\d{4})-?q([1-4])|q([1-4]) (\d{4})", words):
        year, number = (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(4)), int(m.group(3)))
        return _months(date(year, 3 * number - 2, 1), 3)
    return None


def _names(abbreviation: str) -> set[str]:
    full = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december")[MONTHS.index(abbreviation)]
    return {abbreviation, full, "sept"} if abbreviation == "sep" else {abbreviation, full}
