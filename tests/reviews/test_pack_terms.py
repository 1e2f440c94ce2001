"""A review pack in a public channel (`/slm review pack`, a signed request, or the day before a review, with the
frozen clock and the sweep): its service credits and the monthly charge stay out unless the workspace chose `show`;
in a private channel or a DM they are there, for those who may see commercial terms."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.jobs import JOBS
from bot.sandbox.objects import BOT_USER
from bot.scheduler import run_all_once
from tests.helpers import text_of
from tests.reviews.pack_world import NOW, build
from tests.reviews.test_pack_posting import STEM, _packs, _review_with_its_pack_reminder, show_terms_in_public

CHANNEL = "C0GENERAL"
CREDIT, CHARGE = "£900.00", "£12,000"


def pack_and_document(sandbox, channel):
    [parent] = _packs(sandbox, channel)
    replies = sandbox.channel_messages(channel, thread_ts=parent.ts)
    document = next(f for m in replies for f in m.files if f["name"] == f"{STEM}.md")
    return text_of(parent), sandbox.files[document["id"]]["content"].decode()


def test_a_public_channel_gets_the_pack_without_credits(slack, sandbox, db, team, clock):
    build(db, team)
    clock.set(NOW)
    slack.command("review pack Acme Payroll 2026-10", channel=CHANNEL)
    message, document = pack_and_document(sandbox, CHANNEL)
    for shown in (message, document):
        assert CREDIT not in shown and CHARGE not in shown and "5% of the monthly charge" not in shown
        assert "not shown in this public channel (ask for the pack in a DM with me)" in shown
    assert "99.75%" in document  # what was achieved is still there


def test_show_or_a_private_channel_or_a_dm_gets_the_credits(slack, sandbox, db, team, clock):
    build(db, team)
    clock.set(NOW)
    sandbox.add_channel("finance", channel_id="C0FINANCE", private=True, members=["U0ALICE", BOT_USER])
    dm = sandbox.dm_channel("U0ALICE")["id"]
    slack.command("review pack Acme Payroll 2026-10", channel="C0FINANCE")
    slack.command("review pack Acme Payroll 2026-10", channel=dm)
    assert slack.command("settings commercial_terms_in_public show").ok
    slack.command("review pack Acme Payroll 2026-10", channel=CHANNEL)
    for channel in ("C0FINANCE", dm, CHANNEL):
        message, document = pack_and_document(sandbox, channel)
        assert CREDIT in message and CREDIT in document and CHARGE in document, channel


def test_a_plain_member_gets_no_credits_even_in_a_dm_or_a_private_channel(slack, sandbox, db, team, clock):
    build(db, team)
    clock.set(NOW)
    show_terms_in_public(db, team)  # not even with the workspace's say-so: Bob may not see the terms at all
    sandbox.add_channel("finance", channel_id="C0FINANCE", private=True, members=["U0BOB", BOT_USER])
    dm = sandbox.dm_channel("U0BOB")["id"]
    for channel in ("C0FINANCE", dm, CHANNEL):
        slack.command("review pack Acme Payroll 2026-10", channel=channel, user="U0BOB")
        message, document = pack_and_document(sandbox, channel)
        for shown in (message, document):
            assert CREDIT not in shown and CHARGE not in shown, channel
        assert "99.75%" in document


SWEEP_AND_SEND = [j for j in JOBS if j.id in ("reminders.sweep", "outbox.deliver")]


def test_the_day_before_pack_keeps_credits_out_of_a_public_review_channel(harness_clean, sandbox, db, team, clock):
    world = build(db, team)
    due = datetime(2026, 11, 4, 10, 0, tzinfo=timezone.utc)
    dm = sandbox.dm_channel("U0ALICE")["id"]
    _review_with_its_pack_reminder(db, team, world.agreement_id, due)  # in C0GENERAL, public; the setting is hide
    later = due.replace(minute=1)  # another review of the same SLA: a minute later
    _review_with_its_pack_reminder(db, team, world.agreement_id, later, channel=dm)  # a DM: known private by its id
    clock.set(later)
    run_all_once(harness_clean.deps, SWEEP_AND_SEND)
    message, document = pack_and_document(sandbox, CHANNEL)
    for shown in (message, document):
        assert CREDIT not in shown and CHARGE not in shown
        assert "not shown in this public channel (ask for the pack in a DM with me)" in shown
    message, document = pack_and_document(sandbox, dm)
    assert CREDIT in message and CREDIT in document and CHARGE in document
