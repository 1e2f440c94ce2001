"""Verification of actions: a done action's target measured before it and over the whole period after it, with
the FrozenClock and the real jobs (the hourly backstop plans it, the sweep measures it when the period after has
ended), recorded on the action and shown in the next review pack. Figures from tests/reviews/pack_world.py:
T1 (availability, goal 99.9%) was 99.75% in October; nothing was down in December: 100%."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from bot import reviews
from bot.jobs import JOBS
from bot.reviews import verification
from bot.reviews.pack import targets_in_force
from bot.scheduler import run_all_once
from messages import render_message
from models import Action, Agreement, Reminder, Target
from tests.evaluation.world import ALICE
from tests.helpers import text_of
from tests.reviews.pack_world import build

UTC = timezone.utc
BACKSTOP = [j for j in JOBS if j.id == "reminders.backstop"]
SWEEP = [j for j in JOBS if j.id == "reminders.sweep"]
DONE = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)
NEW_YEAR = datetime(2027, 1, 1, tzinfo=UTC)


def _done_action(db, team, world, *, number=9, target="T1", done_at=DONE) -> int:
    with db.session() as s:
        action = Action(team_id=team, number=number, kind="remedial", title="Add a standby database",
                        agreement_id=world.agreement_id, target_id=world.targets[target], owner_user_id=ALICE,
                        due=date(2026, 11, 30), status="done", done_at=done_at, created_at=done_at - timedelta(days=9),
                        created_by=ALICE)
        s.add(action)
        s.flush()
        return action.id


def _verification(db, action_id):
    with db.session() as s:
        action = s.get(Action, action_id)
        return action.verification, action.verified_at


def test_measured_when_the_whole_period_after_has_ended_and_shown_in_the_next_pack(harness_clean, db, team, clock):
    world = build(db, team)
    action_id = _done_action(db, team, world)
    clock.set(DONE + timedelta(minutes=30))
    run_all_once(harness_clean.deps, BACKSTOP)  # the hourly backstop plans it: due when December ends
    with db.session() as s:
        [row] = s.exec(Reminder.__table__.select().where(Reminder.kind == verification.KIND,
                                                           Reminder.subject_id == action_id)).all()
        assert (row.key, row.due_at, row.subject_id) == (f"action:{action_id}:verify:2027-01-01", NEW_YEAR, action_id)
    run_all_once(harness_clean.deps, BACKSTOP)  # planned once
    with db.session() as s:
        assert len(s.exec(Reminder.__table__.select().where(Reminder.kind == verification.KIND,
                                                           Reminder.subject_id == action_id)).all()) == 1

    clock.set(NEW_YEAR - timedelta(minutes=1))
    run_all_once(harness_clean.deps, SWEEP)
    assert _verification(db, action_id) == (None, None)  # December is not over

    clock.set(NEW_YEAR)
    run_all_once(harness_clean.deps, SWEEP)
    text, at = _verification(db, action_id)
    assert at == NEW_YEAR
    assert text == "done 12 Nov 2026; T1 availability 99.75% -> 100%: recovered (goal 99.9%)"

    with db.session() as s:  # the next pack (December's) shows it; October's, built before, could not
        pack = reviews.build_pack(s, s.get(Agreement, world.agreement_id), date(2026, 12, 1), NEW_YEAR.date(),
                                  NEW_YEAR + timedelta(days=1))
    summary = text_of(render_message("review_pack.yml.j2", pack=pack.as_context(), review_id=None, late=False,
                                     warning=None, chart=True))
    assert f"• Verified: #9 Add a standby database: {text.replace('>', '&gt;')}" in summary  # mrkdwn escapes it
    assert [(a.number, a.verification) for a in pack.verified] == [  # #2 (done 18 Oct): no P1 ticket since
        (2, "done 18 Oct 2026; T3 P1 response nothing measured -> nothing measured: nothing measured after it "
            "(goal 100%)"), (9, text)]
    clock.set(NEW_YEAR + timedelta(hours=2))
    run_all_once(harness_clean.deps, BACKSTOP + SWEEP)  # verified: nothing planned or measured again
    assert _verification(db, action_id) == (text, NEW_YEAR)


def test_the_windows_and_the_verdicts(db, team):
    world = build(db, team)
    with db.session() as s:
        [t1, t2, *_] = targets_in_force(s, s.get(Agreement, world.agreement_id))
    span = verification.window(t1, datetime(2026, 10, 18, 9, tzinfo=UTC), 1)
    assert (span.before.label, span.after.label) == ("Sep 2026", "Nov 2026")
    span = verification.window(t1, datetime(2026, 11, 1, tzinfo=UTC), 1)  # on a boundary: October, then November
    assert (span.before.label, span.after.label) == ("Oct 2026", "Nov 2026")
    done = datetime(2026, 10, 18, 9, tzinfo=UTC)
    from decimal import Decimal as D
    assert verification.describe(t1, done, (D("99.95"), True), (D("99.8611"), False)).endswith(
        "99.95% -> 99.86%: missed after it (goal 99.9%)")
    assert verification.describe(t1, done, (D("99.75"), False), (D("99.8"), False)).endswith(": did not recover (goal 99.9%)")
    assert verification.describe(t2, done, (None, None), (None, None)).endswith(
        "nothing measured -> nothing measured: nothing measured after it (goal 50%)")


def test_an_action_reopened_before_its_period_after_ends_is_not_verified(harness_clean, db, team, clock):
    world = build(db, team)
    action_id = _done_action(db, team, world)
    clock.set(DONE + timedelta(minutes=30))
    run_all_once(harness_clean.deps, BACKSTOP)
    with db.session() as s:
        action = s.get(Action, action_id)
        action.status, action.done_at = "open", None
    clock.set(NEW_YEAR)
    run_all_once(harness_clean.deps, SWEEP)
    assert _verification(db, action_id) == (None, None)
    with db.session() as s:
        [row] = s.exec(Reminder.__table__.select().where(Reminder.kind == verification.KIND,
                                                           Reminder.subject_id == action_id)).all()
        assert row.status == "cancelled"


def test_actions_that_cannot_be_verified_never_hold_up_the_backstop(harness_clean, db, team, clock, monkeypatch):
    """Review finding: done actions whose target's SLA was never agreed can never be planned, so the backstop read
    them first every hour; a batch's worth of them held up every action done after them for ever."""
    world = build(db, team)
    with db.session() as s:
        sla = s.get(Agreement, world.agreement_id)
        draft = Agreement(team_id=team, kind=sla.kind, name="Never agreed", name_key="never agreed",
                          counterparty_id=sla.counterparty_id, start_date=sla.start_date, end_date=sla.end_date,
                          created_at=DONE, created_by=ALICE)
        s.add(draft)
        s.flush()
        target = Target(team_id=team, created_at=DONE, created_by=ALICE, agreement_id=draft.id, key="T1",
                        kind="availability")
        s.add(target)
        s.flush()
        for n in range(5):  # more than a batch, done later than the one that can be verified
            s.add(Action(team_id=team, number=20 + n, kind="improvement", title=f"Unmeasurable {n}",
                         target_id=target.id, owner_user_id=ALICE, due=date(2026, 11, 30), status="done",
                         done_at=DONE + timedelta(hours=n + 1), created_at=DONE - timedelta(days=9),
                         created_by=ALICE))
    action_id = _done_action(db, team, world)
    monkeypatch.setattr(verification, "BACKSTOP_BATCH", 3)
    clock.set(DONE + timedelta(hours=7))
    run_all_once(harness_clean.deps, BACKSTOP)
    with db.session() as s:
        rows = s.exec(Reminder.__table__.select().where(Reminder.kind == verification.KIND)).all()
        planned = {r.subject_id: r.key for r in rows}
    assert planned[action_id] == f"action:{action_id}:verify:2027-01-01"  # not held up by the five before it
    assert action_id in planned and len(planned) <= 3
