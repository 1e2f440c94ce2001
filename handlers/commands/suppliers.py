"""Suppliers' contracts over their life (issue 17): `/slm uc owner`, `/slm uc review-every` (and the same for OLAs),
`/slm dispute`, `/slm dispute close`, `/slm disputes`."""
from __future__ import annotations

import re

from bot import agreements
from bot.errors import InvalidInput
from bot.suppliers import care, disputes, ownership
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from messages import render_message
from models import AgreementKind, DisputeStatus

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
EVERY = re.compile(r"\s+(\d{1,3})\s*(?:months?|mo)?\s*$", re.IGNORECASE)
DISPUTES_A_PAGE = 10


def owner(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        usage = f"`/slm {kind.value} owner <name> @person`"
        found = MENTION.search(req.args.strip())
        name = one_name(req.args.strip()[:found.start()] if found else "")
        if not name or not found:
            raise InvalidInput({"owner": f"Name the {kind.noun} and its owner, like {usage}."})
        with req.deps.db.session() as session:
            agreement = agreements.by_name(session, req.actor.team_id, name, kind)
            ownership.set_owner(session, req.actor, agreement, found.group(1))
            row = care.care_of(session, agreement)
            due = row.next_review_on.isoformat() if row.next_review_on else None
        req.context["done"] = f"The owner of {agreement.name} is recorded"
        req.respond(**render_message("req_status.yml.j2", subject=agreement.name, sentence=[
            "is owned by ", {"user_id": found.group(1)},
            f": reminded of its next review on {due}." if due else
            f". Set how often it is reviewed with `/slm {kind.value} review-every {agreement.name} 6 months`."]))
    return run


def review_every(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        usage = f"`/slm {kind.value} review-every <name> 6 months`"
        found = EVERY.search(" " + req.args)
        name = one_name((" " + req.args)[:found.start()] if found else "")
        if not name or not found:
            raise InvalidInput({"cadence": f"Name the {kind.noun} and how often, like {usage}."})
        with req.deps.db.session() as session:
            agreement = agreements.by_name(session, req.actor.team_id, name, kind)
            row = ownership.set_cadence(session, req.actor, agreement, int(found.group(1)))
            who = care.owner_of(session, agreement, row)
        req.context["done"] = f"The review cadence of {agreement.name} is recorded"
        n = row.review_months
        sentence = [f"is reviewed every {n} month{'s' if n != 1 else ''}: the next review is due "
                    f"{row.next_review_on.isoformat()}"]
        sentence += ([", and ", {"user_id": who}, " will be reminded then."] if who else
                     [f". It has no owner to remind yet: `/slm {kind.value} owner {agreement.name} @person`."])
        req.respond(**render_message("req_status.yml.j2", subject=agreement.name, sentence=sentence))
    return run


@registry.command("dispute", "/slm dispute <supplier> [contract] <what>",
                  "Record a dispute with a supplier (about one of its contracts, or none in particular)")
def raise_dispute(req: SlashRequest) -> None:
    require(req.actor, Capability.RECORD_DISPUTE)  # told before anything is read
    with req.deps.db.session() as session:
        party, contract, what = disputes.read_subject(session, req.actor.team_id, req.args)
        row = disputes.raise_dispute(session, req.actor, party, what, contract)
        number, owner_id = row.number, row.owner_user_id
    req.context["done"] = f"Dispute #{number} is recorded"
    req.respond(**render_message("req_status.yml.j2", sentence=[
        f"Dispute #{number} with {party.name}" + (f" about {contract.name}" if contract else "")
        + " is open, owned by ",
        {"user_id": owner_id}, ". Close it with its outcome from `/slm disputes`."], detail=what))


@registry.command("dispute close", "/slm dispute close <number> <outcome>", "Close a dispute with how it ended")
def close_dispute(req: SlashRequest) -> None:
    number, _, outcome = req.args.strip().lstrip("#").partition(" ")
    # Nine ASCII digits at most: a longer number overflows the INTEGER column on PostgreSQL, and str.isdigit()
    # takes "²", which is no number to int().
    if re.fullmatch(r"[0-9]{1,9}", number) is None:
        raise InvalidInput({"number": "Say which dispute and how it ended, like "
                                      "`/slm dispute close 3 Credit of £900 agreed`."})
    with req.deps.db.session() as session:
        row = disputes.close(session, req.actor, int(number), outcome)
        number = row.number
    req.context["done"] = f"Dispute #{number} is closed"
    req.respond(**render_message("req_status.yml.j2", sentence=f"Dispute #{number} is closed:", detail=row.outcome))


@registry.command("disputes", "/slm disputes [open|<supplier>]", "Disputes with suppliers, newest first, with Close…",
                  pages=True)
def list_disputes(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    asked = one_name(req.args)
    with req.deps.db.session() as session:
        party = None
        if asked and asked.lower() != "open":
            party = next((p for p in disputes.suppliers(session, req.actor.team_id)
                          if p.name.casefold() == asked.casefold()), None)
            if party is None:
                raise InvalidInput({"supplier": f"There is no supplier called “{asked[:80]}”; "
                                                "say “open”, or a supplier's name."})
        page = disputes.page(session, req.actor.team_id, open_only=asked.lower() == "open", party=party,
                             offset=req.offset, size=DISPUTES_A_PAGE)
        rows = [{"number": d.number, "supplier": supplier, "contract": contract, "what": d.what,
                 "owner": d.owner_user_id, "open": d.status == DisputeStatus.OPEN.value, "outcome": d.outcome,
                 "opened": d.created_at.date().isoformat(),
                 "closed": d.closed_at.date().isoformat() if d.closed_at else None}
                for d, supplier, contract in page.rows]
    title = "Open disputes" if asked.lower() == "open" else f"Disputes with {party.name}" if party else "Disputes"
    req.respond(**render_message("dispute_list.yml.j2", title=title, rows=rows, pager=pager(req, page, "disputes")))


for _kind in (AgreementKind.UC, AgreementKind.OLA):
    k = _kind.value
    listed = _kind is AgreementKind.UC  # /slm help says once that ola takes the same words
    registry.command(f"{k} owner", f"/slm {k} owner <name> @person",
                     f"Name an {_kind.noun}'s owner, who is reminded of its reviews", listed=listed)(owner(_kind))
    registry.command(f"{k} review-every", f"/slm {k} review-every <name> <n> months",
                     f"How often an {_kind.noun} is reviewed (its owner is reminded when one is due)",
                     listed=listed)(review_every(_kind))
