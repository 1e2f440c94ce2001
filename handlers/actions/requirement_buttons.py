"""Buttons on requirements: ask the requester, the requester's Confirm / Correct, and the listing's menu."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import requirements
from bot import cover as coverage
from bot.errors import Person
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.presenters.cover import capability_view
from handlers.flows import requirement_dm
from handlers.flows.requirement_dm import refresh_confirmation_dm
from handlers.views import requirement_correct, requirement_decline
from messages import render_message
from messages.ids import Action


@registry.action(Action.REQ_ASK_REQUESTER)
def ask_requester(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    numbers = body["actions"][0]["value"]
    requester = requirement_dm.ask_requester(client, context["deps"], context["actor"], numbers)
    respond(replace_original=False, **render_message(
        "req_status.yml.j2", sentence=["Asked ", Person(requester), f" to confirm requirement(s) #{numbers.replace(',', ', #')}."]))


def _split(value: str) -> tuple[int, str]:
    number, _, numbers = value.partition(":")
    return int(number), numbers


@registry.action(Action.REQ_CONFIRM)
def confirm(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    number, numbers = _split(body["actions"][0]["value"])
    with deps.db.session() as session:
        requirements.confirm(session, actor, number)
    context["done"] = f"Requirement #{number} is confirmed"
    container = body["container"]
    refresh_confirmation_dm(client, deps, actor, numbers, container["channel_id"], container["message_ts"],
                            changed=number, verb="confirmed")


@registry.action(Action.REQ_CORRECT)
def correct(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    number, numbers = _split(body["actions"][0]["value"])
    with context["deps"].db.session() as session:
        req = requirements.get(session, actor.team_id, number)
    requirements.check_correctable(actor, req)  # before the form is filled, not after
    container = body["container"]
    requirement_correct.open(client, body["trigger_id"], req, numbers=numbers, channel=container["channel_id"],
                             ts=container["message_ts"], tz=actor.tz)


@registry.action(Action.REQ_MENU)
def menu(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    what, _, number = body["actions"][0]["selected_option"]["value"].partition(":")
    with deps.db.session() as session:
        req = requirements.get(session, actor.team_id, int(number))
    if what == "ask":
        requester = requirement_dm.ask_requester(client, deps, actor, number)
        respond(replace_original=False, **render_message(
            "req_status.yml.j2", sentence=["Asked ", Person(requester), f" to confirm requirement #{number}."]))
    elif what == "check":
        with deps.db.session() as session:
            result = coverage.check_requirement(session, actor.team_id, int(number), actor.today())
            message = render_message("capability_check.yml.j2", result=capability_view(result))
        respond(replace_original=False, **message)
    elif what == "decline":
        require(actor, Capability.DECIDE_REQUIREMENT)
        requirement_decline.open(client, body["trigger_id"], req, channel_id=(body.get("channel") or {}).get("id"))
