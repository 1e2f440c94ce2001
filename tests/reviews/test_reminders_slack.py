"""A review's reminders through the real entry points: the scheduler's round (run_all_once) with a frozen clock sends
them through the outbox to the Slack stand-in; attendees press the DM's buttons with signed requests."""
from __future__ import annotations

import copy

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlmodel import select

from messages.ids import Action
from models import Review, ReviewRsvp, ReviewStatus
from tests.helpers import assert_valid_blocks, text_of
from tests.reviews.remind_world import (ALICE, ATTENDEES, BOB, CAROL, CHANNEL, PERMALINK, World, tick,
                                        world)  # noqa: F401  (fixture)

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def reminders_to(sandbox, user):
    return [m for m in sandbox.dms(user) if "Service review of Acme Payroll" in text_of(m)]


def notices(sandbox):
    return [m for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False)
            if "Service review of Acme Payroll" in text_of(m)]


def buttons(message):
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def test_reminders_go_at_ten_london_on_both_sides_of_the_autumn_clock_change(harness_clean, sandbox, clock, db,
                                                                             world: World):
    review_at = london(2026, 10, 27, 10, 0)  # Tuesday after the clocks go back: 10:00 GMT
    clock.set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    review_id = world.review(review_at, clock.now())

    tick(harness_clean, datetime(2026, 10, 20, 8, 59, tzinfo=UTC))  # 09:59 BST: not yet
    assert all(reminders_to(sandbox, u) == [] for u in ATTENDEES) and notices(sandbox) == []
    tick(harness_clean, datetime(2026, 10, 20, 9, 0, tzinfo=UTC))  # Tuesday before, 10:00 BST
    for user in ATTENDEES:
        [dm] = reminders_to(sandbox, user)
        shown = text_of(dm)
        assert f"<!date^{int(review_at.timestamp())}^" in shown and "Tue 27 Oct 2026 10:00 GMT" in shown
        assert "Call" in shown and PERMALINK in shown and "late" not in shown
        assert buttons(dm) == [Action.REVIEW_RSVP_ATTEND, Action.REVIEW_RSVP_CANNOT, Action.REVIEW_SNOOZE_HOUR,
                               Action.REVIEW_SNOOZE_DAY]
        assert_valid_blocks({"text": dm.text, "blocks": dm.blocks})
    [notice] = notices(sandbox)
    assert "*Not answered:* <@U0ALICE>, <@U0CAROL>, <@U0BOB>" in text_of(notice)

    tick(harness_clean, datetime(2026, 10, 26, 9, 59, tzinfo=UTC))  # Monday 09:59 GMT: not yet
    assert all(len(reminders_to(sandbox, u)) == 1 for u in ATTENDEES)
    with db.session() as s:  # the pack is in the channel by now (slice H3 posts it): its thread is the agenda
        s.get(Review, review_id).thread_ts = "1793000000.000100"
    tick(harness_clean, datetime(2026, 10, 26, 10, 0, tzinfo=UTC))  # the day before, 10:00 GMT
    tick(harness_clean)  # the next round, or another replica's: nothing more
    assert all(len(reminders_to(sandbox, u)) == 2 for u in ATTENDEES) and len(notices(sandbox)) == 1
    assert ("<https://sandbox.slack.com/archives/C0ACMESLA/p1793000000000100|the review's thread>"
            in text_of(reminders_to(sandbox, ALICE)[1]))


def test_a_bot_down_over_two_due_times_sends_each_reminder_late_once_and_says_so(harness_clean, sandbox, clock, db,
                                                                                  world: World):
    review_id = world.review(london(2026, 3, 17, 10, 0), clock.now())  # due Tue 10 and Mon 16 March, 10:00
    tick(harness_clean, london(2026, 3, 16, 12, 0))  # back after a week away
    tick(harness_clean, london(2026, 3, 16, 12, 1))
    for user in ATTENDEES:
        first, second = reminders_to(sandbox, user)
        assert "This reminder is late: it was due <!date^" in text_of(first)
        assert f"<!date^{int(london(2026, 3, 10, 10, 0).timestamp())}^" in text_of(first)
        assert f"<!date^{int(london(2026, 3, 16, 10, 0).timestamp())}^" in text_of(second)
        assert "(the bot was unavailable)" in text_of(second)
    [notice] = notices(sandbox)
    assert "This notice is late" in text_of(notice)
    assert {(r.kind, r.status, r.late) for r in world.reminders(review_id) if r.kind != "review.pack"} == {
        ("review.attendee", "sent", True), ("review.notice", "sent", True), ("review.next", "pending", False)}


def test_attendees_answer_and_the_notice_shows_who_comes(harness_clean, slack, sandbox, clock, db, world: World):
    review_id = world.review(london(2026, 3, 17, 10, 0), clock.now())
    tick(harness_clean, london(2026, 3, 10, 10, 0))
    [bobs] = reminders_to(sandbox, BOB)
    [carols] = reminders_to(sandbox, CAROL)

    assert slack.click(Action.REVIEW_RSVP_ATTEND, message=bobs, user=BOB).ok
    assert slack.click(Action.REVIEW_RSVP_CANNOT, message=carols, user=CAROL).ok
    [bobs] = reminders_to(sandbox, BOB)
    assert bobs.edits == 1 and "You answered: *I'll attend*" in text_of(bobs)
    assert "You answered: *Can't attend*" in text_of(reminders_to(sandbox, CAROL)[0])
    [notice] = notices(sandbox)
    assert notice.edits == 2
    assert "*Coming:* <@U0BOB> · *Can't:* <@U0CAROL> · *Not answered:* <@U0ALICE>" in text_of(notice)

    assert slack.click(Action.REVIEW_RSVP_ATTEND, message=bobs, user=BOB).ok  # pressed twice: nothing changes
    assert reminders_to(sandbox, BOB)[0].edits == 1 and notices(sandbox)[0].edits == 2
    refused = slack.click(Action.REVIEW_RSVP_ATTEND, message=bobs, user=ALICE)  # not hers
    assert refused.status == 200 and "someone else's" in text_of(sandbox.last_ephemeral(ALICE))
    assert slack.click(Action.REVIEW_RSVP_CANNOT, message=bobs, user=BOB).ok  # changed his mind
    assert slack.click(Action.REVIEW_RSVP_ATTEND, message=bobs, user=BOB).ok  # and back
    [notice] = notices(sandbox)
    assert notice.edits == 4 and "*Coming:* <@U0BOB> · *Can't:* <@U0CAROL>" in text_of(notice)
    with db.session() as s:
        assert {(r.user_id, r.answer) for r in s.exec(select(ReviewRsvp).where(ReviewRsvp.review_id == review_id))} \
            == {(BOB, "attend"), (CAROL, "cannot")}

    tick(harness_clean, london(2026, 3, 16, 10, 0))  # the day before: not to Carol, who cannot come
    assert [len(reminders_to(sandbox, u)) for u in (ALICE, BOB, CAROL)] == [2, 2, 1]
    assert "You answered: *I'll attend*" in text_of(reminders_to(sandbox, BOB)[1])


def test_snoozed_for_an_hour_then_a_day_it_comes_back_once_each_time_and_not_before(harness_clean, slack, sandbox,
                                                                                   clock, world: World):
    world.review(london(2026, 3, 17, 10, 0), clock.now())
    tick(harness_clean, london(2026, 3, 10, 10, 0))
    [first] = reminders_to(sandbox, ALICE)
    as_first_shown = copy.deepcopy(first)  # the stand-in edits its message in place; a slow client still shows this
    clock.set(london(2026, 3, 10, 10, 7))
    assert slack.click(Action.REVIEW_SNOOZE_HOUR, message=first, user=ALICE).ok
    [edited] = reminders_to(sandbox, ALICE)
    at = int(london(2026, 3, 10, 11, 7).timestamp())
    assert f"I'll remind you at <!date^{at}^" in text_of(edited)
    assert buttons(edited) == [Action.REVIEW_RSVP_ATTEND, Action.REVIEW_RSVP_CANNOT]
    clock.set(london(2026, 3, 10, 10, 20))
    assert slack.click(Action.REVIEW_SNOOZE_DAY, message=as_first_shown, user=ALICE).ok  # the same message again: no change
    assert reminders_to(sandbox, ALICE)[0].edits == 1

    tick(harness_clean, london(2026, 3, 10, 11, 6))
    assert len(reminders_to(sandbox, ALICE)) == 1
    tick(harness_clean, london(2026, 3, 10, 11, 7))
    tick(harness_clean, london(2026, 3, 10, 11, 8))
    first, again = reminders_to(sandbox, ALICE)
    assert "late" not in text_of(again) and Action.REVIEW_SNOOZE_DAY in buttons(again)

    assert slack.click(Action.REVIEW_SNOOZE_DAY, message=again, user=ALICE).ok
    assert f"I'll remind you at <!date^{int(london(2026, 3, 11, 11, 8).timestamp())}^" in text_of(
        reminders_to(sandbox, ALICE)[1])
    tick(harness_clean, london(2026, 3, 11, 11, 7))
    assert len(reminders_to(sandbox, ALICE)) == 2
    tick(harness_clean, london(2026, 3, 11, 11, 8))
    tick(harness_clean, london(2026, 3, 11, 11, 9))
    assert len(reminders_to(sandbox, ALICE)) == 3
    assert [len(reminders_to(sandbox, u)) for u in (BOB, CAROL)] == [1, 1]  # theirs were not snoozed


def test_reminders_of_a_cancelled_or_closed_review_are_moot(harness_clean, slack, sandbox, clock, db, world: World):
    cancelled = world.review(london(2026, 3, 17, 10, 0), clock.now())
    closed = world.review(london(2026, 3, 18, 10, 0), clock.now())
    tick(harness_clean, london(2026, 3, 11, 10, 0))  # the first reminder of each
    [dm, _] = reminders_to(sandbox, BOB)
    with db.session() as s:
        s.get(Review, cancelled).status = ReviewStatus.CANCELLED.value
        s.get(Review, closed).status = ReviewStatus.CLOSED.value
    refused = slack.click(Action.REVIEW_RSVP_ATTEND, message=dm, user=BOB)
    assert refused.status == 200 and "called off" in text_of(sandbox.last_ephemeral(BOB))
    tick(harness_clean, london(2026, 3, 17, 12, 0))
    assert len(reminders_to(sandbox, BOB)) == 2  # nothing after the first of each
    for review_id in (cancelled, closed):
        rows = world.reminders(review_id)
        assert {r.status for r in rows if r.kind in ("review.attendee", "review.notice") and r.sent_at is None} \
            == {"cancelled"}
    assert {r.status for r in world.reminders(cancelled) if r.kind == "review.next"} == {"cancelled"}
