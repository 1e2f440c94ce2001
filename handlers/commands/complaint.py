"""`/slm complaint [customer]` opens the complaint modal; `/slm complaints [open|<customer>]` lists them, a page at a
time, each with *Answer…* / *Close…* for whoever may (its owner, or a service manager). Issue 17.

A complaint's words are personal: a service manager lists every complaint; anyone else only those they recorded,
own, or made themselves (a customer's contact never reads another customer's complaints)."""
from __future__ import annotations

from bot import complaints, service_map
from bot.errors import InvalidInput
from bot.workspace.permissions import Capability, can, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from handlers.views import complaint_form
from messages import render_message
from models import Party, PartyKind

PAGE = 10  # two blocks each (the complaint, its buttons): well within a message's 50


def _customer(session, team_id: str, name: str) -> Party:
    found = service_map.find(session, team_id, name)
    if not isinstance(found, Party) or found.kind != PartyKind.CUSTOMER.value:
        raise InvalidInput({"customer": f"There is no customer called “{name[:80]}”. "
                                        "`/slm complaints` lists every complaint, `/slm complaints open` the open ones."})
    return found


@registry.command("complaint", "/slm complaint [customer]",
                  "Record a customer's complaint: from whom, about which service, and what")
def record_complaint(req: SlashRequest) -> None:
    require(req.actor, Capability.RECORD_COMPLAINT)
    name = one_name(req.args)
    customer_id = None
    if name:
        with req.deps.db.session() as session:
            customer_id = _customer(session, req.actor.team_id, name).id
    complaint_form.open(req.client, req.trigger_id, req.deps, req.actor.team_id, channel_id=req.channel_id,
                        customer_id=customer_id, complainant=None)  # chosen, never defaulted to who records


@registry.command("complaints", "/slm complaints [open|customer]",
                  "List complaints (all, the open ones, or one customer's), with Answer… and Close…", pages=True)
def list_complaints(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    actor, arg = req.actor, one_name(req.args)
    only_open = arg.lower() == "open"
    with req.deps.db.session() as session:
        customer = _customer(session, actor.team_id, arg) if arg and not only_open else None
        # Everything for those who answer complaints; for anyone else, the complaints they made, own or complained in.
        everything = can(actor, Capability.ANSWER_COMPLAINT)
        page = complaints.page(session, actor.team_id, actor.at(), only_open=only_open,
                               customer_id=customer.id if customer else None,
                               visible_to=None if everything else actor.user_id, offset=req.offset, size=PAGE)
    label = ("Open complaints" if only_open else f"Complaints from {customer.name}" if customer else "Complaints")
    may = [c.number for c in page.rows if everything or c.owner == actor.user_id]
    req.context["done"] = f"{label}: {page.total}"
    req.respond(**render_message("complaint_list.yml.j2", label=label, rows=page.rows, may=may,
                                 pager=pager(req, page, "complaints"),
                                 empty="No open complaints." if only_open else "No complaints."))


@registry.command("party owner", "/slm party owner <party> @person",
                  "Name who owns the relationship with a customer or supplier (told first of its complaints, "
                  "breaches and renewals)")
def party_owner(req: SlashRequest) -> None:
    require(req.actor, Capability.NAME_RELATIONSHIP_OWNER)
    words = req.args.strip().rsplit(" ", 1)
    user = service_map.owners.SLACK_USER.search(words[-1]) if len(words) == 2 and words[-1].startswith("<@") else None
    if user is None:
        raise InvalidInput({"owner": "Say which party and who, like `/slm party owner Acme Retail @alex`."})
    name = one_name(words[0])
    with req.deps.db.session() as session:
        party = service_map.find(session, req.actor.team_id, name)
        if not isinstance(party, Party):
            raise InvalidInput({"party": f"There is no customer, supplier or group called “{name[:80]}”."})
        party = service_map.owners.set_owner(session, req.actor, party.id, user.group(0))
        party_name, owner = party.name, party.owner_user_id
    req.context["done"] = f"{party_name}'s relationship owner is set"
    req.respond(**render_message("req_status.yml.j2", sentence=[
        {"user_id": owner}, f" owns the relationship with {party_name}: told first of its complaints, breaches and "
                            "renewals."]))
