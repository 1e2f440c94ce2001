"""`/slm sla|ola|uc new|list|show|diff`: one set of commands for every kind of agreement."""
from __future__ import annotations

import re
from dataclasses import replace

from bot import agreements
from bot.errors import DomainError, InvalidInput
from bot.workspace.audience import Item, may_see, shared_with
from bot.reviews import sla_review
from bot.suppliers import changes as supplier_changes
from bot.workspace.permissions import Capability, require
from handlers import registry
from bot.agreements import terms
from handlers.flows import shared_channel, terms_posting
from handlers.flows.agreement_thread import (document_message, publish, refresh_headline, review_standing,
                                             underpinning_changed)
from handlers.commands.arguments import name_and_trailing, one_name
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from handlers.views import agreement_draft
from messages import render_message
from models import AgreementKind

VERSION = re.compile(r"^v?(\d{1,9})$", re.IGNORECASE)  # nine digits at most: longer overflows an INTEGER column


def new(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        require(req.actor, Capability.DRAFT_AGREEMENT)
        if agreement_draft.open(req.client, req.trigger_id, req.deps, req.actor, kind=kind, channel_id=req.channel_id,
                                asked=one_name(req.args)):
            return
        wanted = agreements.COUNTERPARTY_KIND[kind].label.lower()
        req.respond(**render_message("req_status.yml.j2", sentence=f"An {kind.label} needs a {wanted} and a service on the "
                                     f"map first: `/slm party add` and `/slm service add`."))
    return run


AGREEMENTS_A_PAGE = 25  # a line each: a page is two or three sections, however long the names
SHARED_READ = 1000  # in a shared channel, the SLAs read to find the customer's own among them


def listing(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        today = req.actor.today()
        audience = _audience(req)
        if audience.shared and kind != AgreementKind.SLA:
            raise DomainError(f"OLAs and underpinning contracts are not listed in this channel: "
                              f"{shared_with(audience)}. Ask in a channel of your own workspace, or in a DM with me.")
        with req.deps.db.session() as session:  # the page's rows, their counterparties and reviews: three queries
            if audience.shared:  # only the customer here's own SLAs (the first SHARED_READ), no count of the others
                every = agreements.list_page(session, req.actor.team_id, kind, 0, SHARED_READ)
                mine = [(a, p) for a, p in every.rows if may_see(audience, Item.AGREEMENT, party_id=a.counterparty_id,
                                                                  agreement_kind=a.kind)][:AGREEMENTS_A_PAGE]
                page = replace(every, rows=mine, total=len(mine), size=AGREEMENTS_A_PAGE)
            else:
                page = agreements.list_page(session, req.actor.team_id, kind, req.offset, AGREEMENTS_A_PAGE)
            reviews = sla_review.status_lines(session, [a for a, _party in page.rows])
        rows = [{"name": a.name, "status": agreements.status_line(a), "counterparty": party.name,
                 "next_review": agreements.next_review(a, today).isoformat(),
                 "review": reviews.get(a.id),  # an SLA's annual review, once planned
                 "thread": a.permalink} for a, party in page.rows]
        req.respond(**render_message("agreement_list.yml.j2", rows=rows, kind=kind.value, kind_label=kind.label,
                                     pager=pager(req, page, f"{kind.label}s")))
    return run


def _audience(req: SlashRequest):
    """Who reads the channel the command was typed in: asked before any session (handlers/flows/shared_channel)."""
    return shared_channel.audience_here(req.client, req.deps, req.actor.team_id, req.channel_id)


def _shown_here(agreement, audience):
    """The agreement, if this channel may see it: in a channel shared with a customer, only that customer's SLAs."""
    if not may_see(audience, Item.AGREEMENT, party_id=agreement.counterparty_id, agreement_kind=agreement.kind):
        raise DomainError(f"Only the SLAs of the customer here are shown in this channel: {shared_with(audience)}. "
                          "Ask in a channel of your own workspace, or in a DM with me.")
    return agreement


def _name_and_versions(args: str) -> tuple[str, list[int]]:
    name, versions = name_and_trailing(args, lambda word: VERSION.match(word) is not None)
    return name, [int(VERSION.match(v).group(1)) for v in versions if VERSION.match(v)]


def show(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        name, numbers = _name_and_versions(req.args)
        if not name:
            raise InvalidInput({"name": f"Name the {kind.label}, like `/slm {kind.value} show Acme Payroll v2`."})
        audience = _audience(req)
        with req.deps.db.session() as session:
            agreement = _shown_here(agreements.by_name(session, req.actor.team_id, name, kind), audience)
            row = agreements.version(session, agreement, numbers[-1] if numbers else None)
            review = review_standing(session, agreement)
            shown = terms_posting.for_person(session, req.actor, agreement, row)  # commercial terms: theirs to see?
            document = terms_posting.person_document(session, req.deps, agreement, row, shown)
        req.respond(**document_message(agreement, row, review, document))
    return run


def diff(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        name, numbers = _name_and_versions(req.args)
        if not name or len(numbers) != 2:
            raise InvalidInput({"versions": f"Name the {kind.label} and two versions, like "
                                            f"`/slm {kind.value} diff Acme Payroll v2 v3`."})
        audience = _audience(req)
        with req.deps.db.session() as session:
            agreement = _shown_here(agreements.by_name(session, req.actor.team_id, name, kind), audience)
            a, b = (agreements.version(session, agreement, n) for n in numbers)
            changes = agreements.diff(a.content, b.content)
            if terms_posting.for_person(session, req.actor, agreement, b).withhold:
                changes = terms.public_changes(changes, "left out here")  # a service credit: not theirs to see
            # issue 17, suppliers: an OLA's or contract's later version, checked against the SLAs above it
            weakens = supplier_changes.check_change(session, agreement, b.number, base=a.number, now=req.actor.at()) \
                if a.number < b.number else None
        req.respond(**render_message("agreement_diff.yml.j2", name=agreement.name, a=a.number, b=b.number, changes=changes,
                                     weakens=supplier_changes.as_context(weakens) if weakens else None))
    return run


def post(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        require(req.actor, Capability.DRAFT_AGREEMENT)
        with req.deps.db.session() as session:
            agreement = agreements.by_name(session, req.actor.team_id, one_name(req.args), kind)
        # Whatever a failure or a restart left undone, in order: the headline, each version, each document.
        progress = publish(req.client, req.deps, req.actor.team_id, agreement.id, retry=True)
        if not refresh_headline(req.client, req.deps, req.actor, agreement.id):
            req.respond(**render_message("agreement_headline_gone.yml.j2", name=agreement.name,
                                         channel_id=agreement.channel_id, kind=kind.value))
            return
        req.respond(**progress.message())
    return run


def retire(kind: AgreementKind):
    def run(req: SlashRequest) -> None:
        with req.deps.db.session() as session:
            agreement = agreements.by_name(session, req.actor.team_id, one_name(req.args), kind)
            agreements.retire(session, req.actor, agreement)
            sla_review.plan(session, agreement, req.actor.at(), req.actor.org_tz)  # no annual review any more
        req.context["done"] = f"{agreement.name} is retired"
        refresh_headline(req.client, req.deps, req.actor, agreement.id)
        underpinning_changed(req.client, req.deps, req.actor, agreement.id, "was retired")
        req.respond(**render_message("req_status.yml.j2", subject=agreement.name, sentence="is retired."))
    return run


for _kind, _party in ((AgreementKind.SLA, "customer"), (AgreementKind.OLA, "support group"),
                      (AgreementKind.UC, "supplier")):
    k = _kind.value
    listed = _kind is AgreementKind.SLA  # /slm help says once that ola and uc take the same words
    registry.command(f"{k} new", f"/slm {k} new [{_party}]", f"Draft an {_kind.label} and post it for negotiation", listed=listed)(new(_kind))
    registry.command(f"{k} list", f"/slm {k} list", f"Every {_kind.label} with its status and next review", listed=listed, pages=True)(listing(_kind))
    registry.command(f"{k} show", f"/slm {k} show <name> [version]", f"An {_kind.label}'s document, any version", listed=listed)(show(_kind))
    registry.command(f"{k} diff", f"/slm {k} diff <name> v2 v3", "What changed between two versions, in words", listed=listed)(diff(_kind))
    registry.command(f"{k} post", f"/slm {k} post <name>", "Post a draft that could not be posted for negotiation", listed=listed)(post(_kind))
    registry.command(f"{k} retire", f"/slm {k} retire <name>", f"Retire an {_kind.label}: it is no longer in force", listed=listed)(retire(_kind))
