"""The interview: the questions each role is asked, and turning answers into draft requirements.

`interview_drafts` reads one person's answers to the topics they chose; `quote_draft`
reads a quoted Slack message. Both read every field before refusing, so the person sees
all their mistakes at once (`_Reader`), and keep nothing when any answer is unreadable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot import parsing, text
from bot.errors import InvalidInput
from bot.parsing import response_after_resolution
from bot.requirements.metrics import CATEGORY_METRIC, LEVELS, METRICS, PERIODS, STATEMENT_MAX
from models import Category, ContactRole, Priority


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
