"""What a failed post holds up in its channel, and what it does not (bot/outbox.py HOLD_FAILURES, _holding).

A message post Slack failed (a 5xx: it may be there already) holds its channel until its next try, so what was
queued behind it does not overtake it, whether that goes out in the delivery round or at once from a listener
(`/slm relationship`). But only a message post, and only through its first two failures: a document upload that
keeps failing, or a post failing for the third time, no longer keeps the channel's alerts waiting.
"""
from __future__ import annotations

from sqlmodel import Session, select

from bot import outbox
from bot.delivery import deliver_pending
from models import Outbox, OutboxKind
from tests.conftest import START
from tests.reviews.pack_world import NOW, build

CHANNEL = "C0GENERAL"


def queue(db, team, key: str, sentence: str, now, **more) -> None:
    with db.session() as s:
        outbox.enqueue(s, team, key, CHANNEL, "req_status.yml.j2", {"sentence": sentence}, now, **more)


def posted(sandbox) -> list[str]:
    return [m.text for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False) if not m.files]


def status_of(db, team, key: str) -> str:
    with Session(db.engine) as s:
        return s.exec(select(Outbox.status).where(Outbox.team_id == team, Outbox.key == key)).one()


def test_a_command_posting_at_once_does_not_overtake_a_failed_post(slack, sandbox, db, team, clock, harness_clean):
    build(db, team)
    clock.set(NOW)
    queue(db, team, "alert", "Breach alert", NOW)
    sandbox.fail_next("chat.postMessage", 503)  # Slack may have taken it: the channel waits for its next try
    deliver_pending(harness_clean.deps, harness_clean.deps.client)
    slack.command("relationship customer Acme Payroll customer", channel=CHANNEL)
    assert posted(sandbox) == []  # the view is queued behind the alert, not sent ahead of it
    clock.advance(seconds=120)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # the chart follows the view
    shown = posted(sandbox)
    assert len(shown) == 2 and shown[0] == "Breach alert" and shown[1].startswith("Relationship")


def test_a_document_upload_slack_failed_holds_up_nothing(db, team, sandbox, harness_clean):
    queue(db, team, "doc", "", START, kind=OutboxKind.FILE,
          message={"content": "# Pack", "filename": "pack.md", "title": "Review pack"})
    queue(db, team, "alert", "Breach alert", START)
    sandbox.fail_next("files.completeUploadExternal", 503)  # the upload may be there: it is tried again later
    deliver_pending(harness_clean.deps, harness_clean.deps.client)
    assert status_of(db, team, "doc") == "pending"
    assert posted(sandbox) == ["Breach alert"]  # the alert did not wait out the upload's backoff


def test_a_post_failing_a_third_time_no_longer_holds_its_channel(db, team, sandbox, harness_clean):
    queue(db, team, "first", "First", START)
    queue(db, team, "alert", "Breach alert", START)
    sandbox.fail_next("chat.postMessage", 503, times=3)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # fails: held a minute
    harness_clean.clock.advance(seconds=61)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # fails again: held five more
    assert posted(sandbox) == []  # two failures: the channel keeps its order
    harness_clean.clock.advance(seconds=301)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)  # the third: the alert no longer waits for it
    assert posted(sandbox) == ["Breach alert"] and status_of(db, team, "first") == "pending"
    harness_clean.clock.advance(minutes=21)
    deliver_pending(harness_clean.deps, harness_clean.deps.client)
    assert posted(sandbox) == ["Breach alert", "First"]
