"""The in-house agreement template: every section, every target; and the example committed under docs/."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot import agreements
from bot.agreements import documents

EXAMPLE = Path(__file__).parents[2] / "docs" / "example-sla.md"

CONTENT = {
    "kind": "sla", "name": "Acme Retail: Payroll", "counterparty": "Acme Retail", "services": ["Payroll", "Payslips portal"],
    "start": "2026-04-01", "end": "2027-03-31", "review_month": "April",
    "contacts": {"Managerial": ["Carol Customer"], "Approver": ["Carol Customer"], "Operational": ["Olu Ops"]},
    "calendars": [{"name": "UK office hours", "hours": "Mon-Fri 08:00-18:00 Europe/London", "holidays": "GB-ENG",
                   "closures": ["2026-12-24"]}],
    "targets": [
        {"key": "T1", "kind": "response", "level": "P1", "duration": "15m", "goal": "95%", "period": "monthly",
         "metric_name": None, "threshold": None, "calendar": None, "calendar_hours": None, "warning_percent": 75,
         "service_credit": "", "requirement": 1, "description": "P1 response within 15m, 95% of tickets"},
        {"key": "T2", "kind": "resolution", "level": "P1", "duration": "4 business hours", "goal": "95%",
         "period": "monthly", "metric_name": None, "threshold": None, "calendar": "UK office hours",
         "calendar_hours": "Mon-Fri 08:00-18:00 Europe/London", "warning_percent": 75,
         "service_credit": "5% of the monthly charge", "requirement": 2,
         "description": "P1 resolution within 4 business hours, 95% of tickets"},
        {"key": "T3", "kind": "availability", "level": None, "duration": None, "goal": "99.9%", "period": "monthly",
         "metric_name": None, "threshold": None, "calendar": "UK office hours",
         "calendar_hours": "Mon-Fri 08:00-18:00 Europe/London", "warning_percent": 50, "service_credit": "",
         "requirement": None, "description": "Availability 99.9%"},
        {"key": "T4", "kind": "metric", "level": None, "duration": None, "goal": None, "period": "monthly",
         "metric_name": "p95 page load", "threshold": "2 s", "calendar": None, "calendar_hours": None,
         "warning_percent": 75, "service_credit": "", "requirement": None, "description": "p95 page load under 2 s"},
    ],
    "clauses": {k: v for k, (_h, v) in agreements.CLAUSES.items()},
    "contract_ref": None, "notice_days": None, "renewal_date": None,
}


def render() -> str:
    context = agreements.document_context(CONTENT, 3, "Example IT Services")
    return documents.render_source(documents.SHIPPED.read_text(), documents.SHIPPED.name, context)


def test_every_section_and_every_target():
    text = render()
    for heading in ("## 1. Parties", "## 2. Scope", "## 3. Service hours", "## 4. Service level targets",
                    "## 5. Measurement and reporting", "## 6. Service reviews", "## 7. Responsibilities",
                    "## 8. Remedies", "## 9. Signatures"):
        assert heading in text
    for t in CONTENT["targets"]:
        assert f"| {t['key']} | {t['description']} |" in text
    assert "| T2 | P1 resolution within 4 business hours, 95% of tickets | 95% | monthly | UK office hours | 75% of budget | 5% of the monthly charge |" in text
    assert "closed on public holidays (GB-ENG); also closed on 2026-12-24" in text
    assert "T1 answers requirement #1; T2 answers requirement #2." in text
    assert "reviewed every year in April" in text and "Version 3." in text
    for clause in CONTENT["clauses"].values():
        assert clause in text


def test_the_committed_example_is_what_the_template_renders():
    text = render()
    if os.environ.get("UPDATE_EXAMPLES"):
        EXAMPLE.write_text(text)
    assert EXAMPLE.read_text() == text, "docs/example-sla.md is stale: run UPDATE_EXAMPLES=1 make test"


def test_template_problems_name_file_and_line():
    with pytest.raises(documents.TemplateProblem) as err:
        documents.render_source("line one\n{{ nope.deeper }}\n", "sla.md.j2", {})
    assert (err.value.file, err.value.line) == ("sla.md.j2", 2)
    with pytest.raises(documents.TemplateProblem) as err:
        documents.render_source("{% for %}", "sla.md.j2", {})
    assert err.value.line == 1
