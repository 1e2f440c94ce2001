"""Capability: before any SLA, which existing OLAs and contracts would underpin a requirement, and whether they
can meet it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot import dates, parsing
from bot import requirements as reqs
from bot.agreements import targets
from bot.calendars import CALENDAR_24X7_UTC
from bot.calendars import BusinessCalendar
from bot.cover.assessment import leg_state, policy
from bot.cover.rules import Check, Leg, TargetSpec, Term, check_target
from bot.cover.tree import leg_choices
from models import Agreement, AgreementKind, Party, Requirement, Target, TargetLink


@dataclass
class CapabilityCheck:
    requirement: Requirement
    check: Check | None           # None: nothing measurable to check
    legs: list[tuple[Agreement, Party, Target]]


def check_requirement(session: Session, team_id: str, number: int, today: date) -> CapabilityCheck:
    """Which existing OLAs and UCs would underpin a requirement, and whether they can meet it.

    The OLA targets of the same kind for the service form stage 1 (the support groups handle it first);
    the contracts' targets form stage 2 (the suppliers behind them).
    """
    req = reqs.get(session, team_id, number)
    kind = targets.REQUIREMENT_KINDS.get(req.metric or "")
    if kind is None or not req.target:
        return CapabilityCheck(req, None, [])
    kind = kind.value
    calendar = CALENDAR_24X7_UTC
    if req.service_hours:
        calendar = BusinessCalendar(hours=parsing.parse_service_hours(req.service_hours), name=req.service_hours)
    wanted = TargetSpec(label=f"requirement #{req.number}", kind=kind, level=req.level,
                        duration=parsing.parse_duration(req.target) if kind in ("response", "resolution") else None,
                        percent=parsing.parse_percentage(req.target) if kind == "availability" else None,
                        threshold=parsing.parse_quantity(req.target) if kind == "metric" else None,
                        calendar=calendar)
    candidates: list[tuple[Agreement, Party, Target]] = []
    legs: list[Leg] = []
    for agreement_row, party, rows in leg_choices(session, team_id, service_id=req.service_id):
        for t in rows:
            if t.kind == kind and (t.level == req.level or kind not in ("response", "resolution")):
                state = leg_state(session, TargetLink(sla_target_id=0, leg_target_id=t.id,
                                                 stage=1 if agreement_row.kind == AgreementKind.OLA else 2))
                if state.leg is not None:
                    candidates.append((agreement_row, party, t))
                    legs.append(state.leg)
    # The requirement has no term yet: a year from today stands for the SLA it would join.
    result = check_target(wanted, Term(*dates.a_year_from(today)), legs,
                          policy(session, team_id))
    return CapabilityCheck(req, result, candidates)
