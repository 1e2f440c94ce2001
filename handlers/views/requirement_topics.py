"""Interview step 2: which topics the person wants to talk about; the questions follow."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot import requirements, service_map
from handlers import registry
from handlers.views.requirement_flow import Flow, fields_for
from handlers.views.values import ViewValues, run_form
from messages import render
from messages.ids import Block, Callback


@registry.view(Callback.REQ_TOPICS)
def submit(ack: Ack, view: dict, context: BoltContext) -> None:
    values, actor, deps, flow = ViewValues(view), context["actor"], context["deps"], Flow.load(view)

    def work():
        keys = requirements.topic_keys(flow.role, values.options(Block.REQ_TOPICS))
        with deps.db.session() as session:
            service = service_map.get_service(session, actor.team_id, flow.service_id)
            customer = service_map.get_party(session, actor.team_id, flow.customer_id)
        return keys, service, customer

    done = run_form(ack, fields_for("topics"), work, view)
    if done is None:
        return
    flow.topics, service, customer = done
    ack(response_action="push", view=render("req_details.yml.j2", private_metadata=flow.dump(), service=service.name,
                                            customer=customer.name, topics=flow.topics, tz=actor.tz))
