"""The confirmation of recorded requirements, shown beside comparable published targets."""
from __future__ import annotations

from bot import requirements, service_map
from bot.workspace.actor import Actor
from handlers.replies import tell
from handlers.views.values import run_form
from messages import render_message
from models import Requirement


def recorded_message(session, deps, actor: Actor, stored: list[Requirement]) -> dict:
    first = stored[0]
    service = service_map.get_service(session, actor.team_id, first.service_id)
    customer = service_map.get_party(session, actor.team_id, first.customer_id)
    comparisons = {r.number: c for r in stored if (c := requirements.compare(deps.benchmarks, r))}
    return render_message("req_recorded.yml.j2", requirements=stored, service=service, customer=customer,
                          said_by=first.said_by, role=first.said_role, comparisons=comparisons,
                          ask_requester=first.said_by != actor.user_id,
                          numbers=",".join(str(r.number) for r in stored))


def record_and_confirm(ack, view: dict, client, context, flow, fields, make) -> None:
    """The last step of either form: `make()` reads the answers into (said, drafts); all of them are stored,
    or none (the errors go on their fields); then every view closes and the recorder sees what was kept."""
    deps, actor = context["deps"], context["actor"]

    def work():
        said, drafts = make()
        with deps.db.session() as session:
            stored = requirements.record(session, actor, flow.service_id, flow.customer_id, said, drafts)
            return [r.number for r in stored], recorded_message(session, deps, actor, stored)

    done = run_form(ack, fields, work, view)
    if done is None:
        return
    numbers, message = done
    ack(response_action="clear")
    context["done"] = (f"Requirement #{numbers[0]} is recorded" if len(numbers) == 1 else
                       "Requirements " + ", ".join(f"#{n}" for n in numbers) + " are recorded")
    tell(client, actor, flow.channel_id, message)
