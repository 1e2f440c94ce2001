"""The periodic SLA review through the real entry points: agreed with the headline's buttons, reminded by the
scheduled jobs at the frozen clock's times, recorded with the reminder's buttons and the form."""
from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from sqlmodel import Session, select

from bot import agreements
from bot.cover import gate
from bot.workspace.actor import Actor
from messages.ids import Action, Block, Callback
from models import AuditEvent, Reminder
from tests.helpers import assert_valid_blocks, text_of
from tests.reviews.sla_world import (ALICE, BOB, CAROL, NAME, drafted, headline, pending_reminders, review_dms,  # noqa: F401
                                     reviews, sla, thread, tick, utc, world)

NOTICE_OPENS = utc(2027, 2, 1, 9, 0)  # four weeks before 2027-03-01, at 09:00 in the workspace's zone (UTC here)


def press(slack, sandbox, team, user, outcome, why=None, message=None):
    """Press an outcome button on the user's latest reminder, then submit the form (when it opened)."""
    message = message or review_dms(sandbox, user)[-1]
    slack.click(Action.SLA_REVIEW_OUTCOME, message=message, block_id=f"sla_review_{outcome}", user=user)
    modal = sandbox.open_modal(team, user)
    if modal is None:
        return None
    return modal, slack.submit(modal, {Block.SLAREV_WHY: why} if why is not None else {})


def test_due_in_the_month_before_the_financial_year_reminded_weekly_to_the_right_people_until_recorded(
        slack, sandbox, db, team, clock, world, tick):
    [review] = reviews(db)
    assert (sla(db).review_month, review.due_on, review.outcome) == (3, date(2027, 3, 1), None)
    assert "Review due 2027-03-01" in text_of(headline(sandbox))
    assert [(r.due_at, r.key) for r in pending_reminders(db)] == [
        (NOTICE_OPENS, f"sla_review:{world.sla_id}:2027-03-01:week:0")]

    clock.set(NOTICE_OPENS - timedelta(minutes=1))
    tick()
    assert review_dms(sandbox, ALICE) == [] and review_dms(sandbox, CAROL) == []
    clock.set(NOTICE_OPENS)
    tick()
    tick()  # the next minute, or a second replica: nothing more
    [alice], [carol] = review_dms(sandbox, ALICE), review_dms(sandbox, CAROL)
    assert review_dms(sandbox, BOB) == []
    shown = text_of(carol)
    assert "The annual review of the SLA *Acme Payroll* with Acme Retail is due on 2027-03-01 (in 28 days)" in shown
    assert "comes late" not in shown
    assert_valid_blocks({"text": carol.text, "blocks": carol.blocks})

    clock.set(NOTICE_OPENS + timedelta(weeks=1))
    tick()
    assert len(review_dms(sandbox, ALICE)) == 2 and len(review_dms(sandbox, CAROL)) == 2
    assert "(in 21 days)" in text_of(review_dms(sandbox, CAROL)[-1])

    modal, outcome = press(slack, sandbox, team, CAROL, "continue", why="")  # no reason needed to carry on
    assert outcome.ok, outcome.errors
    [done, following] = reviews(db)
    assert (done.outcome, done.recorded_by, done.recorded_at) == ("continue", CAROL, clock.now())
    assert following.due_on == date(2028, 3, 1) and following.outcome is None
    assert [r.key for r in pending_reminders(db)] == [f"sla_review:{world.sla_id}:2028-03-01:week:0"]
    assert "recorded by <@U0CAROL>: *continue unchanged*" in thread(sandbox)[-1]
    assert "Reviewed 2027-02-08: continue unchanged; next review due 2028-03-01" in text_of(headline(sandbox))

    clock.set(NOTICE_OPENS + timedelta(weeks=2))
    tick()
    assert len(review_dms(sandbox, ALICE)) == 2  # recorded: no more reminders

    # Recorded twice is recorded once: the form submitted again, and a button on an older reminder.
    again = slack.submit(modal, {Block.SLAREV_WHY: ""})
    assert "recorded already: continue unchanged, by @U0CAROL on 2027-02-08" in " ".join(again.errors.values())
    press(slack, sandbox, team, ALICE, "renegotiate", message=review_dms(sandbox, ALICE)[0])
    assert "recorded already: continue unchanged, by <@U0CAROL> on 2027-02-08" in text_of(sandbox.last_ephemeral(ALICE))
    assert len(reviews(db)) == 2 and len([t for t in thread(sandbox) if "Annual review" in t]) == 1


def test_renegotiate_asks_why_then_opens_the_change_in_the_slas_thread(slack, sandbox, db, team, clock, world, tick):
    clock.set(NOTICE_OPENS)
    tick()
    modal, refused = press(slack, sandbox, team, ALICE, "renegotiate", why="")
    assert refused.errors == {Block.SLAREV_WHY: "Say why the SLA should be renegotiated."}
    assert reviews(db)[0].outcome is None
    outcome = slack.submit(modal, {Block.SLAREV_WHY: "Payroll now runs weekly: P1 needs 2h"})
    assert outcome.ok, outcome.errors
    done = reviews(db)[0]
    assert (done.outcome, done.note, done.new_version) == ("renegotiate", "Payroll now runs weekly: P1 needs 2h", 2)
    post = [m for m in sandbox.channel_messages("C0ACMESLA", thread_ts=headline(sandbox).ts) if "Annual review" in text_of(m)]
    [post] = post
    assert "*renegotiate*" in text_of(post) and "“Payroll now runs weekly: P1 needs 2h”" in text_of(post)
    assert "The SLA is being renegotiated: propose the changes here; version 2 will be the next one." in text_of(post)
    # The form became the agreements' own "Propose a change", for the one who chose to renegotiate...
    assert sandbox.open_modal(team, ALICE).callback_id == Callback.AGREEMENT_PROPOSE
    # ... and anyone of either side may start from the button in the thread.
    slack.click(Action.AGREEMENT_PROPOSE, message=post, user=CAROL)
    assert sandbox.open_modal(team, CAROL).callback_id == Callback.AGREEMENT_PROPOSE
    assert sla(db).status == "active" and sla(db).agreed_version == 1  # in force while the change is negotiated


def test_retire_is_the_service_managers_and_ends_the_sla_and_its_reminders(slack, sandbox, db, team, clock, world, tick):
    clock.set(NOTICE_OPENS)
    tick()
    assert press(slack, sandbox, team, CAROL, "retire") is None  # the approver may not retire: said before the form
    assert "Only a service manager can retire an SLA" in text_of(sandbox.last_ephemeral(CAROL))
    modal, outcome = press(slack, sandbox, team, ALICE, "retire", why="Payroll moves to the new HR platform")
    assert outcome.ok, outcome.errors
    assert sla(db).status == "retired"
    assert [r.outcome for r in reviews(db)] == ["retire"] and pending_reminders(db) == []
    with Session(db.engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["agreement.retire", "sla_review.record"]
    assert "The SLA is retired" in thread(sandbox)[-1]
    assert "Reviewed 2027-02-01: retire" in text_of(headline(sandbox))
    clock.set(NOTICE_OPENS + timedelta(weeks=1))
    tick()
    assert len(review_dms(sandbox, ALICE)) == 1


def test_a_bot_down_over_its_reminders_sends_one_late_then_goes_on_weekly(slack, sandbox, db, clock, world, tick):
    clock.set(NOTICE_OPENS + timedelta(weeks=3, hours=2))  # down for three weeks: weeks 0 to 3 all passed
    tick()
    tick()
    [late] = review_dms(sandbox, CAROL)  # one, not four
    assert "was due at 2027-02-01 09:00; I could not send it then, so it comes late" in text_of(late)
    assert "is due on 2027-03-01 (in 7 days)" in text_of(late)
    [following] = pending_reminders(db)
    assert (following.key.rsplit(":", 1)[-1], following.due_at) == ("4", utc(2027, 3, 1, 9, 0))
    clock.set(utc(2027, 3, 1, 9, 0))
    tick()
    assert "is due today, 2027-03-01" in text_of(review_dms(sandbox, CAROL)[-1])
    clock.set(utc(2027, 3, 8, 9, 0))
    tick()
    [*_, overdue] = review_dms(sandbox, CAROL)
    assert "was due on 2027-03-01 and is 7 days overdue" in text_of(overdue) and "comes late" not in text_of(overdue)
    assert len(review_dms(sandbox, CAROL)) == 3


def test_the_daily_backstop_plans_what_the_agreement_event_missed(slack, sandbox, db, team, clock, drafted, tick):
    for user, roles in ((CAROL, frozenset()), (ALICE, frozenset({"service_manager"}))):  # not through the buttons
        actor = Actor(team_id=team, user_id=user, roles=roles, now=clock.now())
        with db.session() as s:
            row = agreements.get(s, team, drafted.sla_id)
            agreements.agree(s, actor, row, 1, gate=partial(gate, known=None))
    assert reviews(db) == []
    tick()  # the jobs, the backstop among them
    [review] = reviews(db)
    assert review.due_on == date(2027, 3, 1) and len(pending_reminders(db)) == 1
    with db.session() as s:  # a lost reminder row (restored from an old backup, say) within the notice window
        for r in s.exec(select(Reminder)):
            s.delete(r)
    clock.set(NOTICE_OPENS + timedelta(days=2))
    tick()
    assert len(review_dms(sandbox, CAROL)) == 1 and len(pending_reminders(db)) == 1


def test_review_sla_shows_the_due_date_and_offers_the_buttons_to_the_service_manager_and_approver(
        slack, sandbox, team, world):
    assert slack.command(f"review sla {NAME}", user=BOB).ok
    assert "Only a service manager or an approver" in text_of(sandbox.last_ephemeral(BOB))
    assert slack.command(f"review sla {NAME}", user=CAROL).ok
    shown = sandbox.last_ephemeral(CAROL)
    assert "*Acme Payroll* (Acme Retail): Review due 2027-03-01" in text_of(shown)
    slack.click(Action.SLA_REVIEW_OUTCOME, message=shown, block_id="sla_review_continue", user=CAROL)
    assert slack.submit(sandbox.open_modal(team, CAROL), {}).ok
    assert slack.command(f"review sla {NAME}", user=ALICE).ok
    assert "Recorded by <@U0CAROL> on 2026-03-02" in text_of(sandbox.last_ephemeral(ALICE))


def test_an_sla_retired_by_command_has_no_review_left(slack, sandbox, db, world):
    assert len(pending_reminders(db)) == 1
    assert slack.command(f"sla retire {NAME}").ok
    assert reviews(db) == [] and pending_reminders(db) == []
    assert "Review due" not in text_of(headline(sandbox))
