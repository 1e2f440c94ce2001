"""Planning reviews from an agreed cadence: the defaults the form offers, the Review row of the next occurrence
(created once) with its period under review, and replanning when a new cadence is agreed."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from bot import reminders, reviews
from bot.errors import PermissionDenied
from models import Reminder, Review
from tests.conftest import START
from tests.unit.agreements.world import BOB, CAROL, DAVE, SM, person, unit_db, world  # noqa: F401  (fixtures)
from tests.unit.cover.tree_helpers import link_tree

APPROVER = person(CAROL)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def agree(world, frequency: str, *, at: datetime = START) -> Review | None:
    sm, approver = person(SM.user_id, "service_manager", now=at), person(CAROL, now=at)
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        data = reviews.defaults(s, sla)
        data.frequency = frequency
        row = reviews.propose(s, sm, sla, data)
        revision = row.revision
    with world.db.session() as s:
        answered = reviews.accept(s, approver, world.get(s, world.sla), revision)
        review = reviews.replan(s, answered.arrangement, at)
        s.flush()
        return review and s.get(Review, review.id)


def all_reviews(world) -> list[Review]:
    with world.db.session() as s:
        return list(s.exec(select(Review).order_by(Review.scheduled_for, Review.id)))


def test_the_form_offers_the_customer_and_the_support_parties_with_their_contacts(world):
    link_tree(world)
    with world.db.session() as s:
        offered = reviews.defaults(s, world.get(s, world.sla))
    assert offered.attendee_party_ids == [world.acme, world.network, world.carrier]
    assert offered.attendee_user_ids == [CAROL, BOB, DAVE]
    assert (offered.frequency, offered.format, offered.reminders, offered.channel_id) == (
        "monthly", "meeting", "5 working days, 1 day", "C0ACMESLA")


def test_the_next_occurrence_becomes_one_review_created_once(world):
    review = agree(world, "second Tuesday of each month at 10:00 Europe/London")
    assert review.scheduled_for == utc(2026, 3, 10, 10)
    assert (review.period_start, review.period_end, review.status) == (date(2026, 2, 1), date(2026, 3, 1), "scheduled")
    with world.db.session() as s:
        arrangement = reviews.arrangement_of(s, world.get(s, world.sla))
        again = reviews.plan_next(s, arrangement, START, START)  # a second sweep, or a repeated call
        assert again.id == review.id
        after = reviews.plan_next(s, arrangement, review.scheduled_for, review.scheduled_for)  # its time has come
        # April's is in British Summer Time: still 10:00 in London, 09:00 UTC; it looks back on March.
        assert (after.scheduled_for, after.period_start, after.period_end) == (
            utc(2026, 4, 14, 9), date(2026, 3, 1), date(2026, 4, 1))
    assert [r.id for r in all_reviews(world)] == [review.id, after.id]


def test_nothing_is_planned_until_it_is_agreed(world):
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        data = reviews.defaults(s, sla)
        row = reviews.propose(s, SM, sla, data)
        assert reviews.plan_next(s, row, START, START) is None
        assert reviews.standing(row) == "review cadence not agreed"
    assert all_reviews(world) == []


def test_a_new_cadence_cancels_the_reviews_ahead_and_their_reminders(world):
    first = agree(world, "monthly")
    with world.db.session() as s:
        reminders.schedule(s, first.team_id, f"review:{first.id}:attendee:{CAROL}", "review.attendee",
                           first.scheduled_for - timedelta(days=1), CAROL, START)
    later = START + timedelta(minutes=10)
    second = agree(world, "last Friday of every month 14:00 Europe/London", at=later)
    cancelled = next(r for r in all_reviews(world) if r.id == first.id)
    assert cancelled.status == "cancelled" and second.status == "scheduled"
    assert second.scheduled_for == utc(2026, 3, 27, 14)
    with world.db.session() as s:
        rows = list(s.exec(select(Reminder)))
    firsts = [r.status for r in rows if r.key.startswith(f"review:{first.id}:")]
    seconds = [r.status for r in rows if r.key.startswith(f"review:{second.id}:")]
    assert firsts and set(firsts) == {"cancelled"}  # the review that will not happen reminds nobody
    assert seconds and "pending" in seconds  # the new one's reminders wait for their time


def test_back_to_a_time_a_cancelled_review_had_revives_that_review(world):
    first = agree(world, "monthly")
    agree(world, "quarterly", at=START + timedelta(minutes=10))
    third = agree(world, "monthly", at=START + timedelta(minutes=20))
    assert third.id == first.id and third.status == "scheduled"
    assert [r.status for r in all_reviews(world)] == ["scheduled", "cancelled"]


def test_only_whom_the_proposal_waits_for_may_accept_it(world):
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        row = reviews.propose(s, SM, sla, reviews.defaults(s, sla))
        revision = row.revision
    for who in (SM, person(BOB), person(DAVE)):  # Bob and Dave approve for other parties, not for Acme
        with world.db.session() as s:
            try:
                reviews.accept(s, who, world.get(s, world.sla), revision)
            except PermissionDenied as refused:
                assert "Only an approver of Acme Retail" in str(refused)
            else:
                raise AssertionError(f"{who.user_id} accepted")
