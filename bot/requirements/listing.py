"""Reading requirements back: grouped by category for a service or a customer, with their conflicts.

A conflict is several people asking different targets for the same thing (same service,
customer, metric and priority); targets are compared by value, not by spelling.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot import parsing, service_map
from bot.requirements.metrics import METRICS
from models import Category, Party, PartyKind, Requirement, Service, Status


@dataclass
class Conflict:
    """Several people asking different targets for the same thing."""

    label: str
    requirements: list[Requirement]


@dataclass
class Listing:
    title: str
    by_category: list[tuple[Category, list[Requirement]]]
    conflicts: list[Conflict]
    services: dict[int, str] = field(default_factory=dict)
    customers: dict[int, str] = field(default_factory=dict)


def metric_label(req: Requirement) -> str:
    label = METRICS[req.metric].label if req.metric in METRICS else Category(req.category).label
    return f"{req.level} {label.lower()}" if req.level else label


def _comparable(req: Requirement):
    """A value that is equal exactly when two targets ask for the same thing."""
    metric = METRICS.get(req.metric or "")
    if metric is None or req.target is None:
        return None
    if metric.kind == "hours":
        return parsing.parse_service_hours(req.target)
    if metric.kind == "duration":
        return parsing.parse_duration(req.target)
    if metric.kind == "percent":
        return parsing.parse_percentage(req.target)
    if metric.kind == "money":
        return parsing.parse_money(req.target)
    return parsing.parse_quantity(req.target)


def find_conflicts(reqs: list[Requirement]) -> list[Conflict]:
    groups: dict[tuple, list[Requirement]] = {}
    for req in reqs:
        if req.status == Status.DECLINED.value or req.target is None:
            continue
        groups.setdefault((req.service_id, req.customer_id, req.metric, req.level), []).append(req)
    conflicts = []
    for members in groups.values():
        values = {str(_comparable(r)) for r in members}
        if len(values) > 1 and len({r.said_by for r in members}) > 1:
            conflicts.append(Conflict(metric_label(members[0]), sorted(members, key=lambda r: r.number)))
    return conflicts


def listing(session: Session, team_id: str, subject: Service | Party) -> Listing:
    q = select(Requirement).where(Requirement.team_id == team_id)
    if isinstance(subject, Service):
        q = q.where(Requirement.service_id == subject.id)
    else:
        q = q.where(Requirement.customer_id == subject.id)
    reqs = list(session.exec(q.order_by(Requirement.number)))
    grouped = [(cat, [r for r in reqs if r.category == cat.value]) for cat in Category]
    return Listing(
        title=subject.name,
        by_category=[(cat, rs) for cat, rs in grouped if rs],
        conflicts=find_conflicts(reqs),
        services={s.id: s.name for s in service_map.list_services(session, team_id)},
        customers={p.id: p.name for p in service_map.list_parties(session, team_id, PartyKind.CUSTOMER)},
    )

