"""The pack's "Coming up" line on the SLA's yearly review follows the rule the review itself keeps: the review month
after the term starts, brought forward to the term's last month when the term ends first."""
from __future__ import annotations

from datetime import date

from bot.reviews import pack_preview
from models import Agreement


def test_the_yearly_review_line_falls_when_the_review_does(db, team):
    sla = Agreement(id=999_001, team_id=team, kind="sla", name="Acme Payroll", counterparty_id=1,
                    start_date=date(2026, 12, 1), end_date=date(2027, 11, 30), review_month=12)
    with db.session() as s:
        line = lambda start, end: pack_preview._sla_review(s, sla, start, end)  # noqa: E731
        assert line(date(2026, 12, 1), date(2027, 1, 1)) is None  # not the month the term starts in
        assert line(date(2027, 11, 1), date(2027, 12, 1)) == "The SLA's yearly review falls in November 2027."
        assert line(date(2027, 12, 1), date(2028, 1, 1)) is None  # after the term
