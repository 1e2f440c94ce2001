"""Posting the pack: the day before a review (its "review.pack" reminder, with the FrozenClock, the sweep and the
outbox), and on demand (`/slm review pack`, a signed request into the real app); the sandbox Slack stand-in keeps
what the bot posted, the chart's PNG bytes included."""
from __future__ import annotations

import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot import reminders
from bot.jobs import JOBS
from bot.scheduler import run_all_once
from messages.ids import Action as ActionId
from models import Outbox, Review, WorkspaceSetting
from tests.helpers import assert_valid_blocks, text_of
from tests.reviews.pack_world import NOV, NOW, OCT, build

UTC = timezone.utc
CHANNEL = "C0GENERAL"
CHARTS = Path(__file__).parents[2] / "var" / "review-charts"
SWEEP_AND_SEND = [j for j in JOBS if j.id in ("reminders.sweep", "outbox.deliver")]
STEM = "acme-payroll-review-2026-10-01"


def _packs(sandbox, channel=CHANNEL):
    return [m for m in sandbox.channel_messages(channel, include_ephemeral=False) if m.text.startswith("Review pack")]


def _thread_files(sandbox, parent, name: str) -> dict:
    replies = sandbox.channel_messages(parent.channel, thread_ts=parent.ts)
    assert [f["name"] for m in replies for f in m.files] == [f"{STEM}.md", f"{STEM}.png"]  # the document, then the chart
    return {f["name"]: sandbox.files[f["id"]] for m in replies for f in m.files}


def _looks_at_the_chart(stored: dict, name: str) -> None:
    png = stored["content"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and stored["filetype"] == "png" and stored["size"] == len(png)
    width, height = struct.unpack(">II", png[16:24])
    assert width == 800 and 400 < height < 2000 and 10_000 < len(png) < 500_000
    CHARTS.mkdir(parents=True, exist_ok=True)
    (CHARTS / name).write_bytes(png)  # for a person to open


def show_terms_in_public(db, team) -> None:
    with db.session() as s:
        s.add(WorkspaceSetting(team_id=team, key="commercial_terms_in_public", value="show", updated_by="U0ALICE",
                               updated_at=NOW))


def _review_with_its_pack_reminder(db, team, agreement_id: int, due: datetime, channel: str = CHANNEL) -> int:
    with db.session() as s:
        review = Review(team_id=team, agreement_id=agreement_id, scheduled_for=due + timedelta(days=1), format="call",
                        channel_id=channel, period_start=OCT, period_end=NOV, created_at=NOW)
        s.add(review)
        s.flush()
        reminders.schedule(s, team, f"review:{review.id}:pack", "review.pack", due, channel, NOW, subject_id=review.id)
        return review.id


def test_the_day_before_the_review_its_pack_opens_the_thread(harness_clean, sandbox, db, team, clock):
    world = build(db, team)
    show_terms_in_public(db, team)  # the review's channel is public: its credits go there only with this say-so
    due = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    review_id = _review_with_its_pack_reminder(db, team, world.agreement_id, due)
    clock.set(due - timedelta(minutes=1))
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    assert _packs(sandbox) == []  # not due yet

    clock.set(due)
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    [parent] = _packs(sandbox)
    assert_valid_blocks({"blocks": parent.blocks})
    shown = text_of(parent)
    assert "Review pack: Acme Payroll, Oct 2026" in shown
    assert "T1: *£900.00*, under “5% of the monthly charge per 0.1% under”" in shown
    assert "T4: not computable: at the provider's discretion" in shown
    assert "*Total: £2,020.00*" in shown and "late" not in shown
    assert "Carrier X contract renews on 2026-11-20" in shown and "CX-114" not in shown  # internal: not for the customer
    [close] = [e for b in parent.blocks if b["type"] == "actions" for e in b["elements"]]
    assert (close["action_id"], close["value"]) == (ActionId.REVIEW_CLOSE, str(review_id))
    stored = _thread_files(sandbox, parent, STEM)
    assert stored[f"{STEM}.md"]["content"].decode().startswith("# Service review pack: Acme Payroll\n")
    _looks_at_the_chart(stored[f"{STEM}.png"], f"{STEM}-from-the-reminder.png")
    with db.session() as s:
        review = s.get(Review, review_id)
        assert (review.thread_ts, review.pack_posted_at, review.pack_key) == (parent.ts, due, f"review-pack:{review_id}")

    clock.set(due + timedelta(hours=1))  # swept again: nothing is posted twice
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    assert len(_packs(sandbox)) == 1 and len(sandbox.channel_messages(CHANNEL, thread_ts=parent.ts)) == 2


def test_a_bot_that_was_down_posts_the_pack_late_and_once(harness_clean, sandbox, db, team, clock):
    world = build(db, team)
    due = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    _review_with_its_pack_reminder(db, team, world.agreement_id, due)
    clock.set(due + timedelta(hours=5))
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    [parent] = _packs(sandbox)
    assert "late: the bot was down when this fell due" in text_of(parent)


def test_a_cancelled_reviews_pack_is_not_posted(harness_clean, sandbox, db, team, clock):
    world = build(db, team)
    due = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    review_id = _review_with_its_pack_reminder(db, team, world.agreement_id, due)
    with db.session() as s:
        s.get(Review, review_id).status = "cancelled"
    clock.set(due)
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    assert _packs(sandbox) == []


def test_asked_for_it_posts_the_pack_where_it_was_asked(slack, sandbox, db, team, clock):
    build(db, team)
    clock.set(NOW)
    slack.command("review pack Acme Payroll", channel=CHANNEL)  # the last whole month: October
    [parent] = _packs(sandbox)
    assert "Review pack: Acme Payroll, Oct 2026" in text_of(parent)
    assert not [b for b in parent.blocks if b["type"] == "actions"]  # no review to close
    _looks_at_the_chart(_thread_files(sandbox, parent, STEM)[f"{STEM}.png"], f"{STEM}-on-demand.png")
    assert "Posted the review pack of *Acme Payroll* for Oct 2026 here" in text_of(sandbox.last_ephemeral("U0ALICE"))
    with db.session() as s:
        assert {row.status for row in s.exec(Outbox.__table__.select()) if row.kind != "home"} == {"sent"}

    slack.command("review pack “Acme Payroll” 2026-Q3", channel=CHANNEL, user="U0CAROL")  # any member may
    assert "Review pack: Acme Payroll, Jul–Sep 2026" in text_of(_packs(sandbox)[-1])


def test_what_it_cannot_post_it_says_only_to_the_asker(slack, sandbox, db, team, clock):
    build(db, team)
    clock.set(NOW)
    for args, said in (("", "Name the SLA, like `/slm review pack Acme Payroll 2026-10`."),
                       ("Nope", "There is no SLA called “Nope”."),
                       ("Acme Payroll banana", "I can't read “banana” as a period. Try 2026-10, Oct 2026, 2026-Q3"),
                       ("Acme Payroll 2026-12", "That period has not begun yet (it starts on 2026-12-01).")):
        slack.command(f"review pack {args}", channel=CHANNEL)
        assert said in text_of(sandbox.last_ephemeral("U0ALICE"))
    assert _packs(sandbox) == []


def test_the_scheduled_pack_uses_the_organisations_document_settings(harness_clean, sandbox, db, team, clock,
                                                                      monkeypatch, tmp_path):
    """The sweep hands the app's document settings to the pack's handler (no context variable to set around it):
    the organisation's provider name and its own pack template."""
    (tmp_path / "review_pack.md.j2").write_text("# Pack of {{ agreement }} by {{ provider }}\n", encoding="utf-8")
    monkeypatch.setattr(harness_clean.deps.settings, "provider_name", "Globex IT")
    monkeypatch.setattr(harness_clean.deps.settings, "templates_dir", tmp_path)
    world = build(db, team)
    due = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    _review_with_its_pack_reminder(db, team, world.agreement_id, due)
    clock.set(due)
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    [parent] = _packs(sandbox)
    stored = _thread_files(sandbox, parent, STEM)
    assert stored[f"{STEM}.md"]["content"].decode() == "# Pack of Acme Payroll by Globex IT\n"


def test_asked_for_in_the_review_channel_the_week_of_a_review_it_is_that_reviews_pack(
        harness_clean, slack, sandbox, db, team, clock):
    """In the review's channel, within a week of it and before its pack is out, the pack asked for is the review's
    own (with Close review, its thread the review's discussion); the day before brings no second one. Elsewhere, or
    for a period named, or further ahead, it is a pack to read, as before."""
    world = build(db, team)
    due = NOW + timedelta(days=3)
    review_id = _review_with_its_pack_reminder(db, team, world.agreement_id, due)  # the review: due + 1 day
    clock.set(NOW)
    slack.command("review pack Acme Payroll", channel="C0ACMESLA")  # not the review's channel
    slack.command("review pack Acme Payroll 2026-10", channel=CHANNEL)  # a period named
    assert [b["type"] for p in _packs(sandbox, CHANNEL) for b in p.blocks if b["type"] == "actions"] == []
    slack.command("review pack Acme Payroll", channel=CHANNEL)
    parent = _packs(sandbox)[-1]
    [close] = [e for b in parent.blocks if b["type"] == "actions" for e in b["elements"]]
    assert (close["action_id"], close["value"]) == (ActionId.REVIEW_CLOSE, str(review_id))
    told = text_of(sandbox.last_ephemeral("U0ALICE"))
    assert "It is the pack of the review of Sun 08 Nov 2026 09:00 GMT" in told, told
    assert "the document and the chart are in its thread" in told, told
    with db.session() as s:
        review = s.get(Review, review_id)
        assert (review.pack_key, review.thread_ts) == (f"review-pack:{review_id}", parent.ts)
    clock.set(due + timedelta(minutes=1))
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    assert len(_packs(sandbox)) == 2 and len(_packs(sandbox, "C0ACMESLA")) == 1  # the day before: nothing more


def test_a_review_more_than_a_week_ahead_gets_its_own_pack_the_day_before(slack, sandbox, db, team, clock):
    world = build(db, team)
    _review_with_its_pack_reminder(db, team, world.agreement_id, NOW + timedelta(days=7))
    clock.set(NOW)
    slack.command("review pack Acme Payroll", channel=CHANNEL)
    [parent] = _packs(sandbox)
    assert "Oct 2026" in text_of(parent) and not [b for b in parent.blocks if b["type"] == "actions"]
    assert "It is the pack of the review" not in text_of(sandbox.last_ephemeral("U0ALICE"))
