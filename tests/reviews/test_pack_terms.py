"""A review pack asked for in a public channel (`/slm review pack`, a signed request): its service credits and the
monthly charge stay out unless the workspace chose `show`; in a private channel or a DM they are there."""
from __future__ import annotations

from bot.sandbox.objects import BOT_USER
from tests.helpers import text_of
from tests.reviews.pack_world import NOW, build
from tests.reviews.test_pack_posting import STEM, _packs

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
