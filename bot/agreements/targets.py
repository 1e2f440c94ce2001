"""Service level targets: what they say in words, how they change, and how requirements become them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from bot import parsing
from bot.parsing import credits
from bot.agreements import answers
from bot.calendars import records as calendar_records
from bot.workspace.actor import Actor
from bot.errors import InvalidInput, NotFound
from models import Agreement, AgreementKind, Calendar, Requirement, Status, Target, TargetKind

PERIODS = ("weekly", "monthly", "quarterly", "yearly")
LEVELS = ("P1", "P2", "P3", "P4")
DEFAULT_COMPLIANCE_GOAL = "95%"  # tickets within their clock, unless negotiated otherwise
DEFAULT_LADDER = "the organisation's ladder"  # a target stating no ladder of its own climbs it (or the built-in one)


def describe(kind: str, level: str | None, duration: str | None, goal: str | None, metric_name: str | None,
             threshold: str | None) -> str:
    if kind in (TargetKind.RESPONSE, TargetKind.RESOLUTION):
        text = f"{level} {kind} within {duration}"
        return text + (f", {goal} of tickets" if goal else "")
    if kind == TargetKind.AVAILABILITY:
        return f"Availability {goal}"
    return f"{metric_name} under {threshold}"


def short(kind: str, level: str | None, metric_name: str | None) -> str:
    """What a target is about, without its numbers: "P1 resolution", "Availability"."""
    if kind in (TargetKind.RESPONSE, TargetKind.RESOLUTION):
        return f"{level} {kind}"
    return "Availability" if kind == TargetKind.AVAILABILITY else (metric_name or "Metric")


def as_dict(t: Target, calendar: Calendar | None, requirement_number: int | None) -> dict:
    return {"key": t.key, "kind": t.kind, "level": t.level, "duration": t.duration, "goal": t.goal, "period": t.period,
            "metric_name": t.metric_name, "threshold": t.threshold,
            "calendar": calendar.name if calendar else None, "calendar_hours": calendar.hours if calendar else None,
            "warning_percent": t.warning_percent, "service_credit": t.service_credit,
            "requirement": requirement_number, "ladder": t.ladder,
            "description": describe(t.kind, t.level, t.duration, t.goal, t.metric_name, t.threshold)}


def differences(old: dict, new: dict) -> list[str]:
    """One target's changes between two versions, in words: "T1 P1 resolution: 4h → 6h"."""
    name = f"{new['key']} {short(new['kind'], new['level'], new['metric_name'])}"
    out = []
    # A version made before ladders were terms has no "ladder": it stated none, and the target climbed the ladder
    # set by command then, if any (bot.breaches.ladders), which the next version keeps beside it.
    set_before = new.get("ladder_before_terms") if "ladder" not in old else None
    if set_before and set_before == new.get("ladder"):
        out.append(f"{new['key']}'s escalation ladder, set before ladders were terms, now stated: {set_before}")
    elif set_before:
        out.append(f"{new['key']}'s escalation ladder: {set_before} (set before ladders were terms) → "
                   f"{new.get('ladder') or DEFAULT_LADDER}")
    elif old.get("ladder") != new.get("ladder"):
        out.append(f"{new['key']}'s escalation ladder: {old.get('ladder') or DEFAULT_LADDER} → "
                   f"{new.get('ladder') or DEFAULT_LADDER}")
    if old["kind"] != new["kind"] or old["level"] != new["level"]:
        out.insert(0, f"{new['key']}: {old['description']} → {new['description']}")
        return out
    for field, label in (("duration", ""), ("threshold", ""), ("goal", " goal"), ("period", " period"),
                         ("calendar", " service hours"), ("warning_percent", " warning"),
                         ("service_credit", " service credit"), ("metric_name", " metric")):
        if old.get(field) != new.get(field):
            out.append(f"{name}{label}: {old.get(field) or 'none'} → {new.get(field) or 'none'}")
    return out


def next_key(session: Session, agreement: Agreement) -> str:
    keys = session.exec(select(Target.key).where(Target.agreement_id == agreement.id)).all()
    return f"T{max((int(k[1:]) for k in keys), default=0) + 1}"


# ---- from requirements ----------------------------------------------------------------------------
REQUIREMENT_KINDS = answers.REQUIREMENT_KINDS


@dataclass
class Unanswered:
    """A requirement a draft has no target for; `note` says why, when another ask for the same thing was taken."""

    number: int
    statement: str
    note: str = ""


def from_requirements(session: Session, actor: Actor, agreement: Agreement, service_ids: list[int]) -> list[Unanswered]:
    """Targets for the customer's measurable requirements; returns the requirements left unanswered.

    Declined requirements are left out. Each target keeps the requirement it answers. Where several ask for the
    same thing, the target takes one ("must" over "should", the stricter of two "must"s) and says so.
    """
    reqs = session.exec(select(Requirement).where(
        Requirement.team_id == actor.team_id, Requirement.customer_id == agreement.counterparty_id,
        Requirement.service_id.in_(service_ids or [-1]), Requirement.status != Status.DECLINED.value,
    ).order_by(Requirement.number)).all()
    unanswered: list[Unanswered] = []
    asks: dict[tuple, list[Requirement]] = {}
    for req in reqs:
        kind = REQUIREMENT_KINDS.get(req.metric or "")
        if kind is None or not req.target:  # nothing measurable of a kind an SLA carries
            unanswered.append(Unanswered(req.number, req.statement))
            continue
        asks.setdefault((kind, req.level, req.metric), []).append(req)
    for (kind, _level, _metric), same in asks.items():
        choice = answers.choose(kind, same)
        req = choice.chosen
        calendar = calendar_records.for_hours(session, actor, req.service_hours) if req.service_hours else None
        target = Target(team_id=actor.team_id, agreement_id=agreement.id, key=next_key(session, agreement), kind=kind.value,
                        level=req.level, period=req.period or "monthly", calendar_id=calendar.id if calendar else None,
                        requirement_id=req.id, created_at=actor.at(), created_by=actor.user_id)
        if kind in (TargetKind.RESPONSE, TargetKind.RESOLUTION):
            target.duration, target.goal = req.target, DEFAULT_COMPLIANCE_GOAL
        elif kind is TargetKind.AVAILABILITY:
            target.goal = req.target
        else:
            target.metric_name, target.threshold = req.statement[:120], req.target
        session.add(target)
        session.flush()
        unanswered += [Unanswered(r.number, r.statement, f"{target.key} takes #{req.number}'s {req.target} "
                                                         f"({req.priority}) instead of {r.target} ({r.priority}): "
                                                         f"{choice.why}") for r in choice.others]
    return sorted(unanswered, key=lambda u: u.number)


# ---- changes a proposal makes ------------------------------------------------------------------
@dataclass
class TargetChange:
    """Add a target (key None), change one, or remove it."""

    key: str | None
    kind: str | None = None
    level: str | None = None
    duration: str | None = None
    goal: str | None = None
    period: str | None = None
    metric_name: str | None = None
    threshold: str | None = None
    calendar_id: int | None = None
    warning_percent: str | None = None
    service_credit: str | None = None
    remove: bool = False

    def apply(self, session: Session, actor: Actor, agreement: Agreement, _clauses) -> None:
        target = None
        if self.key:
            target = session.exec(select(Target).where(Target.agreement_id == agreement.id, Target.key == self.key,
                                                       Target.retired == False)).first()  # noqa: E712
            if target is None:
                raise InvalidInput({"change": f"{agreement.name} has no target {self.key}."})
        if self.remove:
            if target is None:
                raise InvalidInput({"change": "Choose the target to remove."})
            target.retired = True
            session.add(target)
            return
        errors: dict[str, str] = {}
        kind = self.kind or (target.kind if target else None)
        if kind not in {k.value for k in TargetKind}:
            raise InvalidInput({"kind": "Choose what kind of target this is."})
        values: dict = {"kind": kind, "period": self.period or (target.period if target else "monthly")}
        if values["period"] not in PERIODS:
            errors["period"] = f"Choose one of: {', '.join(PERIODS)}."
        if kind in (TargetKind.RESPONSE, TargetKind.RESOLUTION):
            values["level"] = self.level or (target.level if target else None)
            if values["level"] not in LEVELS:
                errors["level"] = "Choose the incident priority, P1 to P4."
            values["duration"] = _read(errors, "duration", self.duration, parsing.parse_duration, parsing.format_duration,
                                       required=True)
            values["goal"] = _read(errors, "goal", self.goal, parsing.parse_percentage, parsing.format_percentage) \
                or DEFAULT_COMPLIANCE_GOAL
            if values["duration"] and values["level"] in LEVELS:
                _response_before_resolution(session, agreement, target, kind, values["level"], values["duration"],
                                            errors)
        elif kind == TargetKind.AVAILABILITY:
            values["goal"] = _read(errors, "goal", self.goal, parsing.parse_percentage, parsing.format_percentage,
                                   required=True)
        else:
            name = " ".join((self.metric_name or "").split())
            if not name:
                errors["metric_name"] = "Name what is measured, e.g. “p95 page load”."
            values["metric_name"] = name[:120]
            values["threshold"] = _read(errors, "threshold", self.threshold, parsing.parse_quantity,
                                        parsing.format_quantity, required=True)
        warning = (self.warning_percent or "").strip().rstrip("%").strip()
        if warning:
            if not warning.isdigit() or not 1 <= int(warning) <= 100:
                errors["warning_percent"] = "A warning level is a whole percentage of the budget, 1 to 100, e.g. 75."
            else:
                values["warning_percent"] = int(warning)
        if self.calendar_id is not None:
            try:
                values["calendar_id"] = calendar_records.get(session, actor.team_id, self.calendar_id).id
            except NotFound as err:
                errors["calendar"] = str(err)
        if self.service_credit is not None:
            values["service_credit"] = " ".join(self.service_credit.split())[:500]
        if errors:
            raise InvalidInput(errors)
        if target is None:
            target = Target(team_id=actor.team_id, agreement_id=agreement.id, key=next_key(session, agreement),
                            created_at=actor.at(), created_by=actor.user_id)
        for name, value in values.items():
            setattr(target, name, value)
        session.add(target)
        if agreement.kind == AgreementKind.SLA:  # the requirement it answers follows the value it now promises
            answers.follow(session, agreement, target)


def _response_before_resolution(session: Session, agreement: Agreement, target: Target | None, kind: str, level: str,
                                duration: str, errors: dict) -> None:
    """A response time is no longer than the resolution time of the same priority in the same agreement."""
    other_kind = TargetKind.RESOLUTION if kind == TargetKind.RESPONSE else TargetKind.RESPONSE
    other = session.exec(select(Target).where(Target.agreement_id == agreement.id, Target.kind == other_kind.value,
                                              Target.level == level, Target.retired == False)  # noqa: E712
                          .order_by(Target.id)).first()
    if other is None or (target is not None and other.id == target.id):
        return
    response, resolution = (duration, other.duration) if kind == TargetKind.RESPONSE else (other.duration, duration)
    if why := parsing.response_after_resolution(level, response, resolution):
        errors["duration"] = f"{why} ({other.key} says {other.duration}.)"


def _read(errors: dict, field: str, text: str | None, parse, fmt, *, required: bool = False) -> str | None:
    raw = (text or "").strip()
    if not raw:
        if required:
            errors[field] = "This target needs a value here."
        return None
    try:
        return fmt(parse(raw))
    except parsing.ParseError as err:
        errors[field] = str(err)
        return None


@dataclass
class ClauseChange:
    clause: str
    text: str | None

    def apply(self, session: Session, actor: Actor, agreement: Agreement, clauses) -> None:
        if self.clause not in clauses:
            raise InvalidInput({"change": "Choose a clause."})
        text = (self.text or "").strip()
        if not text:
            raise InvalidInput({"clause_text": "Write the clause; an empty clause would say nothing."})
        if len(text) > 3000:
            raise InvalidInput({"clause_text": "Keep a clause under 3000 characters."})
        if self.clause == "charges" and credits.parse_monthly_charge(text) is None:
            raise InvalidInput({"clause_text": "State the monthly charge once, as an amount with its currency and "
                                               "“per month”: for example “£12,000 per month”. Service credits are "
                                               "reckoned on it."})
        agreement.clauses = {**agreement.clauses, self.clause: text}
        session.add(agreement)


@dataclass
class TermChange:
    start: date | None
    end: date | None
    review_month: int | None

    def apply(self, session: Session, actor: Actor, agreement: Agreement, _clauses) -> None:
        current = agreement.pending_term or {}
        start = self.start or date.fromisoformat(current.get("start", agreement.start_date.isoformat()))
        end = self.end or date.fromisoformat(current.get("end", agreement.end_date.isoformat()))
        month = self.review_month or current.get("review_month", agreement.review_month)
        if end <= start:
            raise InvalidInput({"end": "It must end after it starts."})
        if agreement.agreed_version is None:  # nothing is in force yet: the draft simply changes
            agreement.start_date, agreement.end_date, agreement.review_month = start, end, month
        else:  # the term in force stays until both sides agree to this one
            agreement.pending_term = {"start": start.isoformat(), "end": end.isoformat(), "review_month": month}
        session.add(agreement)
