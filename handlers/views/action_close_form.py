"""Done… / Cancel… on a listed action: the closing note, then the move (a note is required to cancel)."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import actions
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback
from models import ActionStatus

FIELDS = {"note": Block.ACTION_NOTE}
WORDS = {ActionStatus.DONE.value: "done", ActionStatus.CANCELLED.value: "cancelled"}


@registry.view(Callback.ACTION_CLOSE_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)
    to = ActionStatus(meta.get("to") if meta.get("to") in WORDS else ActionStatus.DONE.value)

    def work():
        with deps.db.session() as session:
            moved = actions.move(session, actor, int(meta.get("number") or 0), to, values.text(Block.ACTION_NOTE))
            return moved.changed, moved.action.number, moved.action.title

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    changed, number, title = done
    context["done"] = f"Action #{number} is {WORDS[to.value]}"
    sentence = (f"Action #{number} is {WORDS[to.value]}:" if changed
                else f"Action #{number} was {WORDS[to.value]} already; nothing was changed:")
    tell(client, actor, meta.get("channel_id"), render_message("req_status.yml.j2", sentence=sentence, detail=title))
