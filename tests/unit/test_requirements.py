"""The pure rules of requirements: what an interview's answers become, conflicts, comparisons."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot import requirements as reqs
from bot.benchmarks import load_benchmarks
from bot.errors import InvalidInput
from models import Category, Requirement

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_interview_answers_become_measurable_requirements():
    drafts = reqs.interview_drafts("operational", ["incidents", "support_hours"], {
        "p1_response": "15m", "p1_resolution": "1.5h", "p4_resolution": "2 business days",
        "support_hours": "weekdays 9-5", "outcome": "ignored: not an operational topic"}, default_tz="Asia/Kolkata")
    assert [(d.category, d.metric, d.level, d.target) for d in drafts] == [
        (Category.RESPONSE_TIME, "response_time", "P1", "15m"),
        (Category.RESOLUTION_TIME, "resolution_time", "P1", "1h 30m"),
        (Category.RESOLUTION_TIME, "resolution_time", "P4", "2 business days"),
        (Category.SUPPORT_HOURS, "support_hours", None, "Mon-Fri 09:00-17:00 Asia/Kolkata"),
    ]
    assert {d.service_hours for d in drafts[:3]} == {"Mon-Fri 09:00-17:00 Asia/Kolkata"}


def test_every_unreadable_answer_is_reported_at_once():
    with pytest.raises(InvalidInput) as err:
        reqs.interview_drafts("operational", ["incidents", "volumes"], {
            "p1_response": "soon", "p2_response": "3 fortnights", "volumes": "many"}, default_tz="UTC")
    assert set(err.value.errors) == {"p1_response", "p2_response", "volumes"}


def test_topics_of_the_other_role_are_not_asked():
    with pytest.raises(InvalidInput):
        reqs.topic_keys("managerial", ["incidents"])


def req(n, said_by, target, level="P1", metric="resolution_time", status="captured", customer=1):
    return Requirement(id=n, team_id="T", number=n, service_id=1, customer_id=customer, said_by=said_by,
                       said_role="operational", source="form", category="resolution_time", statement="s",
                       metric=metric, level=level, target=target, status=status, created_at=NOW, created_by="U")


def test_conflicts_need_different_targets_from_different_people():
    assert reqs.find_conflicts([req(1, "A", "4h"), req(2, "B", "240m")]) == []  # the same ask, written differently
    assert reqs.find_conflicts([req(1, "A", "4h"), req(2, "A", "8h")]) == []    # one person changing their mind
    [c] = reqs.find_conflicts([req(1, "A", "4h"), req(2, "B", "8h"), req(3, "C", "8h", level="P2")])
    assert c.label == "P1 resolution time" and [r.number for r in c.requirements] == [1, 2]
    assert reqs.find_conflicts([req(1, "A", "4h"), req(2, "B", "8h", status="declined")]) == []
    assert reqs.find_conflicts([req(1, "A", "4h"), req(2, "B", "8h", customer=2)]) == []  # separate customers


def test_comparison_with_published_values():
    library = load_benchmarks()
    c = reqs.compare(library, req(1, "A", "99.99%", level=None, metric="availability"))
    assert c.asked == "99.99%" and c.low.endswith("%") and c.count >= 10
    assert reqs.compare(library, req(1, "A", "20 EUR", level=None, metric="outage_cost")) is None
    hours = reqs.compare(library, req(1, "A", "24x7 UTC", level=None, metric="support_hours"))
    assert hours.asked == "24x7 UTC (168h a week)"
