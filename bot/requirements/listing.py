"""Reading requirements back: grouped by category for a service or a customer, with their conflicts.

A conflict is several people asking different targets for the same thing (same service,
customer, metric and priority); targets are compared by value, not by spelling.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case
from sqlmodel import Session, select

from bot import paging, parsing
from bot.paging import Page
from bot.requirements.metrics import METRICS
from models import Category, Party, Requirement, Service, Status

PAGE = 30  # requirements a page: a section each, under their kinds' headings, within a message's 50 blocks


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
    page: Page | None = None  # which requirements these are of how many (by_category holds this page's)


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


def listing(session: Session, team_id: str, subject: Service | Party, offset: int = 0, size: int = PAGE) -> Listing:
    """A page of the subject's requirements, by kind then number, with the names of only the services and
    customers they name; conflicts are looked for among all of the subject's requirements that ask a target."""
    q = select(Requirement).where(Requirement.team_id == team_id)
    if isinstance(subject, Service):
        q = q.where(Requirement.service_id == subject.id)
    else:
        q = q.where(Requirement.customer_id == subject.id)
    kind_order = case({c.value: i for i, c in enumerate(Category)}, value=Requirement.category, else_=len(Category))
    page = paging.read(session, q.order_by(kind_order, Requirement.number), offset, size)
    reqs = page.rows
    grouped = [(cat, [r for r in reqs if r.category == cat.value]) for cat in Category]
    # Sorted here, not in SQL: ORDER BY number would lead SQLite to walk the workspace's (team, number) index
    # over every requirement rather than the subject's own.
    asking = sorted(session.exec(q.where(Requirement.target.is_not(None), Requirement.status != Status.DECLINED.value)),
                    key=lambda r: r.number)
    service_ids = {r.service_id for r in reqs} | {r.service_id for r in asking}
    customer_ids = {r.customer_id for r in reqs} | {r.customer_id for r in asking}
    return Listing(
        title=subject.name,
        by_category=[(cat, rs) for cat, rs in grouped if rs],
        conflicts=find_conflicts(list(asking)),
        services=dict(session.exec(select(Service.id, Service.name).where(Service.id.in_(service_ids))).all())
        if service_ids else {},
        customers=dict(session.exec(select(Party.id, Party.name).where(Party.id.in_(customer_ids))).all())
        if customer_ids else {},
        page=page,
    )
