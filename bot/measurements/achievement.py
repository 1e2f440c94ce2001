"""What the numbers feed: achievement beside each measurable requirement, and each leg's past achievement for the
back-to-back check."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from bot.measurements import periods
from bot.measurements.in_force import Measured, measured
from models import AgreementKind, Target

LEG_KINDS = (AgreementKind.OLA.value, AgreementKind.UC.value)


def for_requirements(session: Session, team_id: str, requirement_ids: list[int], now: datetime) -> dict[int, str]:
    """Requirement id -> what the SLA target answering it achieved, in words: "98.2% in Nov 2026, 100% so far in
    Dec 2026 against 95% (T2, SLA Acme Payroll)". Requirements no target in force answers are left out."""
    if not requirement_ids:
        return {}
    rows = session.exec(select(Target.id, Target.requirement_id, Target.agreement_id).where(
        Target.team_id == team_id, Target.requirement_id.in_(requirement_ids), Target.retired == False)).all()  # noqa: E712
    answered = {target_id: requirement_id for target_id, requirement_id, _agreement in rows}
    if not answered:
        return {}
    fy = periods.fy_start_month(session, team_id)
    out: dict[int, list[str]] = {}
    for target in measured(session, team_id, agreement_ids={agreement for _t, _r, agreement in rows}):  # theirs only
        if target.target_id not in answered:
            continue
        out.setdefault(answered[target.target_id], []).append(_words(session, team_id, target, now, fy))
    return {req: "; ".join(texts) for req, texts in out.items()}


def _words(session: Session, team_id: str, target: Measured, now: datetime, fy: int) -> str:
    current = periods.period_for(target, now, fy)
    last = periods.compliance.previous(current, target.calendar.tz, fy, 1)[0]
    parts = []
    if last.end.date() >= target.start:
        value = periods.achieved(session, team_id, target, last, now)
        parts.append(f"{_pct(value)} in {last.label}" if value is not None else f"nothing measured in {last.label}")
    value = periods.achieved(session, team_id, target, current, now)
    parts.append(f"{_pct(value)} so far in {current.label}" if value is not None else
                 f"nothing measured yet in {current.label}")
    goal = f" against {_pct(target.goal)}" if target.goal is not None else ""
    return f"{', '.join(parts)}{goal} ({target.key}, SLA {target.agreement_name})"


def past_of_leg(session: Session, team_id: str, leg_target_id: int, now: datetime,
                count: int = 3) -> tuple[Decimal, ...]:
    """A leg's (OLA or UC target's) achievement over its last whole periods, oldest first: () when it is not in
    force or nothing was measured."""
    agreement_id = session.exec(select(Target.agreement_id).where(Target.id == leg_target_id)).first()
    found = next((t for t in measured(session, team_id, kinds=LEG_KINDS, agreement_id=agreement_id)
                  if t.target_id == leg_target_id), None) if agreement_id is not None else None
    if found is None:
        return ()
    return periods.past_achievement(session, team_id, found, now, count)


def _pct(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{format(value.normalize(), 'f')}%"
