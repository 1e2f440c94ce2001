"""A thread message turned into an action at the same moment by two people (issue 15 review): the one who loses
the race has their action removed, and the audit trail says so rather than keeping an action.add for an action
that never existed."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, insert
from sqlmodel import Session, select

from messages.ids import Block, Callback
from models import Action, AuditEvent, ReviewNote
from tests.conftest import START
from tests.reviews.thread_world import ALICE, BOB, CAROL, review_world  # noqa: F401  (a fixture)


def test_the_loser_of_a_race_leaves_its_action_removed_in_the_trail(slack, sandbox, db, team, review_world):
    said = slack.post_as_user(review_world.channel, "Network to add a second link", user=BOB,
                              thread_ts=review_world.thread_ts)
    assert slack.message_shortcut(Callback.SHORTCUT_REVIEW_NOTE, said, user=ALICE).status == 200
    form = sandbox.open_modal(team, ALICE)
    slipped: list[int] = []

    def someone_else_first(state):
        """Right after this submission looked for a note on the message (none yet), Carol's lands."""
        entities = {d.get("entity") for d in state.statement.column_descriptions} if state.is_select else set()
        if slipped or ReviewNote not in entities:
            return None
        result = state.invoke_statement()
        state.session.connection().execute(insert(ReviewNote).values(
            team_id=team, agreement_id=review_world.sla_id, review_id=review_world.review_id, kind="action",
            text=said.text, message_ts=said.ts, created_at=START, created_by=CAROL))
        slipped.append(1)
        return result

    event.listen(Session, "do_orm_execute", someone_else_first)
    try:
        assert slack.submit(form, {Block.REVIEW_NOTE_KIND: "action",
                                   Block.BREACH_TARGET: str(review_world.availability),
                                   Block.COV_OWNER_USER: BOB,
                                   Block.COV_DUE: (START + timedelta(days=30)).date().isoformat()}).ok
    finally:
        event.remove(Session, "do_orm_execute", someone_else_first)
    assert slipped
    with db.read_session() as s:
        assert s.exec(select(Action)).all() == []
        trail = [(e.action, e.entity, e.entity_id) for e in s.exec(select(AuditEvent).order_by(AuditEvent.seq))
                 if e.entity == "action"]
    assert len(trail) == 2 and [a for a, _, _ in trail] == ["action.add", "action.remove"]
    assert trail[0][2] == trail[1][2]
