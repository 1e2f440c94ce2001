""""Close review": the form (attendance, what was recorded), and on submit the minutes in the review's thread.

What the close says goes through the outbox, in this order: the summary as the thread's last reply, the minutes
document as a file following it, and the pack message edited to say who closed it (without its button)."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import delivery, outbox
from bot.reviews import closing, notes
from handlers import registry
from handlers.replies import metadata, read_metadata
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Action, Block, Callback
from models import OutboxKind

FIELDS = {"attended": Block.REVIEW_ATTENDED}
MESSAGE_BLOCKS = 50  # Slack's most for a message


def open_form(client: WebClient, trigger_id: str, deps, actor, review_id: int, channel_id: str | None) -> None:
    with deps.db.session() as session:  # read, and closed before Slack is called
        shown = closing.form(session, actor, review_id)
    client.views_open(trigger_id=trigger_id, view=render(
        "review_close_form.yml.j2", **shown, private_metadata=metadata(review_id=review_id, channel_id=channel_id)))


def _has_close_button(element: dict) -> bool:
    return element.get("action_id") == Action.REVIEW_CLOSE


def closed_pack(pack: dict, closed_line: dict) -> dict:
    """The pack message as it was, without its "Close review" button, and the closing line under it."""
    blocks = []
    for block in pack.get("blocks") or []:
        block = dict(block)
        if block.get("type") == "actions":
            block["elements"] = [e for e in block.get("elements", []) if not _has_close_button(e)]
            if not block["elements"]:
                continue
        if _has_close_button(block.get("accessory") or {}):
            block.pop("accessory")
        blocks.append(block)
    extra = closed_line["blocks"]
    return {"text": pack.get("text") or closed_line["text"], "blocks": blocks[:MESSAGE_BLOCKS - len(extra)] + extra}


def _pack_message(session, team_id: str, pack_key: str | None) -> dict | None:
    row = outbox.get(session, team_id, pack_key) if pack_key else None
    if row is None or row.kind != OutboxKind.MESSAGE.value:  # no pack posted through the outbox: nothing to edit
        return None
    return row.message if row.message is not None else render_message(row.template, **row.context)


@registry.view(Callback.REVIEW_CLOSE_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)
    review_id = int(meta.get("review_id") or 0)

    def work():
        with deps.db.session() as session:
            done = closing.close_review(session, actor, review_id, values.users(Block.REVIEW_ATTENDED),
                                        templates_dir=deps.docs.templates_dir)
            review, now, prefix = done.review, actor.at(), notes.note_key_prefix(review_id)
            summary_key = f"{prefix}minutes"
            outbox.enqueue(session, actor.team_id, summary_key, review.channel_id, "", {}, now,
                           thread_ts=review.thread_ts,
                           message=render_message("review_minutes_posted.yml.j2", agreement=done.agreement_name,
                                                  when=done.when,
                                                  closed_by=actor.user_id, attended=done.attended,
                                                  decisions=done.decisions, actions=done.actions))
            outbox.enqueue(session, actor.team_id, f"{prefix}minutes-file", review.channel_id, "", {}, now,
                           thread_ts=review.thread_ts, kind=OutboxKind.FILE, parent_key=summary_key,
                           message={"content": done.minutes, "filename": done.filename, "title": done.title})
            pack = _pack_message(session, actor.team_id, review.pack_key)
            if pack is not None:
                line = render_message("review_pack_closed.yml.j2", closed_by=actor.user_id, closed_on=done.closed_on)
                outbox.enqueue(session, actor.team_id, f"{prefix}pack-closed", review.channel_id, "", {}, now,
                               kind=OutboxKind.UPDATE, parent_key=review.pack_key, message=closed_pack(pack, line))
            return done.agreement_name, done.warning

    result = run_form(ack, FIELDS, work, view)
    if result is None:
        return
    ack()
    name, warning = result
    context["done"] = f"The {name} review is closed"
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=notes.note_key_prefix(review_id))
    if warning:  # the minutes went out from the built-in template: the person who closed it hears why
        client.chat_postMessage(channel=actor.user_id, **render_message("req_status.yml.j2", sentence=warning))

