"""The state a requirement form carries from step to step, in the modal's private_metadata.

Steps: who (service, customer, the requester's role) -> for an interview, topics ->
questions; for a quoted message, one step that classifies it and reads its target.
Slack allows three views on the stack, which is exactly the interview's depth.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from slack_sdk import WebClient

from bot import requirements, service_map
from bot.workspace.actor import Actor
from handlers.presenters.choices import with_chosen
from handlers.replies import FormAltered, read_metadata
from messages import render, render_message
from messages.ids import Block
from models import Party, PartyKind, Service

QUOTE_LIMIT = 1200      # characters of the quoted message carried from step to step
METADATA_LIMIT = 3000   # Slack's limit for private_metadata


def slack_unescape(text: str) -> str:
    """Message text arrives with Slack's three escapes; a text field (or a template, which escapes) takes
    what the person typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass
class Flow:
    kind: str                      # "interview" or "quote"
    said_by: str                   # who asked: the respondent, or the quoted message's author
    channel_id: str | None = None  # where to confirm; None: by DM
    service_id: int | None = None
    customer_id: int | None = None
    role: str | None = None
    topics: list[str] = field(default_factory=list)
    quote: str = ""                # the quoted message, as its author wrote it
    statement: str = ""            # the wording being edited in the form, when it differs from the quote
    permalink: str | None = None

    def dump(self) -> str:
        """The flow as private_metadata: within Slack's 3000 characters, shortening the texts if it must."""
        data = {k: v for k, v in asdict(self).items() if v not in (None, "", [])}
        for key in ("statement", "quote"):
            while key in data and len(json.dumps(data, ensure_ascii=False)) > METADATA_LIMIT:
                data[key] = data[key][: max(0, len(data[key]) - 200)]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def load(cls, view: dict) -> "Flow":
        """The flow `dump` wrote; FormAltered (the person is told to open the form again) for anything else."""
        meta = read_metadata(view)
        if set(meta) - {f.name for f in fields(cls)}:
            raise FormAltered()
        return cls(kind=meta["kind"], said_by=meta["said_by"], **{k: meta[k] for k in meta if k not in ("kind", "said_by")})


def fields_for(*names: str) -> dict[str, Block]:
    return {name: Block.for_requirement_field(name) for name in names}


def needs_map_message(session, team_id: str) -> dict:
    """What to add to the map before a requirement can be recorded."""
    return render_message("req_needs_map.yml.j2",
                          has_services=bool(service_map.list_services(session, team_id)),
                          has_customers=bool(service_map.list_parties(session, team_id, PartyKind.CUSTOMER)))


def open_who(client: WebClient, trigger_id: str, deps, actor: Actor, flow: Flow) -> dict | None:
    """Open step 1 and return None; or, when the map lacks a service or a customer, return the message saying
    what to add (the caller shows it where the person is). The session is closed before Slack is called."""
    with deps.db.session() as session:
        view = _who_view(session, actor, flow)
        missing = needs_map_message(session, actor.team_id) if view is None else None
    if view is not None:
        client.views_open(trigger_id=trigger_id, view=view)
    return missing


def _who_view(session, actor: Actor, flow: Flow) -> dict | None:
    # One more than a select holds: past 100 the select searches as the person types (handlers/options/).
    services = service_map.choices.services(session, actor.team_id, limit=101)
    customers = service_map.choices.parties(session, actor.team_id, kinds=(PartyKind.CUSTOMER,), limit=101)
    if not services or not customers:
        return None
    theirs = requirements.customers_of(session, actor.team_id, flow.said_by)
    if flow.customer_id is None and len(theirs) == 1:
        flow.customer_id = theirs[0].id
    known_roles = requirements.respondent_roles(session, actor.team_id, flow.said_by)
    service = service_map.choices.named(session, actor.team_id, Service, [flow.service_id] if flow.service_id else [])
    customer = service_map.choices.named(session, actor.team_id, Party, [flow.customer_id] if flow.customer_id else [])
    return render("req_who.yml.j2", private_metadata=flow.dump(),
                  services=with_chosen(services, (service or [None])[0]),
                  customers=with_chosen(customers, (customer or [None])[0]),
                  service_id=flow.service_id, customer_id=flow.customer_id, ask_role=len(known_roles) != 1,
                  quote=slack_unescape(flow.quote), quote_author=flow.said_by)
