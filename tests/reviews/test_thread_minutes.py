"""The minutes document: what people typed stays text, and an organisation's own template is used when it works."""
from __future__ import annotations

from bot.reviews.closing import markdown_escape, render_minutes

CONTEXT = {"sla": "Acme Payroll", "customer": "Acme Retail", "date": "2026-03-02 10:00 GMT", "format": "Call",
           "period_start": "2026-02-01", "period_end": "2026-03-01", "closed_by": "Alice Admin",
           "closed_on": "2026-03-02 11:00 GMT", "attended": ["Carol Customer"], "absent": ["Bob Ops"],
           "decisions": [{"text": "# Heading\n| a | b |\n[link](http://x) <b>bold</b> *star*", "by": "Carol"}],
           "actions": [{"number": 3, "title": "Fix | pipe", "owner": "Network group", "due": "2026-04-01",
                        "target": "T1 P1 resolution 4h", "status": "open"}],
           "risks": ["- not a list item", "1. not a numbered one"]}


def test_typed_text_cannot_make_markdown():
    assert markdown_escape("# Heading\n| a | b |") == "\\# Heading \\| a \\| b \\|"
    assert markdown_escape("[x](http://evil) <script>") == "\\[x\\]\\(http://evil\\) \\<script\\>"
    assert markdown_escape("- item") == "\\- item" and markdown_escape("1. first") == "1\\. first"
    assert markdown_escape("plain words, 99.9% & 2026-03-02") == "plain words, 99.9% & 2026-03-02"


def test_the_built_in_minutes():
    text, warning = render_minutes(CONTEXT, None)
    assert warning is None
    lines = text.splitlines()
    assert lines[0] == "# Service review minutes: Acme Payroll"
    assert "1. \\# Heading \\| a \\| b \\| \\[link\\]\\(http://x\\) \\<b\\>bold\\</b\\> \\*star\\* (recorded by Carol)" in lines
    assert "| 3 | Fix \\| pipe | Network group | 2026-04-01 | T1 P1 resolution 4h |" in lines
    assert "Expected but not recorded as attending: Bob Ops." in lines
    assert "- \\- not a list item" in lines and "- 1\\. not a numbered one" in lines
    assert not any(line.startswith("# ") for line in lines[1:])  # the one heading of level 1 is ours


def test_the_organisations_own_template_and_a_broken_one(tmp_path):
    (tmp_path / "review_minutes.md.j2").write_text("Minutes of {{ sla }}: {{ decisions|length }} decision(s)\n")
    assert render_minutes(CONTEXT, tmp_path) == ("Minutes of Acme Payroll: 1 decision(s)\n", None)

    (tmp_path / "review_minutes.md.j2").write_text("Minutes of {{ sla }\n")
    text, warning = render_minutes(CONTEXT, tmp_path)
    assert text.startswith("# Service review minutes: Acme Payroll")
    assert warning.startswith("Your minutes template review_minutes.md.j2, line 1:")

    (tmp_path / "review_minutes.md.j2").write_text("Minutes\n{{ nothing_of_the_kind }}\n")
    text, warning = render_minutes(CONTEXT, tmp_path)
    assert text.startswith("# Service review minutes") and "nothing_of_the_kind" in warning
