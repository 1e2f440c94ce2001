"""Issue 17: the relationship view's satisfaction, one row per SLA in force: its figure (bot.satisfaction) for the
view's last month, beside that month's verdicts of the SLA's targets (the view's own, else the pack's measuring)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import satisfaction
from bot.measurements import compliance
from bot.reviews.pack import achievement, local_midnight, targets_in_force
from models import Agreement, AgreementKind


def rows(session: Session, agreements: list[Agreement], trends: list, month: compliance.Period,
         tz: str, now)  -> list[dict]:
    """One row per SLA in force: its figure for the view's last month, beside its targets' verdicts that month."""
    last = {t.key: (t.trend[-1].met if t.trend else None) for t in trends}
    zone = ZoneInfo(tz)
    start, end = month.start.astimezone(zone).date(), month.end.astimezone(zone).date()
    rows = []
    for a in agreements:
        if a.kind != AgreementKind.SLA.value or a.agreed_version is None:
            continue
        met = []
        for target in targets_in_force(session, a):
            key = f"{a.name} {target.key}"
            met.append(last[key] if key in last else achievement(session, a.team_id, target, month, now)[1])
        figure = satisfaction.figure(session, a.team_id, a.id, start, end, met, lambda day: local_midnight(day, tz))
        rows.append({"agreement": a.name, "period": month.label, **figure.as_context()})
    return rows
