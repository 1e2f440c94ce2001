"""The answer to a complaint, or its outcome (issue 17): *Answer…* / *Close…* beside a listed complaint."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import complaints
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback


def _submit(ack: Ack, view: dict, client: WebClient, context: BoltContext, to: str) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)
    number = int(meta.get("number") or 0)
    block = Block.COMPLAINT_ANSWER if to == "answer" else Block.COMPLAINT_OUTCOME

    def work():
        with deps.db.session() as session:
            move = complaints.answer if to == "answer" else complaints.close
            row = move(session, actor, number, values.text(block))
            return row.number, bool(row.answered_at and row.answered_at > row.due_at)

    done = run_form(ack, {"answer": Block.COMPLAINT_ANSWER, "outcome": Block.COMPLAINT_OUTCOME}, work, view)
    if done is None:
        return
    ack()
    number, late = done
    said = "answered" + (", late" if late and to == "answer" else "") if to == "answer" else "closed"
    context["done"] = f"Complaint #{number} is {said}"
    tell(client, actor, meta.get("channel_id"),
         render_message("req_status.yml.j2", sentence=f"Complaint #{number} is {said}."))


@registry.view(Callback.COMPLAINT_ANSWER_FORM)
def submit_answer(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    _submit(ack, view, client, context, "answer")


@registry.view(Callback.COMPLAINT_CLOSE_FORM)
def submit_close(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    _submit(ack, view, client, context, "close")
