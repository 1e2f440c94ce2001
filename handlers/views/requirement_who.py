"""Step 1 of recording a requirement: which service, which customer, and in which role the requester speaks."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot import requirements
from handlers import registry
from handlers.views.requirement_flow import Flow, fields_for
from handlers.views.values import ViewValues, run_form
from messages import render
from messages.ids import Block, Callback

FIELDS = fields_for("service", "customer", "role")



@registry.view(Callback.REQ_WHO)
def submit(ack: Ack, view: dict, context: BoltContext) -> None:
    values, actor, deps, flow = ViewValues(view), context["actor"], context["deps"], Flow.load(view)

    def work():
        with deps.db.session() as session:
            service, customer = requirements.check_subject(session, actor.team_id, values.option_id(Block.REQ_SERVICE),
                                                           values.option_id(Block.REQ_CUSTOMER))
            role = requirements.resolve_role(session, actor.team_id, flow.said_by, customer.id,
                                             values.option(Block.REQ_ROLE))
            return service, customer, role

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    service, customer, role = done
    flow.service_id, flow.customer_id, flow.role = service.id, customer.id, role.value
    if flow.kind == "quote":
        from handlers.views.requirement_quote import quote_view

        next_view = quote_view(flow, service.name, customer.name, category=None, tz=actor.tz)
    else:
        next_view = render("req_topics.yml.j2", private_metadata=flow.dump(), service=service.name,
                           customer=customer.name, role=role.value, topics=requirements.topics_for(role))
    ack(response_action="push", view=next_view)
