"""The review's thread: a message recorded as a decision or turned into a remedial action, confirmed in the
thread, once; refused outside a review's thread, to people not in the review, and once the review is closed."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from messages.ids import Block, Callback
from models import Action, Review, ReviewNote
from tests.conftest import START
from tests.helpers import text_of
from tests.reviews.thread_world import ALICE, BOB, CAROL, DAVE, review_world  # noqa: F401  (a fixture)


def _notes(db) -> list[ReviewNote]:
    with db.session() as s:
        return list(s.exec(select(ReviewNote).order_by(ReviewNote.id)))


def _shortcut(slack, sandbox, team, message, user):
    outcome = slack.message_shortcut(Callback.SHORTCUT_REVIEW_NOTE, message, user=user)
    assert outcome.status == 200
    return sandbox.open_modal(team, user)


def test_a_thread_message_recorded_as_a_decision_is_confirmed_in_the_thread_once(slack, sandbox, db, team,
                                                                                 review_world):
    said = slack.post_as_user(review_world.channel, "We keep the *P1* target at 4h & review it in June <!here>",
                              user=CAROL, thread_ts=review_world.thread_ts)
    form = _shortcut(slack, sandbox, team, said, CAROL)
    assert form.callback_id == Callback.REVIEW_NOTE_FORM
    assert "Acme Payroll" in text_of(form) and "2026-03-02 10:00 GMT" in text_of(form)
    assert slack.submit(form, {Block.REVIEW_NOTE_KIND: "decision"}).ok

    [note] = _notes(db)
    assert (note.kind, note.review_id, note.message_ts, note.created_by) == ("decision", review_world.review_id,
                                                                             said.ts, CAROL)
    assert note.text == said.text  # prefilled with the message, kept as typed
    [confirmation] = [m for m in review_world.replies(sandbox) if m.user != CAROL]
    shown = text_of(confirmation)
    assert "recorded a decision of the review" in shown and "<@U0CAROL>" in shown
    assert "<!here>" not in shown  # what was typed shows, but pings nobody

    # Recorded again (the form opened twice, by her or by someone else): the form says what it already is, and
    # submitting it makes no second note and no second confirmation, and says so.
    again = _shortcut(slack, sandbox, team, said, ALICE)
    assert "already recorded as a decision" in text_of(again)
    assert slack.submit(again, {Block.REVIEW_NOTE_KIND: "decision"}).ok
    assert len(_notes(db)) == 1
    assert len([m for m in review_world.replies(sandbox) if m.user != CAROL]) == 1
    assert "already recorded as a decision" in text_of(sandbox.last_ephemeral(ALICE))


def test_a_thread_message_turned_into_a_remedial_action(slack, sandbox, db, team, review_world):
    said = slack.post_as_user(review_world.channel, "Network to add a second link before the summer peak",
                              user=BOB, thread_ts=review_world.thread_ts)
    form = _shortcut(slack, sandbox, team, said, ALICE)
    due = (START + timedelta(days=30)).date()

    refused = slack.submit(form, {Block.REVIEW_NOTE_KIND: "action", Block.BREACH_TARGET: str(review_world.availability)})
    assert Block.COV_OWNER_USER in refused.errors or Block.COV_OWNER_PARTY in refused.errors  # whose is it?
    assert not _notes(db)

    assert slack.submit(form, {Block.REVIEW_NOTE_KIND: "action", Block.BREACH_TARGET: str(review_world.availability),
                               Block.COV_OWNER_PARTY: str(review_world.network_id), Block.COV_OWNER_USER: BOB,
                               Block.COV_DUE: due.isoformat()}).ok
    [note] = _notes(db)
    with db.session() as s:
        action = s.get(Action, note.action_id)
    assert note.kind == "action"
    assert (action.kind, action.title, action.owner_user_id, action.owner_party_id, action.due, action.target_id,
            action.agreement_id) == ("remedial", said.text, BOB, review_world.network_id, due,
                                     review_world.availability, review_world.sla_id)
    [confirmation] = [m for m in review_world.replies(sandbox) if m.user not in (BOB,)]
    shown = text_of(confirmation)
    assert f"remedial action *#{action.number}*" in shown and "Availability 99.9%" in shown
    assert "<@U0BOB>" in shown and "Network group" in shown and due.isoformat() in shown

    # as an action again (the form opened again), nothing new
    form = _shortcut(slack, sandbox, team, said, ALICE)
    assert slack.submit(form, {Block.REVIEW_NOTE_KIND: "action", Block.BREACH_TARGET: str(review_world.availability),
                               Block.COV_OWNER_USER: BOB, Block.COV_DUE: due.isoformat()}).ok
    with db.session() as s:
        assert len(s.exec(select(Action)).all()) == 1
    assert f"already recorded as a remedial action (action #{action.number})" in text_of(sandbox.last_ephemeral(ALICE))


def test_the_pack_itself_can_be_recorded(slack, sandbox, team, db, review_world):
    form = _shortcut(slack, sandbox, team, review_world.pack(sandbox), ALICE)
    assert form is not None and form.callback_id == Callback.REVIEW_NOTE_FORM


def test_outside_a_review_thread_it_says_where_it_works(slack, sandbox, team, db, review_world):
    elsewhere = slack.post_as_user(sandbox.channel_by_name("general")["id"], "Let's decide this", user=CAROL)
    assert _shortcut(slack, sandbox, team, elsewhere, ALICE) is None
    assert "works on the messages of a review's thread" in text_of(sandbox.last_ephemeral(ALICE))
    # a reply in another thread of the review channel is not the review's either
    other = slack.post_as_user(review_world.channel, "an unrelated thread", user=CAROL)
    reply = slack.post_as_user(review_world.channel, "in it", user=CAROL, thread_ts=other.ts)
    assert _shortcut(slack, sandbox, team, reply, ALICE) is None
    assert not _notes(db)


def test_only_the_reviews_people_record_in_it(slack, sandbox, team, db, review_world):
    said = slack.post_as_user(review_world.channel, "A decision", user=CAROL, thread_ts=review_world.thread_ts)
    assert _shortcut(slack, sandbox, team, said, DAVE) is None  # a supplier's contact, not in this review
    assert "Only the review's attendees and the service managers" in text_of(sandbox.last_ephemeral(DAVE))
    # a contact of an attending support party may
    assert _shortcut(slack, sandbox, team, said, BOB).callback_id == Callback.REVIEW_NOTE_FORM


def test_a_closed_review_refuses_new_notes(slack, sandbox, team, db, review_world):
    said = slack.post_as_user(review_world.channel, "Late thought", user=CAROL, thread_ts=review_world.thread_ts)
    form = _shortcut(slack, sandbox, team, said, CAROL)  # opened before the review was closed...
    with db.session() as s:
        review = s.get(Review, review_world.review_id)
        review.status, review.closed_by, review.closed_at = "closed", ALICE, START
    refused = slack.submit(form, {Block.REVIEW_NOTE_KIND: "decision"})  # ...and submitted after
    assert "This review was closed" in " ".join(refused.errors.values())
    sandbox.close_modals(team, CAROL)
    assert _shortcut(slack, sandbox, team, said, CAROL) is None
    assert "This review was closed by <@U0ALICE> on 2026-03-02" in text_of(sandbox.last_ephemeral(CAROL))
    assert not _notes(db)
