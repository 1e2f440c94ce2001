"""A contract's owner and review cadence, through signed requests, and its review reminder through the scheduler's
round with the controllable clock: due by the cadence, sent once to the owner with what to review the contract
against, the outcome recorded with its buttons (audited) and the next review scheduled from the cadence.

By hand: the cadence is set on Monday 2 March 2026 (START) to every 6 months, so the first review is due
2026-03-02 + 6 months = 2026-09-02, at 09:00 in the organisation's zone (UTC in tests). After it, the next is due
2026-09-02 + 6 months = 2027-03-02. An exit's notice date: the renewal date 2027-03-31 less 90 days' notice =
2026-12-31 (31 days of January, 28 of February and 31 of March back from 31 March make 90).
"""
from __future__ import annotations

import copy
import threading
import time
from datetime import date, datetime, timezone

from sqlalchemy import text
from sqlmodel import select

from bot.errors import DomainError
from bot.scheduler import run_all_once
from bot.suppliers import reviews
from bot.workspace.actor import Actor
from messages.ids import Action
from models import AuditEvent, ContractCare, ContractReview, Reminder
from tests.helpers import assert_valid_blocks, text_of
from tests.suppliers.world import ALICE, DANA, EVE, UC, world  # noqa: F401  (a fixture)

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def tick(harness, at: datetime) -> None:
    harness.clock.set(at)
    run_all_once(harness.deps)


def review_dms(sandbox, user: str) -> list:
    return [m for m in sandbox.dms(user) if m.ephemeral_to is None and "The review of" in text_of(m)]


def set_up(slack, sandbox) -> None:
    assert slack.command(f"uc owner {UC} <@{DANA}>", user=ALICE).ok
    assert f"is owned by <@{DANA}>" in text_of(sandbox.last_ephemeral(ALICE))
    assert slack.command(f"uc review-every {UC} 6 months", user=ALICE).ok
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "is reviewed every 6 months: the next review is due 2026-09-02" in said and f"<@{DANA}>" in said


def test_the_owner_is_reminded_once_when_due_and_records_the_outcome(harness_clean, slack, sandbox, db, world):
    set_up(slack, sandbox)
    with db.session() as s:
        [row] = s.exec(select(Reminder).where(Reminder.kind == "contract.review")).all()
        assert (row.recipient, row.due_at, row.status) == (DANA, utc(2026, 9, 2, 9, 0), "pending")
    tick(harness_clean, utc(2026, 9, 2, 8, 59))
    assert review_dms(sandbox, DANA) == []
    tick(harness_clean, utc(2026, 9, 2, 9, 0))
    tick(harness_clean, utc(2026, 9, 2, 9, 1))  # the next round (or another replica): nothing more
    [dm] = review_dms(sandbox, DANA)
    shown = text_of(dm)
    assert "The review of Underpinning contract “Carrier X contract” (Carrier X) is due 2026-09-02" in shown
    # its target beside the SLA target it sits beneath, and the SLA's customer's open requirement
    assert "T1 P1 resolution within 4h, 95% of tickets" in shown  # 95%: a new target's default compliance goal
    assert "beneath Acme Payroll T1 P1 resolution within 8h, 95% of tickets (stage 2)" in shown
    assert "#1 Acme Retail: Payroll must be up 99.9% of the working week (must)" in shown
    assert "renews 2027-03-31" in shown and "to exit, give notice by 2026-12-31" in shown
    assert_valid_blocks({"text": dm.text, "blocks": dm.blocks})
    assert review_dms(sandbox, ALICE) == []

    as_first_shown = copy.deepcopy(dm)  # the stand-in edits its message in place; a slow client still shows this
    harness_clean.clock.set(utc(2026, 9, 3, 10, 0))
    assert slack.click(Action.CONTRACT_REVIEW_OUTCOME, message=dm, block_id="contract_review_continue",
                       user=DANA).ok
    [edited] = review_dms(sandbox, DANA)
    assert f"<@{DANA}> decided to continue as it is. Next review due 2027-03-02." in text_of(edited)
    assert not [b for b in edited.blocks if b["type"] == "actions"]
    with db.session() as s:
        [decided] = s.exec(select(ContractReview)).all()
        assert (decided.due_on, decided.outcome, decided.next_review_on, decided.created_by) == (
            date(2026, 9, 2), "continue", date(2027, 3, 2), DANA)
        assert s.exec(select(ContractCare)).one().next_review_on == date(2027, 3, 2)
        pending = s.exec(select(Reminder).where(Reminder.kind == "contract.review",
                                                Reminder.status == "pending")).all()
        assert [(r.recipient, r.due_at) for r in pending] == [(DANA, utc(2027, 3, 2, 9, 0))]
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "contract.review")).all()
        assert (event.actor, event.before, event.after) == (
            DANA, {"next_review_on": "2026-09-02"}, {"next_review_on": "2027-03-02", "outcome": "continue"})
    # pressed again (a second click, a slow client): nothing is recorded twice
    slack.click(Action.CONTRACT_REVIEW_OUTCOME, message=as_first_shown, block_id="contract_review_exit", user=DANA)
    assert "is done already: decided to continue as it is" in text_of(sandbox.last_ephemeral(DANA))
    with db.session() as s:
        assert len(s.exec(select(ContractReview)).all()) == 1
    tick(harness_clean, utc(2027, 3, 2, 9, 0))
    assert len(review_dms(sandbox, DANA)) == 2  # the next one, on its day


def test_an_exit_says_the_notice_date_and_someone_else_may_not_decide(harness_clean, slack, sandbox, db, world):
    set_up(slack, sandbox)
    tick(harness_clean, utc(2026, 9, 2, 9, 0))
    [dm] = review_dms(sandbox, DANA)
    slack.click(Action.CONTRACT_REVIEW_OUTCOME, message=dm, block_id="contract_review_exit", user=EVE)
    assert "Only a service manager or workspace admin can name a contract's owner" in text_of(
        sandbox.last_ephemeral(EVE))
    assert slack.click(Action.CONTRACT_REVIEW_OUTCOME, message=dm, block_id="contract_review_exit", user=DANA).ok
    assert (f"<@{DANA}> decided to exit: give notice by 2026-12-31. Next review due 2027-03-02."
            in text_of(review_dms(sandbox, DANA)[0]))
    with db.session() as s:
        assert s.exec(select(ContractReview.notice_by)).one() == date(2026, 12, 31)


def test_a_new_owner_gets_the_reminder_instead_and_a_moved_review_sends_nothing_early(harness_clean, slack, sandbox,
                                                                                       db, world):
    set_up(slack, sandbox)
    assert slack.command(f"uc owner {UC} <@{EVE}>", user=ALICE).ok
    assert slack.command(f"uc review-every {UC} 3 months", user=ALICE).ok  # 2026-03-02 + 3 months = 2026-06-02
    assert "the next review is due 2026-06-02" in text_of(sandbox.last_ephemeral(ALICE))
    tick(harness_clean, utc(2026, 9, 2, 9, 0))  # the bot was down from June: one reminder, late, to Eve only
    assert review_dms(sandbox, DANA) == []
    [dm] = review_dms(sandbox, EVE)
    assert "is due 2026-06-02" in text_of(dm) and "This reminder is late" in text_of(dm)
    with db.session() as s:
        statuses = sorted((r.recipient, r.status) for r in s.exec(select(Reminder).where(
            Reminder.kind == "contract.review")))
        # Dana's for 2026-09-02 (owner changed), Eve's for 2026-09-02 (cadence changed), Eve's for 2026-06-02 (sent)
        assert statuses == [(DANA, "cancelled"), (EVE, "cancelled"), (EVE, "sent")]
        owners = [e.after for e in s.exec(select(AuditEvent).where(AuditEvent.action == "contract.owner")
                                          .order_by(AuditEvent.seq))]
        assert owners == [{"owner_user_id": DANA}, {"owner_user_id": EVE}]


def test_only_a_service_manager_names_the_owner_and_an_sla_has_none(harness_clean, slack, sandbox, db, world):
    slack.command(f"uc owner {UC} <@{DANA}>", user=EVE)
    assert "Only a service manager or workspace admin can name a contract's owner" in text_of(
        sandbox.last_ephemeral(EVE))
    slack.command(f"uc review-every {UC} 0 months", user=ALICE)
    assert "from 1 to 60" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("uc owner Acme Payroll <@U0DANA>", user=ALICE)
    assert "Acme Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    # the label mid-sentence is lower-case
    assert "There is no underpinning contract called “Acme Payroll”" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert s.exec(select(ContractCare)).all() == []


def _lock_waiters(db) -> int:
    """PostgreSQL: how many sessions of this database wait for a lock another holds."""
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND wait_event_type = 'Lock'")).scalar()


def test_two_presses_at_once_record_one_outcome_and_answer_the_second_done_already(harness_clean, slack, sandbox,
                                                                                   db, world):
    """Review finding 16b. The first press has recorded its outcome and not yet committed when the second arrives
    (two clicks, or a slow client's and its retry, on two replicas). The second waits for the first and answers
    "done already", naming what the first decided; it must not race to the unique key and fail."""
    set_up(slack, sandbox)
    dana = Actor(team_id=world.team, user_id=DANA, now=utc(2026, 9, 3, 10, 0))
    second: list[object] = []

    def press_again():
        try:
            with db.session() as s:
                second.append(reviews.record_outcome(s, dana, world.uc_id, date(2026, 9, 2), "exit"))
        except Exception as err:  # noqa: BLE001 - what the second press was answered is the test
            second.append(err)

    other = threading.Thread(target=press_again)
    with db.session() as s:
        reviews.record_outcome(s, dana, world.uc_id, date(2026, 9, 2), "continue")
        other.start()
        if not db.is_sqlite:  # the second press is waiting on the first's lock before the first commits
            deadline = time.monotonic() + 20
            while _lock_waiters(db) == 0 and other.is_alive() and time.monotonic() < deadline:
                other.join(0.01)
            assert other.is_alive(), second  # it did not go ahead on its own
    # SQLite: the second waits in BEGIN IMMEDIATE for this unit of work to commit, whenever it started
    other.join(30)
    [answer] = second
    assert isinstance(answer, DomainError) and "is done already: decided to continue as it is" in str(answer), answer
    with db.session() as s:
        assert [r.outcome for r in s.exec(select(ContractReview))] == ["continue"]
