"""Every modal's title, submit and close fit Slack's 24 characters, whole: rendered with realistic values."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot import agreements as agr
from bot import requirements as reqs
from models import Agreement, ContactRole, PartyKind, Requirement, Target
from messages import render

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TEMPLATES = Path(__file__).parents[2] / "messages" / "templates"
LIMIT = 24  # Slack's limit for a modal's title, submit and close texts
MONTHS = [(str(i + 1), m) for i, m in enumerate(agr.MONTHS)]

SLA = Agreement(id=1, team_id="T", kind="sla", name="Acme Retail: Payroll", name_key="x", counterparty_id=1,
                start_date=date(2026, 4, 1), end_date=date(2027, 3, 31), review_month=4, status="negotiating",
                latest_version=3, channel_id="C1", clauses={}, created_at=NOW, created_by="U1")
T3 = Target(id=3, team_id="T", agreement_id=1, key="T3", kind="resolution", level="P1", duration="4h", goal="95%",
            period="monthly")
REQUIREMENT = Requirement(id=1, team_id="T", number=12345, service_id=1, customer_id=1, said_by="U1",
                          said_role="operational", source="form", category="resolution_time",
                          statement="P1 fixed within 4 hours", metric="resolution_time", level="P1", target="4h",
                          priority="must", status="captured", created_at=NOW, created_by="U1")
PARTIES = [(1, "Network group"), (2, "Carrier X")]


def _contexts():
    """Each modal template, with what its handler passes it (every kind of agreement, every branch of a form)."""
    for kind in agr.AgreementKind:
        yield "agreement_draft.yml.j2", dict(
            kind=kind.value, kind_label=kind.label, name=f"Acme Retail: {kind.label}", counterparty_label="Supplier",
            parties=PARTIES, counterparty_id=1, services=[(1, "Payroll")], chosen_services=[(1, "Payroll")], party_search="search_party:customer", start="2026-04-01", end="2027-03-31",
            months=MONTHS, review_month="4", channel_id="C1", private_metadata="{}")
    for change, kind in (("target:T3", "resolution"), ("target:new", None), ("clause:scope", None), ("term", None)):
        yield "agreement_propose.yml.j2", dict(
            agreement=SLA, choices=[("target:T3", "T3: P1 resolution"), ("target:new", "Add a target")], change=change,
            target=T3 if change == "target:T3" else None, kind=kind, calendars=[(1, "UK office hours")], months=MONTHS,
            clause_heading="Scope", clause_text="Payroll runs.", term_start="2026-04-01", term_end="2027-03-31",
            term_month=4, private_metadata="{}")
    yield "action_form.yml.j2", dict(title="Upgrade what underpins P1 resolution of Acme Payroll", owner_party_id=2,
                                     due="2026-04-01", parties=PARTIES, may_accept=True, private_metadata="{}")
    yield "cover_checking.yml.j2", dict(title="Upgrade action", message=None)
    yield "breach_remedial_form.yml.j2", dict(what="T1 P1 resolution 4h", agreement="Acme Payroll",
                                              targets=[(3, "T3 P1 resolution 4h (Acme Payroll)")], target_id=3,
                                              parties=PARTIES, owner_party_id=1, due="2026-03-02",
                                              private_metadata="{}")
    yield "calendar_form.yml.j2", dict(tz="America/Argentina/ComodRivadavia", private_metadata="{}")
    yield "link_form.yml.j2", dict(services=[], party_groups=[], chosen=None, service_search=False, party_search=False,
                                   activities=["Incident handling"],
                                   other="other", private_metadata="{}")
    yield "party_form.yml.j2", dict(kinds=list(PartyKind), kind=PartyKind.SUPPLIER, name="Carrier X",
                                    contact_blocks={r: f"b{r}" for r in ContactRole}, private_metadata="{}")
    yield "service_form.yml.j2", dict(name="Payroll", private_metadata="{}")
    yield "req_correct.yml.j2", dict(requirement=REQUIREMENT, target_hint="e.g. 4h", private_metadata="{}")
    yield "req_decline.yml.j2", dict(requirement=REQUIREMENT, private_metadata="{}")
    yield "req_details.yml.j2", dict(private_metadata="{}", service="Payroll", customer="Acme Retail",
                                     tz="Europe/Paris", topics=list(reqs.TOPIC_FIELDS))
    yield "req_quote.yml.j2", dict(private_metadata="{}", service="Payroll", customer="Acme Retail", author="U1",
                                   role="operational", statement="P1 fixed within 4 hours", category="support_hours",
                                   tz="Europe/Paris", categories=[(c.value, c.label) for c in reqs.Category])
    yield "req_topics.yml.j2", dict(private_metadata="{}", service="Payroll", customer="Acme Retail",
                                    role="managerial", topics=reqs.topics_for("managerial"))
    yield "req_who.yml.j2", dict(private_metadata="{}", services=[(1, "Payroll")], customers=[(1, "Acme Retail")],
                                 service_id=1, customer_id=1, ask_role=True, quote="", quote_author="U1")
    yield "underpin_form.yml.j2", dict(agreement=SLA, sla_targets=[(3, "T3 P1 resolution within 4h")],
                                       leg_groups=[("Network OLA (Network group, OLA)", [(9, "T1 P1 within 1h")])],
                                       leg_search=False, private_metadata="{}")
    yield "record_form.yml.j2", dict(what=None, services=[(1, "Payroll")], groups=PARTIES[:1],
                                     priorities=[("P1", "P1")], today="2026-03-02", tz="Europe/London",
                                     private_metadata="{}")
    for outcome, label in (("continue", "continue unchanged"), ("renegotiate", "renegotiate"), ("retire", "retire")):
        yield "sla_review_form.yml.j2", dict(name="Acme Retail: Payroll", due_on="2027-03-01", outcome=outcome,
                                             label=label, private_metadata="{}")
    yield "waive_form.yml.j2", dict(label="T3 P1 resolution within 4h", rule="hours", gap="Sat-Sun uncovered",
                                    private_metadata="{}")
    # the review's thread (slice H4)
    yield "review_note_form.yml.j2", dict(sla="Acme Payroll", when="2026-03-02 10:00 GMT", text="Keep P1 at 4h",
                                          targets=[(3, "T3 P1 resolution 4h")], target_id=3, parties=PARTIES,
                                          due="2026-03-02", already=[], private_metadata="{}")
    yield "review_close_form.yml.j2", dict(agreement="Acme Payroll", when="2026-03-02 10:00 GMT", attendees=["U1"],
                                           decisions=[], more_decisions=0, actions=[], more_actions=0,
                                           private_metadata="{}")
    # issue 13, actions slice: `/slm action new`, and the closing note of Done… / Cancel…
    yield "action_new_form.yml.j2", dict(parties=PARTIES, targets=[(3, "T3 (Acme Retail: Payroll)")],
                                         due="2026-03-16", private_metadata="{}")
    for to in ("done", "cancelled"):
        yield "action_close_form.yml.j2", dict(to=to, number=12345, title="Raise P1 cover", private_metadata="{}")
    # issue 17, suppliers: Close… on a dispute
    yield "dispute_close_form.yml.j2", dict(number=12345, what="Invoice 114 charges the P1 credit twice",
                                            private_metadata="{}")
    # issue 17, complaints slice: `/slm complaint` (and *Record as complaint*), and a complaint's Answer… / Close…
    yield "complaint_form.yml.j2", dict(customers=[("1", "Acme Retail")], services=[("2", "Payroll")], customer_id="1",
                                        complainant="U1", text="Payslips were late again", quoted="",
                                        private_metadata="{}")
    for to in ("answer", "close"):
        yield "complaint_reply_form.yml.j2", dict(to=to, number=12345, customer="Acme Retail",
                                                  text="Payslips were late again", private_metadata="{}")
    for countering in (False, True):  # the review cadence (slice H1): proposed, and countered
        yield "review_cadence_form.yml.j2", dict(
            countering=countering, name="Acme Retail: Payroll", frequency="second Tuesday of each month at 10:00",
            zone="Europe/London", formats=[("meeting", "Meeting in person"), ("call", "Call")], format="call",
            users=["U1"], parties=[("1", "Acme Retail")], chosen_parties=[("1", "Acme Retail")], reminders="5 working days, 1 day",
            channel_id="C1", private_metadata="{}")
    # issue 17: the comment behind a satisfaction rating
    yield "satisfaction_comment_form.yml.j2", dict(subject="INC0012345 Payroll run fails", comment="Slow",
                                                   private_metadata="{}")


CONTEXTS = list(_contexts())


def test_every_modal_template_is_checked_here():
    modals = {p.name for p in TEMPLATES.glob("*.yml.j2") if re.search(r"^type: modal$", p.read_text(), re.M)}
    assert modals == {name for name, _ in CONTEXTS}, "a modal template with no realistic values in this test"


@pytest.mark.parametrize("template,context", CONTEXTS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONTEXTS)])
def test_titles_and_buttons_fit_whole(template, context):
    view = render(template, **context)
    for part in ("title", "submit", "close"):
        if part in view:
            words = view[part]["text"]
            assert len(words) <= LIMIT and not words.endswith("…"), f"{template} {part}: {words!r} is cut by Slack"
