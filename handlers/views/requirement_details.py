"""Interview step 3: the questions for the chosen topics. Recording happens here, all or nothing."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import requirements
from handlers.replies import tell
from handlers.views.requirement_flow import Flow, fields_for
from handlers.views.requirement_recorded import recorded_message
from handlers.views.values import ViewValues, run_form
from messages.ids import Callback
from models import ContactRole

FIELDS = fields_for(*[f for fields in requirements.TOPIC_FIELDS.values() for f in fields], "priority")


def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps, flow = ViewValues(view), context["actor"], context["deps"], Flow.load(view)
    answers = values.answers("req_")

    def work():
        drafts = requirements.interview_drafts(flow.role, flow.topics, answers, default_tz=actor.tz)
        said = requirements.Said(user_id=flow.said_by, role=ContactRole(flow.role))
        with deps.db.session() as session:
            stored = requirements.record(session, actor, flow.service_id, flow.customer_id, said, drafts)
            return recorded_message(session, deps, actor, stored)

    message = run_form(ack, FIELDS, work, view)
    if message is None:
        return
    ack(response_action="clear")
    tell(client, actor, flow.channel_id, message)


def register(app) -> None:
    app.view(Callback.REQ_DETAILS)(submit)
