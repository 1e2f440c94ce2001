"""The review pack in a channel shared with the customer's workspace (#acme-connect, bot/sandbox/connect.py): on
demand and the day before a review, its message, document and chart carry nothing from beneath the SLA (the Carrier
X contract, CX-114, its renewal), no breach causes the provider wrote, and no known risks. The same pack asked for in
a channel of the provider's own still shows them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot import reminders
from bot.sandbox.connect import CONNECT_CHANNEL
from bot.scheduler import run_all_once
from models import Review
from tests.helpers import text_of
from tests.reviews.pack_world import NOV, NOW, OCT, build
from tests.reviews.test_pack_posting import SWEEP_AND_SEND

UTC = timezone.utc
INTERNAL = ("Carrier X", "CX-114", "Underpinning contract", "failover took two hours", "payroll vendor upgrades")


def _posted(sandbox, channel: str) -> list[str]:
    """Every message the channel holds, ephemerals included, and every document posted in it (the charts, PNG,
    draw only the SLA's own targets)."""
    texts = []
    for m in sandbox.messages:
        if m.channel == channel:
            texts.append(text_of(m))
            texts += [sandbox.files[f["id"]]["content"].decode() for f in m.files or () if f["name"].endswith(".md")]
    return texts


def _assert_customers_only(texts: list[str]) -> None:
    assert any("Review pack: Acme Payroll, Oct 2026" in t for t in texts)
    assert any(t.startswith("# Service review pack: Acme Payroll\n") for t in texts)  # the document came too
    for text in texts:
        for word in INTERNAL:
            assert word not in text, f"{word!r} in the shared channel: {text[:300]}"


def test_asked_for_in_a_shared_channel_the_pack_is_the_customers(slack, sandbox, db, team, clock):
    build(db, team)
    clock.set(NOW)
    slack.command("review pack Acme Payroll", channel=CONNECT_CHANNEL)
    texts = _posted(sandbox, CONNECT_CHANNEL)
    _assert_customers_only(texts)
    shown = "\n".join(texts)
    # Their SLA's figures stay: T1 99.75% (1.86 h down of 744 h) and the breach of T2 by INC2.
    assert "99.75" in shown and "INC2" in shown
    assert "Automate the database failover" in shown  # the actions taken stay

    # In a channel of the provider's own the same pack names the contract renewing.
    slack.command("review pack Acme Payroll", channel="C0GENERAL")
    assert any("Carrier X contract" in t for t in _posted(sandbox, "C0GENERAL"))


def test_the_day_before_the_review_in_a_shared_channel_the_pack_is_the_customers(harness_clean, sandbox, db, team,
                                                                                 clock):
    world = build(db, team)
    due = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    with db.session() as s:
        review = Review(team_id=team, agreement_id=world.agreement_id, scheduled_for=due + timedelta(days=1),
                        format="call", channel_id=CONNECT_CHANNEL, period_start=OCT, period_end=NOV, created_at=NOW)
        s.add(review)
        s.flush()
        reminders.schedule(s, team, f"review:{review.id}:pack", "review.pack", due, CONNECT_CHANNEL, NOW,
                           subject_id=review.id)
    clock.set(due)
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    _assert_customers_only(_posted(sandbox, CONNECT_CHANNEL))
