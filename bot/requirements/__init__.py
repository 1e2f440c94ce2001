"""Service level requirements (competency 6.2): gathered from managerial and operational users.

A requirement is what one person on the customer side asked for, in their words,
with a measurable target where they gave one. The interview asks each role its own
questions; a quoted Slack message becomes a requirement with that message as its
source. Typed values are read by `bot.parsing` and kept in canonical form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, parsing, service_map, text
from bot.agreements.answers import response_after_resolution
from bot.benchmarks import BenchmarkLibrary
from bot.workspace.actor import Actor
from bot.errors import DomainError, InvalidInput, NotFound, PermissionDenied, Person
from bot.workspace.permissions import Capability, require
from models import Category, ContactRole, Party, PartyKind, Priority, Requirement, Service, Source, Status
from models.service_map import Contact

RESPONDENT_ROLES = (ContactRole.MANAGERIAL, ContactRole.OPERATIONAL)
PERIODS = ("weekly", "monthly", "quarterly", "yearly")
LEVELS = ("P1", "P2", "P3", "P4")
STATEMENT_MAX = 3000


# ---- metrics: what a target measures, and how its value is read ------------------------------
@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    category: Category
    kind: str  # percent | duration | hours | quantity | money

    def read(self, text: str, default_tz: str) -> str:
        """The canonical form of a typed value; raises parsing.ParseError with an example."""
        if self.kind == "percent":
            return parsing.format_percentage(parsing.parse_percentage(text))
        if self.kind == "duration":
            return parsing.format_duration(parsing.parse_duration(text))
        if self.kind == "hours":
            return parsing.format_service_hours(parsing.parse_service_hours(text, default_tz))
        if self.kind == "money":
            return parsing.format_money(parsing.parse_money(text))
        return parsing.format_quantity(parsing.parse_quantity(text))


METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("availability", "Availability", Category.AVAILABILITY, "percent"),
    Metric("service_hours", "Hours the service is needed", Category.AVAILABILITY, "hours"),
    Metric("maintenance_window", "Maintenance windows", Category.AVAILABILITY, "hours"),
    Metric("response_time", "Response time", Category.RESPONSE_TIME, "duration"),
    Metric("resolution_time", "Resolution time", Category.RESOLUTION_TIME, "duration"),
    Metric("support_hours", "Support hours", Category.SUPPORT_HOURS, "hours"),
    Metric("volume", "Volume", Category.CAPACITY, "quantity"),
    Metric("performance", "Performance threshold", Category.CAPACITY, "quantity"),
    Metric("outage_cost", "Cost of an outage", Category.OTHER, "money"),
)}

# For a quoted message: the measurable target each category takes, if any.
CATEGORY_METRIC = {
    Category.AVAILABILITY: "availability", Category.RESPONSE_TIME: "response_time",
    Category.RESOLUTION_TIME: "resolution_time", Category.SUPPORT_HOURS: "support_hours",
    Category.CAPACITY: "performance",
}


# ---- the interview: questions by role -------------------------------------------------------------
@dataclass(frozen=True)
class Topic:
    key: str
    role: ContactRole
    label: str


TOPICS: tuple[Topic, ...] = (
    Topic("outcome", ContactRole.MANAGERIAL, "The business outcome at stake"),
    Topic("criticality", ContactRole.MANAGERIAL, "How critical the service is"),
    Topic("hours_needed", ContactRole.MANAGERIAL, "The hours the service is needed"),
    Topic("outage_cost", ContactRole.MANAGERIAL, "What an outage costs"),
    Topic("good", ContactRole.MANAGERIAL, "What “good” looks like"),
    Topic("volumes", ContactRole.OPERATIONAL, "Volumes and peaks"),
    Topic("incidents", ContactRole.OPERATIONAL, "Incident priorities: response and resolution"),
    Topic("support_hours", ContactRole.OPERATIONAL, "Support hours"),
    Topic("maintenance", ContactRole.OPERATIONAL, "Maintenance windows"),
    Topic("reporting", ContactRole.OPERATIONAL, "Reporting needs"),
)
CRITICALITY = ("critical", "high", "medium", "low")
# The answer fields each topic asks for (they are also the modal's field names).
TOPIC_FIELDS: dict[str, tuple[str, ...]] = {
    "outcome": ("outcome",),
    "criticality": ("criticality",),
    "hours_needed": ("hours_needed",),
    "outage_cost": ("outage_cost",),
    "good": ("good", "availability", "availability_period"),
    "volumes": ("volumes", "peaks"),
    "incidents": tuple(f"{lvl.lower()}_{kind}" for lvl in LEVELS for kind in ("response", "resolution")),
    "support_hours": ("support_hours",),
    "maintenance": ("maintenance",),
    "reporting": ("reporting", "reporting_frequency"),
}


def topics_for(role: ContactRole | str) -> list[Topic]:
    return [t for t in TOPICS if t.role == ContactRole(role)]


def topic_keys(role: ContactRole | str, chosen: list[str]) -> list[str]:
    """The chosen topics that belong to the role, in interview order."""
    picked = [t.key for t in topics_for(role) if t.key in set(chosen)]
    if not picked:
        raise InvalidInput({"topics": "Choose at least one of these to talk about."})
    return picked


@dataclass
class Draft:
    """A requirement before it is stored."""

    category: Category
    statement: str
    metric: str | None = None
    level: str | None = None
    target: str | None = None
    period: str | None = None
    service_hours: str | None = None
    priority: Priority = Priority.MUST


def _fit(statement: str) -> str:
    """A statement within what is stored (the interview adds words to what people typed)."""
    return statement if len(statement) <= STATEMENT_MAX else statement[: STATEMENT_MAX - 1] + "…"


class _Reader:
    """Reads typed answers, collecting one error per field so the person sees them all at once."""

    def __init__(self, answers: dict[str, str | None], default_tz: str):
        self.answers, self.tz, self.errors = answers, default_tz, {}

    def text(self, key: str) -> str:
        value = text.line(self.answers.get(key)) if key != "outcome" else text.block(self.answers.get(key))
        if len(value) > STATEMENT_MAX:
            self.errors[key] = f"Keep this under {STATEMENT_MAX} characters."
        return value

    def value(self, key: str, metric: str) -> str | None:
        raw = (self.answers.get(key) or "").strip()
        if not raw:
            return None
        try:
            return METRICS[metric].read(raw, self.tz)
        except parsing.ParseError as err:
            self.errors[key] = str(err)
            return None

    def firmness(self, given: str | None) -> Priority:
        """Must, should or could: as chosen on the form (a blank is refused, never taken for "must"), else as given."""
        if "priority" in self.answers and not self.answers["priority"]:
            self.errors["priority"] = "Choose how firm this is: must, should or could have."
            return Priority.MUST
        return Priority(self.choice("priority", tuple(p.value for p in Priority), given or Priority.MUST.value)
                        or Priority.MUST.value)

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
        value = self.answers.get(key) or default
        if value is not None and value not in allowed:
            self.errors[key] = f"Choose one of: {', '.join(allowed)}."
            return None
        return value


def interview_drafts(role: ContactRole | str, topics: list[str], answers: dict[str, str | None], *,
                     default_tz: str, priority: str | None = None) -> list[Draft]:
    """Turn one person's interview answers into requirements. Nothing is kept if any answer is unreadable."""
    r = _Reader(answers, default_tz)
    prio = r.firmness(priority)
    keys = topic_keys(role, topics)
    drafts: list[Draft] = []
    add = drafts.append
    hours_needed = r.value("hours_needed", "service_hours") if "hours_needed" in keys else None
    support_hours = r.value("support_hours", "support_hours") if "support_hours" in keys else None

    if "outcome" in keys and (answer := r.text("outcome")):
        add(Draft(Category.OTHER, f"Business outcome at stake: {answer}", priority=prio))
    if "criticality" in keys and (level := r.choice("criticality", CRITICALITY)):
        add(Draft(Category.OTHER, f"The service is {level} to the business.", priority=prio))
    if hours_needed:
        add(Draft(Category.AVAILABILITY, f"The service is needed {hours_needed}.", metric="service_hours",
                  target=hours_needed, priority=prio))
    if "outage_cost" in keys and (cost := r.value("outage_cost", "outage_cost")):
        add(Draft(Category.OTHER, f"An outage costs {cost}.", metric="outage_cost", target=cost, priority=prio))
    if "good" in keys:  # two questions, two requirements: each answer in its own words
        if good := r.text("good"):
            add(Draft(Category.OTHER, f"What good looks like: {good}", priority=prio))
        availability = r.value("availability", "availability")
        period = r.choice("availability_period", PERIODS, "monthly")
        if availability:
            add(Draft(Category.AVAILABILITY, f"Available {availability} of the time, {period}.",
                      metric="availability", target=availability, period=period, service_hours=hours_needed,
                      priority=prio))
    if "volumes" in keys:
        volume = r.value("volumes", "volume")
        peaks = r.text("peaks")
        if volume or peaks:
            statement = "; ".join(x for x in (f"Volume: {volume}" if volume else "", f"Peaks: {peaks}" if peaks else "") if x)
            add(Draft(Category.CAPACITY, statement + ".", metric="volume" if volume else None, target=volume,
                      priority=prio))
    if "incidents" in keys:
        for lvl in LEVELS:
            asked = {}
            for kind, metric in (("response", "response_time"), ("resolution", "resolution_time")):
                key = f"{lvl.lower()}_{kind}"
                if value := r.value(key, metric):
                    asked[kind] = value
                    add(Draft(METRICS[metric].category, f"{lvl} incidents: {kind} within {value}.", metric=metric,
                              level=lvl, target=value, period="monthly", service_hours=support_hours, priority=prio))
            if why := response_after_resolution(lvl, asked.get("response"), asked.get("resolution")):
                r.errors[f"{lvl.lower()}_response"] = why
    if support_hours:
        add(Draft(Category.SUPPORT_HOURS, f"Support is needed {support_hours}.", metric="support_hours",
                  target=support_hours, priority=prio))
    if "maintenance" in keys and (window := r.value("maintenance", "maintenance_window")):
        add(Draft(Category.AVAILABILITY, f"Maintenance only {window}.", metric="maintenance_window", target=window,
                  priority=prio))
    if "reporting" in keys:
        answer = r.text("reporting")
        frequency = r.choice("reporting_frequency", PERIODS, "monthly")
        if answer:
            add(Draft(Category.REPORTING, answer, period=frequency, priority=prio))
    if r.errors:
        raise InvalidInput(r.errors)
    for d in drafts:
        d.statement = _fit(d.statement)
    if not drafts:
        first = TOPIC_FIELDS[keys[0]][0]
        raise InvalidInput({first: "Answer at least one question, or cancel."})
    return drafts


def quote_draft(category: str | None, statement: str | None, answers: dict[str, str | None], *, default_tz: str,
                priority: str | None = None) -> Draft:
    """One requirement from a quoted message, with the target the person read out of it, if any."""
    r = _Reader(answers, default_tz)
    try:
        cat = Category(category or "")
    except ValueError:
        raise InvalidInput({"category": "Choose what kind of requirement this is."}) from None
    said = text.line(statement)
    if not said:
        r.errors["statement"] = "Say what was asked for, in the requester's words."
    elif len(said) > STATEMENT_MAX:
        r.errors["statement"] = f"Keep this under {STATEMENT_MAX} characters."
    prio = r.firmness(priority)
    metric = CATEGORY_METRIC.get(cat)
    draft = Draft(cat, said, priority=prio)
    if metric:
        draft.target = r.value("target", metric)
        draft.metric = metric if draft.target else None
        if cat in (Category.RESPONSE_TIME, Category.RESOLUTION_TIME):
            draft.level = r.choice("level", LEVELS)
            if draft.target and not draft.level:
                r.errors["level"] = "Say which incident priority this time is for."
        if cat in (Category.AVAILABILITY, Category.RESPONSE_TIME, Category.RESOLUTION_TIME):
            draft.period = r.choice("period", PERIODS, "monthly") if draft.target else None
            draft.service_hours = r.value("service_hours", "service_hours")
    elif cat is Category.REPORTING:
        draft.period = r.choice("period", PERIODS, "monthly")
    if r.errors:
        raise InvalidInput(r.errors)
    return draft


# A first guess at the kind of a quoted requirement from its words; the person can change it.
GUESSES = (
    (Category.RESOLUTION_TIME, r"\b(resolv|fix|restor|solv)"),
    (Category.RESPONSE_TIME, r"\b(respon|acknowledg|answer|pick(ed)? up)"),
    (Category.AVAILABILITY, r"\b(uptime|availab|down ?time|outage|(be|stay|is) up\b|\d+(\.\d+)? ?%)"),
    (Category.SUPPORT_HOURS, r"\b(support hours|24x7|24/7|out of hours|weekend)"),
    (Category.CAPACITY, r"\b(slow|fast|latency|load|concurrent|volume|peak|seconds|ms\b)"),
    (Category.REPORTING, r"\b(report|dashboard)"),
    (Category.SECURITY, r"\b(secur|gdpr|complian|audit|encrypt|privacy)"),
)


def guess_category(text: str) -> Category:
    lowered = text.lower()
    for category, pattern in GUESSES:
        if re.search(pattern, lowered):
            return category
    return Category.OTHER


# ---- who is asking ------------------------------------------------------------------------------
def respondent_roles(session: Session, team_id: str, user_id: str, customer_id: int | None = None) -> set[ContactRole]:
    """The customer-side roles the map gives this person (at one customer, or at any)."""
    q = (select(Contact.role).join(Party, Party.id == Contact.party_id)
         .where(Contact.team_id == team_id, Contact.user_id == user_id, Party.kind == PartyKind.CUSTOMER.value,
                Contact.role.in_([r.value for r in RESPONDENT_ROLES])))
    if customer_id is not None:
        q = q.where(Contact.party_id == customer_id)
    return {ContactRole(r) for r in session.exec(q).all()}


def customers_of(session: Session, team_id: str, user_id: str) -> list[Party]:
    q = (select(Party).join(Contact, Contact.party_id == Party.id)
         .where(Party.team_id == team_id, Party.kind == PartyKind.CUSTOMER.value, Contact.user_id == user_id)
         .distinct())
    return list(session.exec(q))


def resolve_role(session: Session, team_id: str, user_id: str, customer_id: int, answered: str | None) -> ContactRole:
    """The role the person answers in: the one the map gives them at this customer, else what they told us."""
    for roles in (respondent_roles(session, team_id, user_id, customer_id), respondent_roles(session, team_id, user_id)):
        if len(roles) == 1:
            return next(iter(roles))
    if answered in (ContactRole.MANAGERIAL.value, ContactRole.OPERATIONAL.value):
        return ContactRole(answered)
    raise InvalidInput({"role": "Tell me whether you speak as a manager or as an operational user."})


def check_subject(session: Session, team_id: str, service_id: int | None, customer_id: int | None) -> tuple[Service, Party]:
    errors: dict[str, str] = {}
    service = customer = None
    try:
        if service_id is None:
            raise NotFound("Choose the service this is about.")
        service = service_map.get_service(session, team_id, service_id)
    except NotFound as err:
        errors["service"] = str(err)
    try:
        if customer_id is None:
            raise NotFound("Choose the customer asking for it.")
        customer = service_map.get_party(session, team_id, customer_id)
        if customer.party_kind is not PartyKind.CUSTOMER:
            errors["customer"] = f"{customer.name} is not a customer."
    except NotFound as err:
        errors["customer"] = str(err)
    if errors:
        raise InvalidInput(errors)
    return service, customer


# ---- recording ------------------------------------------------------------------------------------
@dataclass
class Said:
    """Who asked, where: the provenance every requirement keeps."""

    user_id: str
    role: ContactRole
    source: Source = Source.FORM
    permalink: str | None = None
    quote: str = ""


def record(session: Session, actor: Actor, service_id: int, customer_id: int, said: Said,
           drafts: list[Draft]) -> list[Requirement]:
    require(actor, Capability.RECORD_REQUIREMENT)
    check_subject(session, actor.team_id, service_id, customer_id)
    stored: list[Requirement] = []
    for draft in drafts:
        req = Requirement(
            team_id=actor.team_id, number=0, service_id=service_id, customer_id=customer_id, said_by=said.user_id,
            said_role=said.role.value, source=said.source.value, source_permalink=said.permalink,
            source_quote=said.quote[:STATEMENT_MAX], category=draft.category.value, statement=draft.statement,
            metric=draft.metric, level=draft.level, target=draft.target, period=draft.period,
            service_hours=draft.service_hours, priority=draft.priority.value, created_at=actor.at(),
            created_by=actor.user_id)
        _insert_numbered(session, req)
        audit.record(session, actor, "requirement.record", "requirement", req.id, number=req.number,
                     category=req.category, target=req.target, said_by=said.user_id)
        stored.append(req)
    return stored


def _insert_numbered(session: Session, req: Requirement, attempts: int = 5) -> None:
    """Number the requirement #N within its workspace; a clash with a concurrent insert takes the next one."""
    for _ in range(attempts):
        top = session.exec(select(func.max(Requirement.number)).where(Requirement.team_id == req.team_id)).one()
        req.number = (top or 0) + 1
        try:
            with session.begin_nested():
                session.add(req)
            return
        except IntegrityError:
            session.expunge(req) if req in session else None
    raise DomainError("Too many requirements are being recorded at once; please try again.")


def get(session: Session, team_id: str, number: int) -> Requirement:
    req = session.exec(select(Requirement).where(Requirement.team_id == team_id, Requirement.number == number)).first()
    if req is None:
        raise NotFound(f"There is no requirement #{number}.")
    return req


def get_many(session: Session, team_id: str, numbers: list[int]) -> list[Requirement]:
    return [get(session, team_id, n) for n in numbers]


def metric_of(req: Requirement) -> Metric | None:
    """What a requirement's target measures: its own metric, or the one its category takes."""
    return METRICS.get(req.metric or CATEGORY_METRIC.get(Category(req.category), ""))


def confirm(session: Session, actor: Actor, number: int) -> Requirement:
    req = get(session, actor.team_id, number)
    if actor.user_id != req.said_by:
        raise PermissionDenied("Only ", Person(req.said_by), f", who asked for it, can confirm requirement #{number}.")
    if req.status in (Status.CAPTURED.value, Status.CLARIFIED.value):
        req.status = Status.CLARIFIED.value
    req.confirmed_by, req.confirmed_at = actor.user_id, actor.at()
    session.add(req)
    audit.record(session, actor, "requirement.confirm", "requirement", req.id, number=number)
    return req


def check_correctable(actor: Actor, req: Requirement) -> None:
    """Refuse, before the form is filled, a correction this person may not make."""
    if actor.user_id != req.said_by:
        require(actor, Capability.DECIDE_REQUIREMENT)
    if req.status in (Status.ACCEPTED.value, Status.DECLINED.value):
        raise DomainError(f"Requirement #{req.number} is already {req.status}; "
                          + ("change the SLA that answers it instead." if req.status == Status.ACCEPTED.value
                             else "record it again if it still stands."))


def correct(session: Session, actor: Actor, number: int, *, statement: str | None, target: str | None,
            default_tz: str) -> Requirement:
    """The requester (or a service manager) rewords a requirement or changes its target."""
    req = get(session, actor.team_id, number)
    check_correctable(actor, req)
    errors: dict[str, str] = {}
    said = text.line(statement)
    if not said:
        errors["statement"] = "Say what is needed, in your words."
    elif len(said) > STATEMENT_MAX:
        errors["statement"] = f"Keep this under {STATEMENT_MAX} characters."
    new_target = req.target
    metric = metric_of(req)
    if metric and (target or "").strip():
        try:
            new_target = metric.read(target, actor.tz)
        except parsing.ParseError as err:
            errors["target"] = str(err)
    elif metric and not (target or "").strip():
        new_target = None
    if errors:
        raise InvalidInput(errors)
    before = {"statement": req.statement, "target": req.target}
    req.statement, req.target = said, new_target
    req.metric = metric.name if metric and new_target else None
    if actor.user_id == req.said_by:  # the requester's own words: that is confirmation
        req.status = Status.CLARIFIED.value
        req.confirmed_by, req.confirmed_at = actor.user_id, actor.at()
    else:  # someone else reworded it: the requester has yet to confirm the new wording
        req.confirmed_by, req.confirmed_at = None, None
    session.add(req)
    audit.record(session, actor, "requirement.correct", "requirement", req.id, number=number, before=before,
                 after={"statement": req.statement, "target": req.target})
    return req


def decline(session: Session, actor: Actor, number: int, reason: str | None) -> Requirement:
    require(actor, Capability.DECIDE_REQUIREMENT)
    req = get(session, actor.team_id, number)
    why = text.line(reason, 1000)
    if not why:
        raise InvalidInput({"reason": "Say why it is declined; the customer will read this."})
    if req.status == Status.ACCEPTED.value:
        raise DomainError(f"Requirement #{number} is already answered by an SLA; change the SLA instead.")
    req.status, req.status_reason = Status.DECLINED.value, why[:1000]
    session.add(req)
    audit.record(session, actor, "requirement.decline", "requirement", req.id, number=number, reason=req.status_reason)
    return req


# ---- reading them back ---------------------------------------------------------------------------
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


# ---- comparable data ---------------------------------------------------------------------------------
@dataclass
class Comparison:
    asked: str
    low: str
    typical: str
    high: str
    count: int
    metric: str


def _hours_per_week(hours: parsing.ServiceHours) -> Decimal:
    minutes = 0
    for _day, start, end in hours.windows:
        end_min = 24 * 60 if end is None else end.hour * 60 + end.minute
        minutes += end_min - (start.hour * 60 + start.minute)
    return Decimal(minutes) / 60


def _fmt_minutes(value: Decimal) -> str:
    return parsing.format_duration(parsing.Duration(minutes=max(1, int(value))))


def compare(library: BenchmarkLibrary, req: Requirement) -> Comparison | None:
    """The requirement beside what public sources state for the same metric, or None when they state nothing."""
    if req.metric == "availability":
        groups, fmt = library.find("availability"), (lambda v: parsing.format_percentage(Decimal(v).normalize()))
        asked = req.target
    elif req.metric in ("response_time", "resolution_time") and req.level:
        groups, fmt = library.find(req.metric, priority=req.level), _fmt_minutes
        asked = req.target
    elif req.metric == "support_hours" and req.target:
        groups = library.find("support_hours")
        fmt = lambda v: f"{Decimal(v).normalize():f}h a week"  # noqa: E731
        asked = f"{req.target} ({fmt(_hours_per_week(parsing.parse_service_hours(req.target)))})"
    else:
        return None
    values = sorted(p.value for g in groups for p in g.points)
    if not values or not asked:
        return None
    mid = len(values) // 2
    typical = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return Comparison(asked=asked, low=fmt(values[0]), typical=fmt(typical), high=fmt(values[-1]), count=len(values),
                      metric=req.metric)

