"""`/slm review close <SLA>` (when the pack's button is gone), `/slm review risk <SLA> <risk>` and
`/slm review risks <SLA>`: the known risks a service manager keeps for the next review's pack."""
from __future__ import annotations

from sqlmodel import Session

from bot import agreements
from bot.errors import InvalidInput
from bot.reviews import closing, notes
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can, require
from handlers import registry
from handlers.commands.arguments import one_name, two_names
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from handlers.views import review_close_form
from messages import render_message
from models import Agreement, AgreementKind

RISK_USAGE = "/slm review risk <SLA> <what could go wrong>"


RISKS_A_PAGE = 40  # a section each, with its Close button


def risks_message(session: Session, actor: Actor, agreement: Agreement, offset: int = 0) -> dict:
    page = notes.open_risks_page(session, actor.team_id, agreement.id, offset, RISKS_A_PAGE)
    risks = [{"id": r.id, "text": r.text, "on": r.created_at.date().isoformat()} for r in page.rows]
    return render_message("review_risks.yml.j2", agreement=agreement.name, risks=risks,
                          can_close=can(actor, Capability.ARRANGE_REVIEWS),
                          pager=pager(None, page, "open risks", command=f"review risks {agreement.name}"))


@registry.command("review close", "/slm review close <SLA>",
                  "Close the SLA's open review: attendance, then the minutes in its thread")
def close(req: SlashRequest) -> None:
    require(req.actor, Capability.ARRANGE_REVIEWS)
    with req.deps.db.session() as session:
        agreement = notes.sla(session, req.actor.team_id, one_name(req.args))
        review_id = closing.open_review(session, req.actor.team_id, agreement, req.actor.at()).id
    review_close_form.open_form(req.client, req.trigger_id, req.deps, req.actor, review_id, req.channel_id)


@registry.command("review risk", RISK_USAGE, "Enter a known risk for the SLA's next review pack")
def risk(req: SlashRequest) -> None:
    require(req.actor, Capability.ARRANGE_REVIEWS)
    with req.deps.db.session() as session:
        def is_sla(name: str) -> bool:
            return agreements.is_named(session, req.actor.team_id, name, AgreementKind.SLA)

        if is_sla(one_name(req.args)):  # the SLA and nothing more
            raise InvalidInput({"text": f"Say what the risk is, after the SLA's name: {RISK_USAGE}."})
        name, text = two_names(req.args, is_sla, RISK_USAGE, "SLA")
        agreement = notes.sla(session, req.actor.team_id, name)
        note = notes.add_risk(session, req.actor, agreement, text)
        shown = (agreement.name, note.text)
    req.respond(**render_message("req_status.yml.j2", subject=shown[0],
                                 sentence="Known risk entered for the next review's pack (listed by "
                                          "`/slm review risks`):", detail=shown[1]))


@registry.command("review risks", "/slm review risks <SLA>", "The open known risks for the SLA's next review",
                  pages=True)
def risks(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        agreement = notes.sla(session, req.actor.team_id, one_name(req.args))
        shown = risks_message(session, req.actor, agreement, req.offset)
    req.respond(**shown)
