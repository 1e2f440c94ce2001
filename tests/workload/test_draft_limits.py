"""Workload limits typed in the *Draft an SLA* modal (issue 17): one a line, in the words of `/slm sla limit`, stated
by version 1; a bad line is refused on the field, naming it, and nothing is stored. Signed requests into the real app;
the world is tests/slack/test_agreements.py's (Acme Retail's requirements for Payroll)."""
from __future__ import annotations

from sqlmodel import Session, select

from messages.ids import Block
from models import Agreement, AgreementVersion, Target, WorkloadLimit
from tests.slack.test_agreements import ALICE, NAME, acme  # noqa: F401  (fixture)


def submit_draft(slack, sandbox, team, acme, limits: str):
    slack.command("sla new Acme Retail")
    return slack.submit(sandbox.open_modal(team, ALICE), {
        Block.AGR_NAME: NAME, Block.AGR_SERVICES: [str(acme["service"])], Block.AGR_WORKLOAD_LIMITS: limits})


def test_limits_typed_in_the_draft_are_stated_by_version_1(slack, sandbox, db, team, acme):
    outcome = submit_draft(slack, sandbox, team, acme, "up to 400 tickets a month excusing resolution targets\n\n"
                                                       "- up to 50 P1 a quarter")
    assert outcome.ok, outcome.errors
    with Session(db.engine) as s:
        [version] = s.exec(select(AgreementVersion)).all()
        stated = ["up to 400 tickets a month", "up to 50 P1 tickets a quarter"]
        assert [w.text for w in s.exec(select(WorkloadLimit).order_by(WorkloadLimit.id))] == stated
        assert [w["text"] for w in version.content["workload_limits"]] == stated
    assert version.number == 1
    assert "| up to 400 tickets a month | resolution targets |" in version.document
    assert "| up to 50 P1 tickets a quarter |" in version.document
    # The negotiation thread's first line states them beside the targets, as a later version's difference would
    [drafted] = [c["args"] for c in sandbox.calls_of("chat.postMessage")
                 if c["args"].get("text") == f"Version 1 of {NAME}"]
    said = str(drafted["blocks"])
    assert "• Workload limit: up to 400 tickets a month (excuses resolution targets)" in said
    assert "• Workload limit: up to 50 P1 tickets a quarter (excuses response and resolution targets)" in said


def test_a_bad_line_is_refused_on_the_field_naming_it_and_nothing_is_stored(slack, sandbox, db, team, acme):
    outcome = submit_draft(slack, sandbox, team, acme, "up to 400 tickets a month\nlots of tickets")
    assert set(outcome.errors) == {Block.AGR_WORKLOAD_LIMITS}
    assert outcome.errors[Block.AGR_WORKLOAD_LIMITS].startswith("Line 2 (“lots of tickets”): ")
    # A limit excusing a target the draft does not have: refused after the targets are made, the whole draft undone.
    outcome = submit_draft(slack, sandbox, team, acme, "up to 400 tickets a month excusing T9")
    assert outcome.errors[Block.AGR_WORKLOAD_LIMITS].startswith("Line 1 (“up to 400 tickets a month excusing T9”): ")
    assert "has no target T9" in outcome.errors[Block.AGR_WORKLOAD_LIMITS]
    with Session(db.engine) as s:
        assert s.exec(select(Agreement)).all() == [] and s.exec(select(Target)).all() == []
        assert s.exec(select(WorkloadLimit)).all() == []


def test_every_bad_line_is_named_within_the_fields_error(slack, sandbox, db, team, acme):
    """Each line's reason is some 230 characters and a field's error is cut at 300: the first is said, the others
    named by number, so none is lost off the end of the message."""
    outcome = submit_draft(slack, sandbox, team, acme, "lots of tickets\nup to 400 tickets a month\nup to many\n"
                                                       "foo bar")
    said = outcome.errors[Block.AGR_WORKLOAD_LIMITS]
    assert said.startswith("Line 1 (“lots of tickets”): I couldn't read")
    assert said.endswith(" Lines 3 and 4 cannot be read either.")
    assert len(said) <= 300
    with Session(db.engine) as s:
        assert s.exec(select(Agreement)).all() == []
