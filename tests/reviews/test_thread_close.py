"""Closing a review: attendance confirmed, the minutes as the thread's last reply (a summary, then the document),
the pack saying who closed it; once, and only by a service manager."""
from __future__ import annotations

import copy

from sqlmodel import select

from messages.ids import Action, Block, Callback
from models import Outbox, Review, ReviewRsvp
from tests.conftest import START
from tests.helpers import text_of
from tests.reviews.thread_world import ALICE, BOB, CAROL, SLA, review_world  # noqa: F401  (a fixture)


def _record(slack, sandbox, team, world, text, user, values):
    said = slack.post_as_user(world.channel, text, user=user, thread_ts=world.thread_ts)
    slack.message_shortcut(Callback.SHORTCUT_REVIEW_NOTE, said, user=user)  # each records their own
    assert slack.submit(sandbox.open_modal(team, user), values).ok


def _close_button(pack):
    return [e for b in pack.blocks if b.get("type") == "actions" for e in b["elements"]
            if e.get("action_id") == Action.REVIEW_CLOSE]


def test_closing_posts_the_minutes_as_the_last_reply_and_records_attendance(slack, sandbox, db, team, review_world):
    _record(slack, sandbox, team, review_world, "Keep the *P1* target | as it is", CAROL,
            {Block.REVIEW_NOTE_KIND: "decision"})
    _record(slack, sandbox, team, review_world, "Add a second link", BOB,
            {Block.REVIEW_NOTE_KIND: "action", Block.BREACH_TARGET: str(review_world.availability),
             Block.COV_OWNER_USER: BOB, Block.COV_DUE: "2026-04-01"})
    with db.session() as s:  # Bob said he'd come: he is who the form expects, not the arrangement's list
        s.add(ReviewRsvp(team_id=team, review_id=review_world.review_id, user_id=BOB, answer="attend",
                         answered_at=START))

    assert slack.click(Action.REVIEW_CLOSE, message=review_world.pack(sandbox), user=ALICE).status == 200
    form = sandbox.open_modal(team, ALICE)
    assert form.callback_id == Callback.REVIEW_CLOSE_FORM
    [attendance] = [b for b in form.view["blocks"] if b.get("block_id") == Block.REVIEW_ATTENDED]
    assert attendance["element"]["initial_users"] == [BOB]
    shown = text_of(form)
    assert "Keep the" in shown and "#1 Add a second link" in shown

    assert slack.submit(form, {Block.REVIEW_ATTENDED: [BOB, CAROL]}).ok
    with db.session() as s:
        review = s.get(Review, review_world.review_id)
    assert (review.status, review.closed_by, review.attended) == ("closed", ALICE, [BOB, CAROL])

    replies = review_world.replies(sandbox)
    summary, document = replies[-2], replies[-1]  # the thread's last replies: the summary, then the minutes
    assert "Review closed" in text_of(summary) and "<@U0BOB>, <@U0CAROL>" in text_of(summary)
    assert "1 decision and 1 action" in text_of(summary)
    assert document.files[0]["name"] == "acme-payroll-review-2026-03-02-minutes.md"
    minutes = sandbox.files[document.files[0]["id"]]["content"].decode()
    assert minutes == review.minutes
    assert minutes.startswith(f"# Service review minutes: {SLA}\n")
    assert "Keep the \\*P1\\* target \\| as it is" in minutes  # what people typed stays text, not Markdown
    assert "| 1 | Add a second link | Bob Ops | 2026-04-01 | T2 Availability 99.9% |" in minutes
    assert "- Bob Ops\n- Carol Customer\n" in minutes

    pack = review_world.pack(sandbox)
    assert not _close_button(pack)
    assert "Closed by <@U0ALICE> on 2026-03-02" in text_of(pack) and "Review pack: Acme Payroll" in text_of(pack)


def test_closed_twice_is_closed_once(slack, sandbox, db, team, review_world):
    old_pack = copy.deepcopy(review_world.pack(sandbox))  # as someone still sees it, button and all
    slack.click(Action.REVIEW_CLOSE, message=review_world.pack(sandbox), user=ALICE)
    first = sandbox.open_modal(team, ALICE)
    slack.command(f"review close {SLA}", user=ALICE, channel=review_world.channel)  # the same, from the command
    second = sandbox.open_modal(team, ALICE)
    assert second.id != first.id and second.callback_id == Callback.REVIEW_CLOSE_FORM
    assert [b["element"]["initial_users"] for b in second.view["blocks"]
            if b.get("block_id") == Block.REVIEW_ATTENDED] == [[CAROL]]  # nobody answered: the arrangement's list

    assert slack.submit(first, {}).ok
    refused = slack.submit(second, {})
    assert "already closed" in " ".join(refused.errors.values())
    with db.session() as s:
        assert s.get(Review, review_world.review_id).attended == [CAROL]
        keys = [r.key for r in s.exec(select(Outbox).where(Outbox.key.startswith("review-thread:")))]
    assert sorted(keys) == sorted(f"review-thread:{review_world.review_id}:{k}"
                                  for k in ("minutes", "minutes-file", "pack-closed"))
    assert len([m for m in review_world.replies(sandbox) if m.files]) == 1

    # and the button, pressed once more on a copy drawn before the close, says so before any form
    sandbox.close_modals(team, ALICE)
    slack.click(Action.REVIEW_CLOSE, message=old_pack, user=ALICE)
    assert sandbox.open_modal(team, ALICE) is None
    assert "already closed" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"review close {SLA}", user=ALICE, channel=review_world.channel)  # nothing left open to close
    assert sandbox.open_modal(team, ALICE) is None
    assert "Acme Payroll has no open review to close" in text_of(sandbox.last_ephemeral(ALICE))


def test_only_a_service_manager_closes_a_review(slack, sandbox, db, team, review_world):
    slack.click(Action.REVIEW_CLOSE, message=review_world.pack(sandbox), user=CAROL)
    assert sandbox.open_modal(team, CAROL) is None
    assert "Only a service manager can" in text_of(sandbox.last_ephemeral(CAROL))
    slack.command(f"review close {SLA}", user=CAROL, channel=review_world.channel)
    assert sandbox.open_modal(team, CAROL) is None
    with db.session() as s:
        assert s.get(Review, review_world.review_id).status == "scheduled"


def test_close_by_command_names_the_sla(slack, sandbox, team, review_world):
    slack.command("review close Nothing Like It", user=ALICE, channel=review_world.channel)
    assert sandbox.open_modal(team, ALICE) is None
    assert "There is no SLA called “Nothing Like It”" in text_of(sandbox.last_ephemeral(ALICE))
