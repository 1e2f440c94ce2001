"""The "Record in the review" form: a decision, or a remedial action; confirmed in the review's thread."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import delivery, outbox
from bot.reviews import notes
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback
from models import Party

FIELDS = {"kind": Block.REVIEW_NOTE_KIND, "text": Block.REVIEW_NOTE_TEXT, "title": Block.REVIEW_NOTE_TEXT,
          "target": Block.BREACH_TARGET, "owner_party": Block.COV_OWNER_PARTY, "owner_user": Block.COV_OWNER_USER,
          "due": Block.COV_DUE}
KIND_WORDS = {"decision": "a decision", "action": "a remedial action"}


@registry.view(Callback.REVIEW_NOTE_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)
    review_id = int(meta.get("review_id") or 0)

    def work():
        with deps.db.session() as session:
            done = notes.record_note(session, actor, review_id, kind=values.option(Block.REVIEW_NOTE_KIND),
                                     message_ts=str(meta.get("message_ts") or ""),
                                     text=values.text(Block.REVIEW_NOTE_TEXT),
                                     owner_user_id=values.user(Block.COV_OWNER_USER),
                                     owner_party_id=values.option_id(Block.COV_OWNER_PARTY),
                                     due=values.date(Block.COV_DUE), target_id=values.option_id(Block.BREACH_TARGET))
            note, action = done.note, done.action
            if done.created:
                review = notes.get_review(session, actor.team_id, review_id)
                party = session.get(Party, action.owner_party_id) if action and action.owner_party_id else None
                said = render_message(
                    "review_note_recorded.yml.j2", kind=note.kind, by=actor.user_id, text=note.text,
                    target=notes.target_label(session, action.target_id) if action else None,
                    owner_party=party.name if party else None,
                    action={"number": action.number, "due": action.due.isoformat(),
                            "owner_user_id": action.owner_user_id} if action else None)
                outbox.enqueue(session, actor.team_id, notes.note_key(note), review.channel_id, "", {}, actor.at(),
                               thread_ts=review.thread_ts, message=said)
            return done.created, note.kind, action.number if action else None

    result = run_form(ack, FIELDS, work, view)
    if result is None:
        return
    ack()
    created, kind, number = result
    if not created:
        tell(client, actor, meta.get("channel_id"), render_message(
            "req_status.yml.j2", sentence=f"That message is already recorded as {KIND_WORDS[kind]}"
                                          f"{f' (action #{number})' if number else ''}; nothing was changed."))
        return
    context["done"] = f"Recorded {KIND_WORDS[kind]}" + (f" (action #{number})" if number else "")
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=notes.note_key_prefix(review_id))
