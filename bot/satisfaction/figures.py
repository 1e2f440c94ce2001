"""An SLA's satisfaction figure for a period, its trend, and the watermelon flag ("targets met, customer unhappy").

The figure of a period [start, end) counts every rating of the SLA's asks (tickets and reviews) whose `rated_for`
falls in it (a ticket's resolution; a review's reviewed period's start): the number of ratings, their mean (to two
places, half up) and the share of 4s and 5s (a percentage, one place). The trend compares the mean with the period
before of the same length (the months before, for a period of whole months): "up 0.50", "down 1.25", "level", or
none when either period has no rating.

The flag (WATERMELON_RULE): every target measured in the period was met (at least one was measured), AND there are
at least `satisfaction_min_ratings` ratings (a workspace setting, default 5), AND their mean is under
WATERMELON_MEAN (3.5).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from bot.workspace import settings as workspace_settings
from models import SatisfactionAsk

WATERMELON_MEAN = Decimal("3.5")
WATERMELON_RULE = ("flagged “targets met, customer unhappy” when every target measured in the period was met, and "
                   "at least {n} ratings average under 3.5 out of 5")


@dataclass(frozen=True)
class Figure:
    count: int
    mean: str | None          # "3.25"; None: no rating
    top_share: str | None     # share of 4s and 5s, "62.5"
    previous_count: int
    previous_mean: str | None
    trend: str                # "up 0.50", "down 1.25", "level", "" (nothing to compare)
    targets_met: bool | None  # every measured target met (None: nothing measured)
    flagged: bool             # the watermelon
    rule: str
    min_ratings: int

    def as_context(self) -> dict:
        return asdict(self)


def _two(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ratings(session: Session, agreement_id: int, start: datetime, end: datetime) -> list[int]:
    return list(session.exec(select(SatisfactionAsk.rating).where(
        SatisfactionAsk.agreement_id == agreement_id, SatisfactionAsk.rating.is_not(None),
        SatisfactionAsk.rated_for >= start, SatisfactionAsk.rated_for < end)))


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period before [start, end) of the same length: whole months back for a period of whole months."""
    if start.day == 1 and end.day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month
        return start - relativedelta(months=months), start
    return start - (end - start), start


def targets_met(met: list[bool | None]) -> bool | None:
    """Every measured target met: True; any missed: False; nothing measured: None."""
    measured = [m for m in met if m is not None]
    return all(measured) if measured else None


def figure(session: Session, team_id: str, agreement_id: int, start: date, end: date, met: list[bool | None],
           midnight) -> Figure:
    """The SLA's figure for [start, end) (dates; `midnight(day)` is the moment a day starts in the period's zone),
    beside whether its measured targets were met (`met`: each target's verdict for the period)."""
    now_ratings = ratings(session, agreement_id, midnight(start), midnight(end))
    before_start, before_end = previous_period(start, end)
    before = ratings(session, agreement_id, midnight(before_start), midnight(before_end))
    mean = _two(Decimal(sum(now_ratings)) / len(now_ratings)) if now_ratings else None
    previous = _two(Decimal(sum(before)) / len(before)) if before else None
    top = (Decimal(sum(r >= 4 for r in now_ratings)) * 100 / len(now_ratings)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP) if now_ratings else None
    if mean is None or previous is None:
        trend = ""
    elif mean == previous:
        trend = "level"
    else:
        trend = f"{'up' if mean > previous else 'down'} {abs(mean - previous)}"
    minimum = int(workspace_settings.get(session, team_id, "satisfaction_min_ratings"))
    all_met = targets_met(met)
    flagged = bool(all_met) and len(now_ratings) >= minimum and mean is not None and mean < WATERMELON_MEAN
    return Figure(count=len(now_ratings), mean=str(mean) if mean is not None else None,
                  top_share=str(top) if top is not None else None, previous_count=len(before),
                  previous_mean=str(previous) if previous is not None else None, trend=trend, targets_met=all_met,
                  flagged=flagged, rule=WATERMELON_RULE.format(n=minimum), min_ratings=minimum)
