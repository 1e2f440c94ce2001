"""Issue 17: a satisfaction comment is a person's own words. `slm-bot forget-user` removes it (the rating still
counts, as a former contact's), and the nightly retention purge removes asks and ratings past the closed records'
cut-off (default 7 years), as it does other closed records."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import select

from bot import forget_user, retention
from models import AuditEvent, SatisfactionAsk
from models.workspace import FORMER_PERSON

UTC = timezone.utc
CAROL, BOB = "U0CAROL", "U0BOB"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _ask(s, team: str, key: str, user: str, at: datetime, *, comment: str | None = None, kind: str = "ticket"):
    s.add(SatisfactionAsk(team_id=team, key=key, kind=kind, outcome="asked", subject=key, user_id=user, rated_for=at,
                          created_at=at, rating=2, rated_at=at, comment=comment, revision=2))


def test_forget_user_removes_their_comments_and_keeps_their_ratings_anonymous(db, team):
    with db.session() as s:
        _ask(s, team, "ticket:1", CAROL, NOW, comment="Too slow, twice")
        _ask(s, team, f"review:4:{CAROL}", CAROL, NOW, comment="The review ran long", kind="review")
        _ask(s, team, "ticket:2", BOB, NOW, comment="Fine")
    with db.session() as s:
        touched = forget_user.forget(s, CAROL, team, NOW)
    assert touched["satisfaction_ask.comment"] == {"removed": 2}
    assert touched["satisfaction_ask.user_id"] == {"anonymised": 2}
    with db.session() as s:
        rows = {r.key: (r.user_id, r.rating, r.comment) for r in s.exec(select(SatisfactionAsk))}
        review_key = next(k for k in rows if k.startswith("review:4:"))
    assert rows["ticket:1"] == (FORMER_PERSON, 2, None)
    assert rows[review_key] == (FORMER_PERSON, 2, None) and CAROL not in review_key
    assert rows["ticket:2"] == (BOB, 2, "Fine")  # someone else's words stay


def test_retention_purges_ratings_past_the_closed_records_cut_off(db, team):
    with db.session() as s:
        _ask(s, team, "ticket:old", CAROL, datetime(2019, 11, 30, tzinfo=UTC), comment="Old words")  # > 7 years
        _ask(s, team, "ticket:new", CAROL, datetime(2020, 1, 2, tzinfo=UTC))  # 6 years 11 months: kept
    removed = retention.purge_team(db, team, NOW)
    assert removed["satisfaction_ratings"] == 1
    with db.session() as s:
        assert [r.key for r in s.exec(select(SatisfactionAsk))] == ["ticket:new"]
        [batch] = [e for e in s.exec(select(AuditEvent).where(AuditEvent.action == "retention.batch"))
                   if e.detail["kind"] == "satisfaction_ratings"]
    assert batch.detail["removed"] == 1
