"""The relationship view against figures worked out by hand, for the customer of tests/reviews/pack_world.py (asked
on 4 Nov 2026: the window is May to October 2026), and `/slm relationship` through a signed request.

By hand, month by month (targets met of those measured): T1 availability 100% May to August, 99.95% in September
(met), 99.75% in October (missed); T2, T3, T4 measured only in October (tickets then), all missed. So May to
September 1 of 1, October 0 of 4; the one breach was on 12 Oct. The first three months 3 of 3 met (100%), the last
three 2 of 6 (33.3%): worsening. Actions done in the window: #2 (18 Oct, due 20 Oct) and #4 (10 Aug, due 31 Aug) on
time, #5 here (10 Sep, due 1 Sep) late; #3 (due 15 Oct) overdue. The review of 6 Oct was held, attended by the
customer's contact, with two actions; one more was cancelled. One requirement still unanswered, one accepted.
Carrier X's contract beneath T2 renews on 20 Nov.
"""
from __future__ import annotations

import struct
from pathlib import Path
from datetime import date, datetime, timezone

from bot.reviews import relationship
from models import Action, Contact, Party, Requirement, Review
from tests.evaluation.world import ALICE
from tests.helpers import assert_valid_blocks, text_of
from tests.reviews.pack_world import NOW, build

UTC = timezone.utc
CUSTOMER = "Acme Payroll customer"
CHANNEL = "C0GENERAL"
CHARTS = Path(__file__).parents[2] / "var" / "review-charts"


def _world(db, team):
    world = build(db, team)
    with db.session() as s:
        party = s.exec(Party.__table__.select().where(Party.name == CUSTOMER)).first()
        s.add(Contact(team_id=team, party_id=party.id, user_id="U0CUSTOMER", role="business_owner", created_at=NOW,
                      created_by=ALICE))
        review = s.exec(Review.__table__.select().where(Review.agreement_id == world.agreement_id)).first()
        held = s.get(Review, review.id)
        held.attended = ["U0CUSTOMER", ALICE]
        s.add(Review(team_id=team, agreement_id=world.agreement_id, scheduled_for=datetime(2026, 9, 6, 10, tzinfo=UTC),
                     format="call", channel_id=CHANNEL, period_start=date(2026, 8, 1), period_end=date(2026, 9, 1),
                     status="cancelled", created_at=NOW))
        s.add(Action(team_id=team, number=5, kind="remedial", title="Retrain the service desk", owner_user_id=ALICE,
                     agreement_id=world.agreement_id, due=date(2026, 9, 1), status="done",
                     done_at=datetime(2026, 9, 10, 12, tzinfo=UTC), created_at=datetime(2026, 8, 1, tzinfo=UTC),
                     created_by=ALICE))
        for number, status in ((1, "captured"), (2, "accepted")):
            s.add(Requirement(team_id=team, number=number, service_id=world.service_id, customer_id=party.id,
                              said_by="U0CUSTOMER", said_role="business_owner", source="form", category="availability",
                              statement=f"Payroll must be up on pay day ({number})", status=status, created_at=NOW,
                              created_by=ALICE))
    return world


def test_the_figures_are_the_hand_computed_ones(db, team):
    _world(db, team)
    with db.session() as s:
        party = relationship.find_party(s, team, "acme  payroll CUSTOMER")
        view = relationship.build(s, party, NOW)
    assert view.window == "May–Oct 2026" and view.agreements == ["SLA Acme Payroll (active)"]
    assert [(m.label, m.measured, m.met, m.breaches) for m in view.months] == [
        ("May 2026", 1, 1, 0), ("Jun 2026", 1, 1, 0), ("Jul 2026", 1, 1, 0), ("Aug 2026", 1, 1, 0),
        ("Sep 2026", 1, 1, 0), ("Oct 2026", 4, 0, 1)]
    t1, t2, t3, t4 = view.targets
    assert [p.achieved for p in t1.trend] == ["100", "100", "100", "100", "99.95", "99.75"]
    assert [p.achieved for p in t2.trend] == [None] * 5 + ["33.333"]
    assert (t3.trend[-1].achieved, t4.trend[-1].achieved, t1.key) == ("66.667", "0", "Acme Payroll T1")
    assert view.verdict == "worsening"
    assert view.why == ("targets met 100% → 33.3% of those measured, breaches 0 → 1 "
                        "(May–Jul 2026 against Aug–Oct 2026)")
    assert (view.actions_on_time, view.actions_late, view.actions_overdue) == (2, 1, 1)
    assert view.late_lines == ["#5 Retrain the service desk: due 2026-09-01, done 2026-09-10"]
    assert view.overdue_lines == ["#3 Write the P2 triage runbook: due 2026-10-15"]
    assert (view.reviews_closed, view.reviews_attended, view.reviews_cancelled) == (1, 1, 1)
    assert (view.decisions, view.review_actions) == (0, 2)
    assert view.unanswered == ["#1 Payroll must be up on pay day (1) (must)"]
    # The supplier's contract reference (CX-114) is internal: never in a view posted to a party's channel.
    assert view.renewals == ["beneath Acme Payroll: Carrier X contract renews on 2026-11-20"]
    assert view.waivers == []


def test_the_verdict_rule():
    row = relationship.MonthRow
    rows = lambda *m: [row(f"M{i}", n, met, b) for i, (n, met, b) in enumerate(m)]  # noqa: E731
    assert relationship._verdict(rows((2, 1, 3), (2, 1, 0), (2, 1, 0), (2, 2, 0), (2, 2, 0), (2, 2, 0)))[0] == "improving"
    assert relationship._verdict(rows((2, 2, 0), (2, 2, 0), (2, 2, 0), (2, 2, 1), (2, 2, 0), (2, 2, 0)))[0] == "worsening"
    assert relationship._verdict(rows((2, 2, 1), (2, 2, 0), (2, 2, 0), (2, 2, 0), (2, 2, 0), (2, 2, 0)))[0] == "improving"
    assert relationship._verdict(rows((2, 2, 1), (2, 2, 0), (2, 2, 0), (2, 2, 1), (2, 2, 0), (2, 2, 0)))[0] == "stable"
    assert relationship._verdict(rows((0, 0, 0), (0, 0, 0), (0, 0, 0), (2, 2, 0), (2, 2, 0), (2, 2, 0)))[0] == \
        "no verdict"


def test_asked_for_it_posts_the_view_with_its_chart(slack, sandbox, db, team, clock):
    _world(db, team)
    clock.set(NOW)
    slack.command(f"relationship customer {CUSTOMER}", channel=CHANNEL)
    [parent] = [m for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False)
                if m.text.startswith("Relationship")]
    assert_valid_blocks({"blocks": parent.blocks})
    shown = text_of(parent)
    assert "Relationship: Acme Payroll customer" in shown and "*Worsening*: targets met 100% → 33.3%" in shown
    assert "Oct 2026: 0 of 4 met · 1 breach" in shown and "2 on time, 1 late; 1 overdue now" in shown
    assert "1 held, 1 attended by its people, 1 cancelled" in shown
    [reply] = sandbox.channel_messages(CHANNEL, thread_ts=parent.ts)
    [file] = reply.files
    png = sandbox.files[file["id"]]["content"]
    assert file["name"] == "acme-payroll-customer-relationship-oct-2026.png" and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24])[0] == 800
    CHARTS.mkdir(parents=True, exist_ok=True)
    (CHARTS / file["name"]).write_bytes(png)  # for a person to open
    (CHARTS / "acme-payroll-customer-relationship.txt").write_text(shown)
    assert "Posted the relationship view of *Acme Payroll customer* here (worsening)" in text_of(
        sandbox.last_ephemeral("U0ALICE"))


def test_an_unknown_party_is_answered_with_the_known_ones(slack, sandbox, db, team, clock):
    _world(db, team)
    clock.set(NOW)
    slack.command("relationship supplier Acme Payroll customer", channel=CHANNEL)  # a customer, not a supplier
    said = text_of(sandbox.last_ephemeral("U0ALICE"))
    assert "There is no supplier called “Acme Payroll customer”" in said and "Carrier X contract supplier" in said
    slack.command("relationship", channel=CHANNEL)
    assert "Name the customer, supplier or group" in text_of(sandbox.last_ephemeral("U0ALICE"))
    assert not [m for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False)
                if m.text.startswith("Relationship")]
