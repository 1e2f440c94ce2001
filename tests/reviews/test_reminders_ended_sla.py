"""A review whose SLA was retired (by any path, not only its annual review's outcome) or expired: its reminders and
pack are moot, and no review is planned after it. Through the scheduler's round, with the frozen clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models import Agreement, AgreementStatus, Reminder, Review
from tests.reviews.remind_world import ATTENDEES, World, dm_texts, tick, world  # noqa: F401  (fixture)

UTC = timezone.utc
REVIEW_AT = datetime(2026, 3, 17, 10, 0, tzinfo=UTC)
FIRST_DUE = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("ended", [AgreementStatus.RETIRED.value, AgreementStatus.EXPIRED.value])
def test_an_ended_sla_gets_no_reminders_no_pack_and_no_next_review(harness_clean, sandbox, db, world: World, ended):
    review_id = world.review(REVIEW_AT, FIRST_DUE - timedelta(days=7))
    with db.session() as s:
        s.get(Agreement, world.agreement_id).status = ended  # e.g. `/slm sla retire`, which knows nothing of reviews
    for at in (FIRST_DUE, REVIEW_AT - timedelta(days=1), REVIEW_AT + timedelta(minutes=1)):
        tick(harness_clean, at)
    for user in ATTENDEES:
        assert not [t for t in dm_texts(sandbox, user) if "Service review" in t]
    with db.session() as s:
        rows = s.exec(select(Reminder).where(Reminder.subject_id == review_id)).all()
        assert rows and {r.status for r in rows} == {"cancelled"}
        assert [r.id for r in s.exec(select(Review).where(Review.agreement_id == world.agreement_id))] == [review_id]
