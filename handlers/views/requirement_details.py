"""Interview step 3: the questions for the chosen topics. Recording happens here, all or nothing."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import requirements
from handlers import registry
from handlers.views.requirement_flow import Flow, fields_for
from handlers.views.requirement_recorded import record_and_confirm
from handlers.views.values import ViewValues
from messages.ids import Callback
from models import ContactRole

FIELDS = fields_for(*[f for fields in requirements.TOPIC_FIELDS.values() for f in fields], "priority")


@registry.view(Callback.REQ_DETAILS)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, flow = ViewValues(view), context["actor"], Flow.load(view)
    answers = values.answers("req_")

    def make():
        drafts = requirements.interview_drafts(flow.role, flow.topics, answers, default_tz=actor.tz)
        return requirements.Said(user_id=flow.said_by, role=ContactRole(flow.role)), drafts

    record_and_confirm(ack, view, client, context, flow, FIELDS, make)
