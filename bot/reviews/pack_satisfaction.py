"""Issue 17: the customer's satisfaction beside the SLA's achievement, in the review pack and the relationship view.

The pack gets `satisfaction` (bot.satisfaction.Figure as plain values) for its review period, judged against the
pack's own verdicts of its targets; its document shows it from the partial `messages/documents/_pack_satisfaction.md.j2`
(rendered here into `satisfaction_md`, which the pack template places with one line). The relationship view's rows
are bot.reviews.relationship_satisfaction's.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import satisfaction
from bot.agreements.documents import render_source
from models import Agreement

UTC = ZoneInfo("UTC")
PARTIAL = Path(__file__).resolve().parents[2] / "messages" / "documents" / "_pack_satisfaction.md.j2"


def section(session: Session, agreement: Agreement, pack, tz: str) -> dict:
    """The pack's satisfaction figure for its period, beside its targets' verdicts."""
    start, end = date.fromisoformat(pack.period_start), date.fromisoformat(pack.period_end)
    figure = satisfaction.figure(session, agreement.team_id, agreement.id, start, end, [t.met for t in pack.targets],
                                 lambda day: midnight(day, tz))
    return {**figure.as_context(), "period": pack.period_label}


def markdown(pack) -> str:
    """The pack document's "Customer satisfaction" part ("" for a pack made without it)."""
    shown = getattr(pack, "satisfaction", None)
    if not shown:
        return ""
    return render_source(PARTIAL.read_text(encoding="utf-8"), PARTIAL.name, {"s": shown})


def midnight(day: date, tz: str) -> datetime:
    """The moment `day` starts in the zone `tz`, in UTC (as bot.reviews.pack.local_midnight; not imported from there,
    which imports this module)."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)
