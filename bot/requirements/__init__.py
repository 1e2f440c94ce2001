"""Service level requirements (competency 6.2): gathered from managerial and operational users.

A requirement is what one person on the customer side asked for, in their words,
with a measurable target where they gave one. The interview asks each role its own
questions; a quoted Slack message becomes a requirement with that message as its
source. Typed values are read by `bot.parsing` and kept in canonical form.

- `metrics`: what a target measures and how its value is read; the shared periods and levels;
- `interview`: the topics each role is asked, and drafts from answers or a quoted message;
- `records`: who is asking, recording (numbered #N), confirm, correct, decline, get;
- `listing`: requirements grouped by category, and the conflicts between them;
- `comparison`: a requirement beside what public sources state (bot.benchmarks);
- `asks`: asking a requester to confirm, at most once a day.

Callers use the public API re-exported here (`requirements.get(...)`; `requirements.listing`
is the function, which the import below binds over the module of the same name). Requirements
build on the service map (and the benchmarks, to compare): agreements and cover build on
requirements, never the reverse.
"""
from bot.requirements.metrics import (
    CATEGORY_METRIC,
    LEVELS,
    METRICS,
    Metric,
    PERIODS,
    STATEMENT_MAX,
    metric_of,
)
from bot.requirements.interview import (
    CRITICALITY,
    Draft,
    GUESSES,
    TOPICS,
    TOPIC_FIELDS,
    Topic,
    guess_category,
    interview_drafts,
    quote_draft,
    topic_keys,
    topics_for,
)
from bot.requirements.records import (
    RESPONDENT_ROLES,
    Said,
    check_correctable,
    check_subject,
    confirm,
    correct,
    customers_of,
    decline,
    get,
    get_many,
    record,
    resolve_role,
    respondent_roles,
)
from bot.requirements.listing import (
    Conflict,
    Listing,
    find_conflicts,
    listing,
    metric_label,
)
from bot.requirements.comparison import (
    Comparison,
    compare,
)
from models import Category, Priority  # the kinds and firmness of a requirement, as callers name them

__all__ = [
    "CATEGORY_METRIC",
    "CRITICALITY",
    "Category",
    "Comparison",
    "Conflict",
    "Draft",
    "GUESSES",
    "LEVELS",
    "Listing",
    "METRICS",
    "Metric",
    "PERIODS",
    "Priority",
    "RESPONDENT_ROLES",
    "STATEMENT_MAX",
    "Said",
    "TOPICS",
    "TOPIC_FIELDS",
    "Topic",
    "check_correctable",
    "check_subject",
    "compare",
    "confirm",
    "correct",
    "customers_of",
    "decline",
    "find_conflicts",
    "get",
    "get_many",
    "guess_category",
    "interview_drafts",
    "listing",
    "metric_label",
    "metric_of",
    "quote_draft",
    "record",
    "resolve_role",
    "respondent_roles",
    "topic_keys",
    "topics_for",
]
