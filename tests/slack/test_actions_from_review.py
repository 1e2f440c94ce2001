"""An action from a review thread's message records where it came from (the review note) and its confirmation in
the thread points at its entry in `/slm actions`."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from messages.ids import Block, Callback
from models import Action, Agreement, ReviewNote
from tests.conftest import START
from tests.helpers import text_of
from tests.reviews.thread_world import ALICE, BOB, review_world  # noqa: F401  (a fixture)


def test_a_review_threads_action_has_origin_review_and_its_confirmation_links_to_its_entry(slack, sandbox, db, team,
                                                                                           review_world):
    with db.session() as s:  # the SLA's own message in Slack: where the bot learns the workspace's address
        s.get(Agreement, review_world.sla_id).permalink = "https://acme-it.slack.com/archives/C0ACME/p1772442000000100"
    said = slack.post_as_user(review_world.channel, "Network to add a second link before the summer peak",
                              user=BOB, thread_ts=review_world.thread_ts)
    assert slack.message_shortcut(Callback.SHORTCUT_REVIEW_NOTE, said, user=ALICE).status == 200
    form = sandbox.open_modal(team, ALICE)
    assert slack.submit(form, {Block.REVIEW_NOTE_KIND: "action", Block.BREACH_TARGET: str(review_world.availability),
                               Block.COV_OWNER_USER: BOB,
                               Block.COV_DUE: (START + timedelta(days=30)).date().isoformat()}).ok
    with db.session() as s:
        note = s.exec(select(ReviewNote)).one()
        action = s.get(Action, note.action_id)
        assert (action.origin, action.origin_id) == ("review", note.id)
        assert action.origin_link == (f"https://acme-it.slack.com/archives/{review_world.channel}/"
                                      f"p{said.ts.replace('.', '')}")  # the thread's message itself
    [confirmation] = [m for m in review_world.replies(sandbox) if m.user != BOB]
    assert f"(`/slm actions #{action.number}`)" in text_of(confirmation)
    slack.command(f"actions #{action.number}", user=BOB)
    assert f"_remedial_ <{action.origin_link}|from a service review> · to improve T2 (" in text_of(
        sandbox.last_ephemeral(BOB))
