"""A quoted message, step 2: what kind of requirement it is, and the target it names, if any.

Changing the kind redraws the form (dispatch_action on the select), so the
questions follow the answer.
"""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import requirements, service_map
from handlers import registry
from handlers.views.requirement_flow import Flow, fields_for, slack_unescape
from handlers.views.requirement_recorded import record_and_confirm
from handlers.views.values import ViewValues
from messages import render
from messages.ids import Action, Block, Callback
from models import Category, ContactRole, Source

FIELDS = fields_for("category", "statement", "target", "level", "period", "service_hours", "priority")


def quote_view(flow: Flow, service: str, customer: str, *, category: str | None, tz: str) -> dict:
    chosen = category or requirements.guess_category(flow.quote).value
    return render("req_quote.yml.j2", private_metadata=flow.dump(), service=service, customer=customer,
                  author=flow.said_by, role=flow.role, statement=flow.statement or slack_unescape(flow.quote), category=chosen, tz=tz,
                  categories=[(c.value, c.label) for c in Category])


@registry.view(Callback.REQ_QUOTE)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, flow = ViewValues(view), context["actor"], Flow.load(view)
    answers = values.answers("req_")

    def make():
        draft = requirements.quote_draft(answers.get("category"), answers.get("statement"), answers,
                                         default_tz=actor.tz)
        return requirements.Said(user_id=flow.said_by, role=ContactRole(flow.role), source=Source.MESSAGE,
                                 permalink=flow.permalink, quote=flow.quote), [draft]

    record_and_confirm(ack, view, client, context, flow, FIELDS, make)


@registry.action({"block_id": Block.REQ_CATEGORY, "action_id": Action.INPUT})
def category_changed(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    view, actor, deps = body["view"], context["actor"], context["deps"]
    flow = Flow.load(view)
    chosen = body["actions"][0]["selected_option"]["value"]
    with deps.db.session() as session:
        service = service_map.get_service(session, actor.team_id, flow.service_id)
        customer = service_map.get_party(session, actor.team_id, flow.customer_id)
    # The statement may have been edited: carry what is typed now into the redrawn form.
    flow.statement = ViewValues(view).text(Block.REQ_STATEMENT)
    client.views_update(view_id=view["id"], hash=view["hash"],
                        view=quote_view(flow, service.name, customer.name, category=chosen, tz=actor.tz))
