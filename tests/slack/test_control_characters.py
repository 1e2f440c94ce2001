"""Invisible characters people paste (NUL above all) are dropped before anything reads what they typed.

PostgreSQL refuses NUL in text ("DataError"), SQLite stores it; either way nobody meant it.
Each test types NUL (and a bell, for good measure) where a person types, through Slack.
"""
from __future__ import annotations

from sqlmodel import Session, select

from messages.ids import Action, Block, Callback
from models import Action as ActionRow
from models import Agreement, AgreementVersion, Requirement
from tests.helpers import text_of
from tests.slack.test_agreements import ALICE, CAROL, CHANNEL, acme, draft, propose, thread  # noqa: F401 (acme: fixture)

JUNK = "\x00\x07"


def _versions(db) -> list[AgreementVersion]:
    with Session(db.engine) as s:
        return list(s.exec(select(AgreementVersion).order_by(AgreementVersion.number)))


def test_nul_in_a_clause_is_dropped(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    outcome = propose(slack, sandbox, team, ALICE, {Block.PROP_CLAUSE_TEXT: f"Credits are{JUNK} paid quarterly.",
                                                     Block.PROP_REASON: f"Finance{JUNK} asked"}, change="clause:remedies")
    assert outcome.ok, outcome.errors
    with Session(db.engine) as s:
        row = s.exec(select(Agreement)).one()
    assert row.clauses["remedies"] == "Credits are paid quarterly."
    latest = _versions(db)[-1]
    assert "\x00" not in latest.document and "Credits are paid quarterly." in latest.document


def test_nul_in_a_metric_name_is_dropped(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=ALICE)
    slack.click(Action.INPUT, view=sandbox.open_modal(team, ALICE), value="target:new", block_id=Block.PROP_CHANGE)
    slack.click(Action.INPUT, view=sandbox.open_modal(team, ALICE), value="metric", block_id=Block.PROP_KIND)
    outcome = slack.submit(sandbox.open_modal(team, ALICE), {
        Block.PROP_KIND: "metric", Block.PROP_METRIC_NAME: f"p95{JUNK} page load", Block.PROP_THRESHOLD: "2 sec",
        Block.PROP_REASON: "Pages were slow last year"})
    assert outcome.ok, outcome.errors
    assert _versions(db)[-1].changes == ["T3 added: p95 page load under 2 s"]


def test_nul_in_an_action_title_is_dropped(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)  # nothing underpins it: refused, with buttons
    refusal = sandbox.last_ephemeral(ALICE)
    slack.click(Action.COVER_UPGRADE, message=refusal, user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.ACTION_FORM
    outcome = slack.submit(modal, {Block.COV_DUE: "2026-03-20", Block.COV_OWNER_USER: ALICE,
                                   Block.COV_TITLE: f"Raise{JUNK} availability to 99.99%"})
    assert outcome.ok, outcome.errors
    with Session(db.engine) as s:
        [row] = s.exec(select(ActionRow)).all()
    assert row.title == "Raise availability to 99.99%"


def test_nul_in_a_quoted_message_is_dropped(slack, sandbox, db, team, acme):
    message = slack.post_as_user(CHANNEL, f"We need P1 incidents{JUNK} fixed within 4 hours", user=CAROL)
    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, message, user=ALICE)
    who = sandbox.open_modal(team, ALICE)
    assert who is not None, text_of(sandbox.last_ephemeral(ALICE))
    assert slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])}).ok
    outcome = slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_TARGET: "4 hours", Block.REQ_LEVEL: "P1"})
    assert outcome.ok, outcome.errors
    with Session(db.engine) as s:
        req = s.exec(select(Requirement).order_by(Requirement.number.desc())).first()
    assert req.source_quote == "We need P1 incidents fixed within 4 hours"
    assert req.statement == "We need P1 incidents fixed within 4 hours"


def test_nul_in_command_text_is_dropped(slack, sandbox, team, acme):
    slack.command(f"map Pay{JUNK}roll")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "*Payroll*" in shown and "Consumed by" in shown, shown


def test_a_direction_override_in_a_name_is_dropped(slack, sandbox, team, acme):
    slack.command("map Pay\u202eroll\u200b")  # would show the rest of the line backwards, or not match
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "*Payroll*" in shown and "\u202e" not in shown, shown
