""""Record in the review" on a message of a review's thread: opens the form to record it as a decision or turn it
into a remedial action. Anywhere else it says where it works."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.errors import DomainError
from bot.reviews import closing, notes
from handlers import registry
from handlers.presenters.choices import owner_choices
from handlers.replies import metadata
from messages import render
from messages.ids import Callback

TEXT_LIMIT = 3000  # the form's text field holds this much


def prefill(text: str) -> str:
    text = (text or "").strip()
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1].rstrip() + "…"


@registry.shortcut(Callback.SHORTCUT_REVIEW_NOTE)
def record_in_review(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id")
    message_ts = body.get("message_ts") or message.get("ts")
    with deps.db.session() as session:  # read, and closed before Slack is called
        review = notes.review_of_message(session, actor.team_id, channel, message_ts, message.get("thread_ts"))
        if review is None:
            raise DomainError(notes.NOT_A_REVIEW_THREAD)
        notes.require_may_record(session, actor, review)
        notes.require_open(review)
        shown = closing.form_heading(session, review)
        targets = notes.improvable_targets(session, review)
        parties = owner_choices(session, actor.team_id)
        already = [n.kind for n in notes.existing(session, review, message_ts)]
        review_id = review.id
    client.views_open(trigger_id=body["trigger_id"], view=render(
        "review_note_form.yml.j2", sla=shown["agreement"], when=shown["when"], text=prefill(message.get("text") or ""),
        targets=targets[:100], target_id=targets[0][0] if targets else None, parties=parties,
        due=actor.today().isoformat(), already=[{"decision": "a decision", "action": "an action"}[k] for k in already
                                                if k in ("decision", "action")],
        private_metadata=metadata(review_id=review_id, message_ts=message_ts, channel_id=channel)))
