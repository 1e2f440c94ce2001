"""The targets measurements are held against: each agreement's agreed version, as it is in force.

A target is measured as its agreed version words it (duration, goal, warning level, calendar), not as a draft
under negotiation would change it: what counts is what both sides signed. Each keeps the stable id of its row,
so a later version of the same target is the same thing measured.
"""
from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from bot import parsing
from bot.calendars import CALENDAR_24X7_UTC
from bot.calendars import BusinessCalendar
from bot.parsing import Duration
from models import Agreement, AgreementKind, AgreementService, AgreementStatus, AgreementVersion, Party, Target

IN_FORCE = (AgreementStatus.AGREED.value, AgreementStatus.ACTIVE.value)


@dataclass(frozen=True)
class Measured:
    """One target as its agreed version words it."""

    target_id: int
    key: str                   # "T1"
    agreement_id: int
    agreement_kind: str        # sla / ola / uc
    agreement_name: str
    counterparty: str          # the customer (SLA), support group (OLA) or supplier (UC)
    kind: str                  # response / resolution / availability / metric
    level: str | None          # P1..P4
    duration: Duration | None
    duration_text: str | None  # as agreed: "4 business hours"
    goal: Decimal | None       # percent
    period: str                # weekly / monthly / quarterly / yearly
    warning_percent: int
    calendar: BusinessCalendar
    metric_name: str | None
    threshold: parsing.Quantity | None
    description: str           # "P1 resolution within 4h, 95% of tickets"
    service_ids: frozenset[int]
    start: date
    end: date

    def applies_on(self, day: date) -> bool:
        return self.start <= day <= self.end


def measured(session: Session, team_id: str, *, kinds: tuple[str, ...] = (AgreementKind.SLA.value,),
             agreement_id: int | None = None, agreement_ids: Collection[int] | None = None) -> list[Measured]:
    """Every target in force of the team's agreements of these kinds (SLAs unless asked), in agreement order; only
    those of `agreement_id` or `agreement_ids` when given (a page's few, not the workspace's thousands)."""
    q = select(Agreement).where(Agreement.team_id == team_id, Agreement.kind.in_(kinds),
                                Agreement.status.in_(IN_FORCE), Agreement.agreed_version.is_not(None))
    if agreement_id is not None:
        q = q.where(Agreement.id == agreement_id)
    if agreement_ids is not None:
        q = q.where(Agreement.id.in_(list(agreement_ids)))
    out: list[Measured] = []
    for agreement in session.exec(q.order_by(Agreement.name_key)):
        content = session.exec(select(AgreementVersion.content).where(
            AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == agreement.agreed_version)).first()
        if not content:
            continue
        ids = dict(session.exec(select(Target.key, Target.id).where(Target.agreement_id == agreement.id)).all())
        services = frozenset(session.exec(select(AgreementService.service_id).where(
            AgreementService.agreement_id == agreement.id)).all())
        party = session.get(Party, agreement.counterparty_id)
        start, end = date.fromisoformat(content["start"]), date.fromisoformat(content["end"])
        for t in content.get("targets", []):
            if t["key"] not in ids:
                continue
            out.append(from_content(t, content, agreement, party.name if party else "", ids[t["key"]], services,
                                     start, end))
    return out


def from_content(t: dict, content: dict, agreement: Agreement, counterparty: str, target_id: int,
                  services: frozenset[int], start: date, end: date) -> Measured:
    return Measured(
        target_id=target_id, key=t["key"], agreement_id=agreement.id, agreement_kind=agreement.kind,
        agreement_name=agreement.name, counterparty=counterparty, kind=t["kind"], level=t.get("level"),
        duration=parsing.parse_duration(t["duration"]) if t.get("duration") else None, duration_text=t.get("duration"),
        goal=parsing.parse_percentage(t["goal"]) if t.get("goal") else None, period=t.get("period") or "monthly",
        warning_percent=int(t.get("warning_percent") or 75), calendar=_calendar_of(content, t.get("calendar")),
        metric_name=t.get("metric_name"),
        threshold=parsing.parse_quantity(t["threshold"]) if t.get("threshold") else None,
        description=t.get("description") or t["key"], service_ids=services, start=start, end=end)


def _calendar_of(content: dict, name: str | None) -> BusinessCalendar:
    """The calendar the version recorded for a target (24x7 when it names none)."""
    found = next((c for c in content.get("calendars", []) if c["name"] == name), None) if name else None
    if found is None:
        return CALENDAR_24X7_UTC
    return business_calendar(found["name"], found["hours"], found.get("holidays") or "",
                             frozenset(found.get("closures", [])))


@functools.lru_cache(maxsize=64)
def business_calendar(name: str, hours: str, holidays: str, closures: frozenset[str]) -> BusinessCalendar:
    """One calendar object for equal descriptions, so the days it has worked out are reused by every clock."""
    country, _, subdiv = holidays.partition("-")
    return BusinessCalendar(hours=parsing.parse_service_hours(hours), holidays_country=country or None,
                            holidays_subdiv=subdiv or None, closures=frozenset(date.fromisoformat(d) for d in closures),
                            name=name)
