"""The confirmation of recorded requirements, shown beside comparable published targets."""
from __future__ import annotations

from bot import requirements, service_map
from bot.context import Actor
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
