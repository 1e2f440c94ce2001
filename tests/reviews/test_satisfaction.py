"""Issue 17, satisfaction beside achievement: the figures and the watermelon flag in the review pack and the
relationship view, against figures worked out by hand; and the customer's attendees asked after a review closes.

The SLA (tests/evaluation/world.py): one target, T1 availability 99.9% a month, on Payroll. Ratings are stored as the
bot stores answered asks (the asking and the buttons are tests/api/test_satisfaction.py's):

- September 2026: 5, 4. Mean 9/2 = 4.50.
- October 2026: 2, 3, 4, 3, 2, 5. Mean 19/6 = 3.1666... = 3.17; rated 4 or 5: 2 of 6 = 33.3%; trend 3.17 - 4.50 =
  down 1.33. No outage: availability 100%, met. 6 ratings >= 5, and 3.17 < 3.5: flagged.
- November 2026: 1, 2, 3, 2. Mean 8/4 = 2.00, but 4 ratings < 5: too few, not flagged.
- December 2026: 1, 1, 1, 1, 1 (mean 1.00, 5 ratings), but a 2-hour full outage: 120 minutes down of 44,640 in
  the month = 99.731% < 99.9%: T1 missed, not flagged.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import select

from bot.reviews import build_pack, pack_document, relationship
from bot.scheduler import run_all_once
from messages import render
from messages.ids import Action, Block
from models import Agreement, Party, Review, ReviewArrangement, SatisfactionAsk
from tests.evaluation.world import DOCS, outage, sla_in_force
from tests.helpers import text_of
from tests.reviews.thread_world import ALICE, BOB, CAROL, review_world  # noqa: F401  (a fixture)

UTC = timezone.utc
RATINGS = {(2026, 9): [5, 4], (2026, 10): [2, 3, 4, 3, 2, 5], (2026, 11): [1, 2, 3, 2], (2026, 12): [1] * 5}


def _world(db, team) -> dict:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    world = sla_in_force(db, team, start, lambda T, office: [T(key=None, kind="availability", goal="99.9%")])
    with db.session() as s:
        for (year, month), ratings in RATINGS.items():
            for n, rating in enumerate(ratings):
                at = datetime(year, month, 10 + n, 12, tzinfo=UTC)
                s.add(SatisfactionAsk(team_id=team, key=f"ticket:{year}{month}{n}", kind="ticket", outcome="asked",
                                      agreement_id=world["agreement_id"], subject=f"INC{year}{month}{n}",
                                      user_id=f"U0R{n}", rated_for=at, created_at=at, rating=rating, rated_at=at,
                                      revision=1))
    outage(db, team, world["service_id"], "O-DEC", datetime(2026, 12, 3, 10, tzinfo=UTC),
           datetime(2026, 12, 3, 12, tzinfo=UTC))
    return world


def _pack(db, world, start: date, end: date, now: datetime):
    with db.session() as s:
        agreement = s.get(Agreement, world["agreement_id"])
        pack = build_pack(s, agreement, start, end, now)
        return pack, pack_document.render(s, agreement.team_id, pack, DOCS, now).text


def test_targets_met_and_customer_unhappy_is_flagged_in_the_pack(db, team):
    world = _world(db, team)
    pack, document = _pack(db, world, date(2026, 10, 1), date(2026, 11, 1), datetime(2026, 11, 4, tzinfo=UTC))
    assert [t.met for t in pack.targets] == [True]
    s = pack.satisfaction
    assert (s["count"], s["mean"], s["top_share"], s["previous_count"], s["previous_mean"], s["trend"]) == (
        6, "3.17", "33.3", 2, "4.50", "down 1.33")
    assert (s["targets_met"], s["flagged"]) == (True, True)
    assert "| Oct 2026 | 6 | 3.17 | 33.3% | down 1.33 (previous period: 4.50 from 2) | all measured targets met |" \
        in document
    assert "**🍉 Targets met, customer unhappy.** Every measured target was met, yet 6 ratings average 3.17 out of 5." \
        in document
    assert ("_Rule: flagged “targets met, customer unhappy” when every target measured in the period was met, and "
            "at least 5 ratings average under 3.5 out of 5._") in document
    # The pack's summary message in the review's thread says it too, under the achievement.
    summary = text_of(render("review_pack.yml.j2", pack=pack.as_context(), review_id=None, late=False, warning=None,
                             chart=False))
    assert summary.index("Achievement against the targets") < summary.index(
        ":watermelon: *Customer satisfaction*, Oct 2026: mean 3.17 of 5 from 6 ratings, 33.3% rated 4 or 5, down 1.33 "
        "on the period before\n*Targets met, customer unhappy*")
    # The achievement table and the satisfaction are side by side in section 2, before the credits.
    assert document.index("## 2. Achievement") < document.index("### Customer satisfaction") < document.index(
        "## 3. Service credits")


def test_too_few_ratings_or_a_missed_target_is_not_flagged(db, team):
    world = _world(db, team)
    pack, document = _pack(db, world, date(2026, 11, 1), date(2026, 12, 1), datetime(2026, 12, 4, tzinfo=UTC))
    assert (pack.satisfaction["count"], pack.satisfaction["mean"], pack.satisfaction["flagged"]) == (4, "2.00", False)
    assert "Too few ratings to judge (4 of the 5 needed)." in document and "🍉" not in document

    pack, document = _pack(db, world, date(2026, 12, 1), date(2027, 1, 1), datetime(2027, 1, 4, tzinfo=UTC))
    assert [t.met for t in pack.targets] == [False]
    assert (pack.satisfaction["count"], pack.satisfaction["mean"], pack.satisfaction["targets_met"],
            pack.satisfaction["flagged"]) == (5, "1.00", False, False)
    assert "| a target missed |" in document and "🍉" not in document


def test_the_relationship_view_shows_satisfaction_beside_the_targets_and_the_flag(db, team):
    world = _world(db, team)
    with db.session() as s:
        party = s.get(Party, world["party_id"])
        view = relationship.build(s, party, datetime(2026, 11, 4, 9, tzinfo=UTC))  # the last month: October
        later = relationship.build(s, party, datetime(2026, 12, 4, 9, tzinfo=UTC))  # November
    [row] = view.satisfaction
    assert (row["agreement"], row["period"], row["count"], row["mean"], row["trend"], row["flagged"]) == (
        "Acme Payroll", "Oct 2026", 6, "3.17", "down 1.33", True)
    shown = text_of(render("relationship.yml.j2", r=view.as_context(), chart=False))
    assert (":watermelon: Acme Payroll, Oct 2026: mean 3.17 from 6 ratings, 33.3% rated 4 or 5, down 1.33 on the "
            "period before · all measured targets met · *targets met, customer unhappy*") in shown
    [row] = later.satisfaction
    assert (row["count"], row["mean"], row["flagged"]) == (4, "2.00", False)
    shown = text_of(render("relationship.yml.j2", r=later.as_context(), chart=False))
    assert "too few ratings to judge" in shown and ":watermelon:" not in shown


def test_the_customers_attendees_are_asked_to_rate_a_closed_review(slack, sandbox, db, team, review_world,
                                                                    harness_clean):
    assert slack.click(Action.REVIEW_CLOSE, message=review_world.pack(sandbox), user=ALICE).status == 200
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REVIEW_ATTENDED: [BOB, CAROL]}).ok
    run_all_once(harness_clean.deps)
    # Carol is the customer's contact; Bob (the Network group's) is not asked.
    [dm] = [m for m in sandbox.dms(CAROL) if "How was" in text_of(m)]
    assert "How was the service review of 2026-03-02 and Feb 2026?" in text_of(dm)
    assert not [m for m in sandbox.dms(BOB) if "How was" in text_of(m)]
    assert slack.click(f"{Action.SATISFACTION_RATE}_5", message=dm, user=CAROL).status == 200
    with db.session() as s:
        [row] = s.exec(select(SatisfactionAsk)).all()
        assert (row.kind, row.user_id, row.rating, row.rated_for) == (
            "review", CAROL, 5, datetime(2026, 2, 1, tzinfo=UTC))
    # It counts in February's figure, the period the review looked back on: one 5, mean 5.00, all rated 4 or 5.
    world = {"agreement_id": review_world.sla_id}
    pack, _document = _pack(db, world, date(2026, 2, 1), date(2026, 3, 1), datetime(2026, 3, 3, tzinfo=UTC))
    assert (pack.satisfaction["count"], pack.satisfaction["mean"], pack.satisfaction["top_share"]) == (1, "5.00",
                                                                                                         "100.0")
    # The jobs running again send nothing more: one ask per person and review.
    run_all_once(harness_clean.deps)
    assert len([m for m in sandbox.dms(CAROL) if "How was" in text_of(m)]) == 1


def test_a_review_west_of_utc_has_its_rating_counted_in_its_own_period(slack, sandbox, db, team, review_world,
                                                                        harness_clean):
    """Review finding 7. The review's arrangement is in America/New_York and it looks back on November 2025. New York
    keeps summer time until 2 November 2025 02:00, so November starts there on 1 November 00:00 EDT (UTC-4) =
    04:00 UTC; the pack counts the period from then. The rating is for that moment: inside November's figure, not
    (as UTC midnight, four hours earlier, would be) October's."""
    with db.session() as s:
        arrangement = s.exec(select(ReviewArrangement).where(
            ReviewArrangement.agreement_id == review_world.sla_id)).one()
        arrangement.timezone = "America/New_York"
        review = s.get(Review, review_world.review_id)
        review.period_start, review.period_end = date(2025, 11, 1), date(2025, 12, 1)
    assert slack.click(Action.REVIEW_CLOSE, message=review_world.pack(sandbox), user=ALICE).status == 200
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REVIEW_ATTENDED: [CAROL]}).ok
    run_all_once(harness_clean.deps)
    [dm] = [m for m in sandbox.dms(CAROL) if "How was" in text_of(m)]
    assert "and Nov 2025?" in text_of(dm)
    assert slack.click(f"{Action.SATISFACTION_RATE}_4", message=dm, user=CAROL).status == 200
    with db.session() as s:
        assert s.exec(select(SatisfactionAsk.rated_for)).one() == datetime(2025, 11, 1, 4, tzinfo=UTC)
        agreement = s.get(Agreement, review_world.sla_id)
        now = datetime(2026, 3, 3, tzinfo=UTC)
        november = build_pack(s, agreement, date(2025, 11, 1), date(2025, 12, 1), now, tz="America/New_York")
        october = build_pack(s, agreement, date(2025, 10, 1), date(2025, 11, 1), now, tz="America/New_York")
    # November: the one rating, 4: mean 4.00, 1 of 1 rated 4 or 5 = 100.0%. October: none.
    assert (november.satisfaction["count"], november.satisfaction["mean"], november.satisfaction["top_share"]) == (
        1, "4.00", "100.0")
    assert october.satisfaction["count"] == 0
