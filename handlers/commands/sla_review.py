"""`/slm review sla <SLA>`: when the SLA's annual review is due, or what it came to, with the outcome buttons."""
from __future__ import annotations

from bot import agreements, service_map
from bot.reviews import sla_review
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from messages import render_message
from models import AgreementKind


@registry.command("review sla", "/slm review sla <SLA>",
                  "The SLA's annual review: when it is due, and record it (continue, renegotiate or retire)")
def show(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        agreement = agreements.by_name(session, req.actor.team_id, one_name(req.args), AgreementKind.SLA)
        sla_review.may_record(session, req.actor, agreement)  # service managers and the customer's approvers
        current = sla_review.open_review(session, agreement.id)
        last = sla_review.last_recorded(session, agreement.id)
        line = sla_review.status_line(session, agreement) or "No annual review is planned: it is not agreed, or not in force"
        recorded = last and dict(user=last.recorded_by, on=last.recorded_at.date().isoformat(), note=last.note)
        customer = service_map.get_party(session, agreement.team_id, agreement.counterparty_id).name
    req.respond(**render_message("sla_review_status.yml.j2", name=agreement.name, customer=customer, line=line,
                                 recorded=recorded, review_id=current.id if current else None))
