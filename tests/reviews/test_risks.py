"""Known risks for an SLA's next review pack: entered and closed by service managers, listed for anyone."""
from __future__ import annotations

import copy

from sqlmodel import select

from bot.reviews import notes
from messages.ids import Action
from models import ReviewNote
from tests.conftest import START
from tests.helpers import text_of
from tests.reviews.thread_world import ALICE, CAROL, SLA, review_world  # noqa: F401  (a fixture)


def _close_buttons(message):
    return [b["accessory"] for b in message.blocks if (b.get("accessory") or {}).get("action_id") == Action.REVIEW_RISK_CLOSE]


def test_risks_are_entered_listed_and_closed(slack, sandbox, db, team, review_world):
    slack.command(f"review risk {SLA} Carrier X's contract renewal may slip past *June*", user=ALICE)
    assert "Known risk entered" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f'review risk "{SLA}" Payroll peak in April', user=ALICE)
    with db.session() as s:
        assert [r.text for r in notes.open_risks(s, team, review_world.sla_id)] == [
            "Carrier X's contract renewal may slip past *June*", "Payroll peak in April"]

    slack.command(f"review risks {SLA}", user=ALICE)
    listing = sandbox.last_ephemeral(ALICE)
    assert "Carrier X's contract renewal may slip past ∗June∗" in text_of(listing)  # shown as typed, not bold
    assert len(_close_buttons(listing)) == 2
    old_listing = copy.deepcopy(listing)  # as it was drawn before anything was closed

    slack.click(Action.REVIEW_RISK_CLOSE, message=listing, user=ALICE)
    with db.session() as s:
        rows = list(s.exec(select(ReviewNote).order_by(ReviewNote.id)))
        assert [r.closed_at is not None for r in rows] == [True, False]
        assert [r.text for r in notes.open_risks(s, team, review_world.sla_id)] == ["Payroll peak in April"]
    redrawn = sandbox.last_ephemeral(ALICE)  # the listing, drawn again without it
    assert "Carrier X" not in text_of(redrawn) and "Payroll peak in April" in text_of(redrawn)

    # pressed again on the old listing: still closed once, nothing else closed
    slack.click(Action.REVIEW_RISK_CLOSE, message=old_listing, user=ALICE)
    with db.session() as s:
        closed = [r.closed_at for r in s.exec(select(ReviewNote).order_by(ReviewNote.id))]
    assert closed[0] == rows[0].closed_at and closed[1] is None


def test_only_service_managers_keep_risks_but_anyone_reads_them(slack, sandbox, db, team, review_world):
    slack.command(f"review risk {SLA} Something", user=CAROL)
    assert "Only a service manager can" in text_of(sandbox.last_ephemeral(CAROL))
    slack.command(f"review risk {SLA} Something real", user=ALICE)
    slack.command(f"review risks {SLA}", user=CAROL)
    listing = sandbox.last_ephemeral(CAROL)
    assert "Something real" in text_of(listing) and not _close_buttons(listing)
    slack.command(f"review risks {SLA}", user=ALICE)  # a listing with the button, pressed by Carol (forwarded)
    slack.click(Action.REVIEW_RISK_CLOSE, message=sandbox.last_ephemeral(ALICE), user=CAROL)
    assert "Only a service manager can" in text_of(sandbox.last_ephemeral(CAROL))
    with db.session() as s:
        assert s.exec(select(ReviewNote)).one().closed_at is None


def test_a_risk_names_a_known_sla_and_says_what(slack, sandbox, review_world):
    slack.command("review risk Nowhere at all", user=ALICE)
    assert "does not start with the name of a SLA I know" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"review risk {SLA}", user=ALICE)
    assert "Say what the risk is" in text_of(sandbox.last_ephemeral(ALICE))


def test_many_risks_come_forty_a_page(slack, sandbox, db, team, review_world):
    with db.session() as s:
        for i in range(45):
            s.add(ReviewNote(team_id=team, agreement_id=review_world.sla_id, kind="risk", text=f"Risk number {i:02d}",
                             created_by=ALICE, created_at=START))
    slack.command(f"review risks {SLA}", user=ALICE)
    first = sandbox.last_ephemeral(ALICE)
    assert "Risk number 39" in text_of(first) and "Risk number 40" not in text_of(first)
    assert "Showing 1–40 of 45 open risks: …and 5 more." in text_of(first)
    slack.click(Action.LIST_NEXT, message=first, user=ALICE)
    second = sandbox.last_ephemeral(ALICE)
    assert "Risk number 44" in text_of(second) and "Risk number 39" not in text_of(second)
