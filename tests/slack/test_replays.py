"""A signed request sent again, within Slack's five-minute window, is acked and does nothing (issue 8, section 5).

Each replay is the captured request itself, byte for byte, with its timestamp and signature: what someone who
kept a copy of it, or a proxy that resends, would send. Slack checks nothing more than that signature.
"""
from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, func, select

from bot import replays
from bot.sandbox.workspace import SlackSandbox
from bot.scheduler import run_all_once
from messages.ids import Action, Block, Callback
from models import Action as ActionRow
from models import InteractionSeen, Requirement, Service
from tests.helpers import text_of
from tests.slack.test_coverage import build_tree, world  # noqa: F401  (world: a fixture used below)
from tests.slack.test_requirements import acme, quote_and_open  # noqa: F401  (acme: a fixture used below)

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
SIGNED = ("Content-Type", "X-Slack-Request-Timestamp", "X-Slack-Signature")
EMPTY = (200, "")  # how a replay is answered: acked, nothing said


@pytest.fixture
def replay(slack):
    """`replay(n)` sends the last request the driver sent n more times, exactly as it was sent, and gives back
    each answer's status and body."""
    sent = []
    slack.http.event_hooks = {"request": [sent.append], "response": []}

    def again(times: int = 2) -> list[tuple[int, str]]:
        original, answers = sent[-1], []
        for _ in range(times):
            resp = slack.http.post(slack.events_url, content=original.content,
                                   headers={name: original.headers[name] for name in SIGNED})
            assert slack.wait_idle()
            answers.append((resp.status_code, resp.text))
        return answers

    return again


def count(db, model) -> int:
    with Session(db.engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def services(db) -> list[Service]:
    with Session(db.engine) as s:
        return list(s.exec(select(Service).order_by(Service.id)))


def no_trouble_told(sandbox, user) -> bool:
    """Nothing told this person that something failed, where they are or in a DM."""
    seen_by = [m for m in sandbox.messages if m.ephemeral_to == user or m.channel == sandbox.dm_channel(user)["id"]]
    return not any("went wrong" in text_of(m) or "not done" in text_of(m) for m in seen_by)


def test_a_message_shortcut_sent_again_records_one_requirement(slack, sandbox, db, team, acme, replay):  # noqa: F811
    message = slack.post_as_user("C0ACMESLA", "Payroll must be available 99.9% of the month", user=CAROL)
    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, message, user=ALICE)
    shortcut_answers = replay()
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_SERVICE: str(acme["service"])}).ok
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_TARGET: "99.9%"}).ok
    submission_answers = replay()
    assert count(db, Requirement) == 1
    assert len(sandbox.calls_of("views.open")) == 1  # the replays open nothing, not even a failing views.open
    assert no_trouble_told(sandbox, ALICE)
    assert shortcut_answers == submission_answers == [EMPTY, EMPTY]


def test_ask_requester_sent_again_sends_one_dm(slack, sandbox, db, team, acme, replay):  # noqa: F811
    _, who = quote_and_open(slack, sandbox, team, "Payroll must be available 99.9% of the month")
    slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])})
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_TARGET: "99.9%"}).ok
    slack.click(Action.REQ_ASK_REQUESTER, message=sandbox.last_ephemeral(ALICE))
    answers = replay()
    assert len(sandbox.dms(CAROL)) == 1
    assert len([m for m in sandbox.ephemerals(ALICE) if "Asked <@U0CAROL>" in text_of(m)]) == 1
    assert answers == [EMPTY, EMPTY]


def test_an_upgrade_action_sent_again_is_created_once(slack, sandbox, db, team, world, replay):  # noqa: F811
    build_tree(slack, sandbox, team)
    slack.command("tree Acme Payroll")
    slack.click(Action.COVER_UPGRADE, message=sandbox.last_ephemeral(ALICE), user=ALICE)
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.COV_TITLE: "Upgrade the OLA's P1 resolution",
                                                          Block.COV_DUE: "2026-03-20"}).ok
    answers = replay()
    assert count(db, ActionRow) == 1
    assert answers == [EMPTY, EMPTY]


def test_a_command_sent_again_opens_one_modal(slack, sandbox, db, team, replay):
    slack.command("service add Payroll")
    answers = replay()
    assert len(sandbox.calls_of("views.open")) == 1
    assert no_trouble_told(sandbox, ALICE)
    assert answers == [EMPTY, EMPTY]


def test_a_view_submission_sent_again_stores_once(slack, sandbox, db, team, replay):
    slack.command("service add Payroll")
    assert slack.submit(user=ALICE).ok
    answers = replay()
    assert count(db, Service) == 1
    assert len([m for m in sandbox.ephemerals(ALICE) if "Payroll" in text_of(m)]) == 1  # one "added" reply
    assert answers == [EMPTY, EMPTY]


def test_an_event_sent_again_is_handled_once(slack, sandbox, replay):
    slack.open_home()
    answers = replay()  # as Slack retries an event it thinks unanswered, with the same event_id
    assert len(sandbox.calls_of("views.publish")) == 1
    assert answers == [EMPTY, EMPTY]


def test_a_form_corrected_after_an_inline_error_is_taken(slack, sandbox, db, team, replay):
    slack.command("service add")
    modal = sandbox.open_modal(team, ALICE)
    assert Block.SERVICE_NAME in slack.submit(modal, {Block.SERVICE_NAME: " "}).errors
    assert slack.submit(modal, {Block.SERVICE_NAME: "Payroll"}).ok  # same view and hash, new values
    answers = replay()
    assert [s.name for s in services(db)] == ["Payroll"]
    assert answers == [EMPTY, EMPTY]


def test_the_same_form_submitted_again_after_a_refusal_is_taken(slack, sandbox, db, team):
    """Refused on submit (the role was revoked meanwhile), then the role is granted again: pressing Submit on the
    unchanged form is a person trying again, and must not be taken for a replay."""
    slack.command(f"role grant <@{BOB}> service-manager")
    slack.command("service add Payroll", user=BOB)
    modal = sandbox.open_modal(team, BOB)
    slack.command(f"role revoke <@{BOB}> service-manager")
    assert slack.submit(modal).errors[Block.SERVICE_NAME].startswith("Only a service manager")
    slack.command(f"role grant <@{BOB}> service-manager")
    assert slack.submit(modal).ok
    assert [s.created_by for s in services(db)] == [BOB]


def test_back_from_the_next_step_and_on_again_unchanged_is_taken(slack, sandbox, team, acme):  # noqa: F811
    """Slack's Back button returns to the step before, its view id and hash as they were: pressing Next on it
    again, unchanged, is a person moving on, not a replay."""
    slack.command("require Payroll", user=CAROL)
    who = sandbox.open_modal(team, CAROL)
    assert slack.submit(who, {Block.REQ_CUSTOMER: str(acme["customer"])}).ok
    slack.close(sandbox.open_modal(team, CAROL))  # Back
    assert sandbox.open_modal(team, CAROL).id == who.id
    assert slack.submit(who, {Block.REQ_CUSTOMER: str(acme["customer"])}).ok
    assert sandbox.open_modal(team, CAROL).callback_id == Callback.REQ_TOPICS


def test_a_replay_is_logged_without_its_body(slack, sandbox, team, replay, caplog):
    slack.command("service add Confidential-Name-42")
    with caplog.at_level(logging.DEBUG):
        replay(1)
    said = [r for r in caplog.records if r.name == "handlers.replay_guard"]
    assert [r.levelno for r in said] == [logging.INFO]
    assert "slash_command" in said[0].getMessage() and ALICE in said[0].getMessage()
    assert "Confidential-Name-42" not in caplog.text


def test_claims_outlive_the_signature_window_and_are_purged_in_batches(slack, sandbox, db, team, clock, harness_clean,
                                                                       replay):
    slack.command("service add Payroll")
    clock.advance(minutes=59)
    run_all_once(harness_clean.deps)
    answers = replay(1)  # still refused: the claim is kept well past Slack's five minutes
    assert len(sandbox.calls_of("views.open")) == 1 and answers == [EMPTY]
    # Many claims an hour old: the purge takes them all, batch after batch, and leaves the young one.
    with db.session() as s:
        for n in range(2 * replays.PURGE_BATCH + 7):
            replays.claim(s, team, "block_actions", f"{n:064x}", clock.now() - replays.RETENTION * 2)
    assert count(db, InteractionSeen) == 2 * replays.PURGE_BATCH + 8
    run_all_once(harness_clean.deps)
    assert count(db, InteractionSeen) == 1
    clock.advance(minutes=2)  # the command's claim is now over an hour old
    run_all_once(harness_clean.deps)
    assert count(db, InteractionSeen) == 0


def test_the_sandbox_never_mints_a_trigger_id_twice_across_restarts():
    """The bot takes a trigger_id it has seen for a replay: a restarted sandbox must not mint the same ones."""
    assert SlackSandbox().mint_trigger("T0SANDBOX", ALICE) != SlackSandbox().mint_trigger("T0SANDBOX", ALICE)
