"""The review pack's workload section (issue 17): each workload limit's periods in the pack's period, measured, a
period over its limit flagged with the targets it excuses; and what the measurements left out in the period
(planned maintenance windows, agreed exclusions), so the reader knows why a figure is what it is."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.measurements import exclusions
from bot.workload import limits
from models import Agreement


def section(session: Session, agreement: Agreement, start: datetime, end: datetime, tz: str, fy: int) -> dict:
    figures = limits.workload(session, agreement, start, end, tz, fy)
    services = set(limits.services_of(session, agreement.id))
    left_out = [x for x in exclusions.excluded(session, agreement.team_id, start, end, tz)
                if x.applies(agreement.id, services) and (x.service_id is None or x.service_id in services)]
    return {"limits": [{"words": f.words, "over": f.over} for f in figures],
            "over": sum(1 for f in figures if f.over),
            "not_counted": [f"Not counted: {x.why}" for x in left_out][:10],
            "not_counted_more": max(0, len(left_out) - 10)}
