"""Issue 17: the comment form behind a satisfaction DM's "Add a comment": kept with the rating (never logged; the
audit trail keeps its hash), and the DM edited to say it is recorded."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import satisfaction
from handlers import registry
from handlers.actions.satisfaction_buttons import send_edits
from handlers.replies import read_metadata
from handlers.views.values import ViewValues, run_form
from messages.ids import Block, Callback

FIELDS = {"comment": Block.SAT_COMMENT}


@registry.view(Callback.SATISFACTION_COMMENT_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    ask_id = read_metadata(view).get("ask_id")

    def work():
        with deps.db.session() as session:
            return satisfaction.comment(session, actor, ask_id or "", values.text(Block.SAT_COMMENT))

    if run_form(ack, FIELDS, work, view) is None:
        return
    ack()
    send_edits(deps, client, actor.team_id, ask_id)
