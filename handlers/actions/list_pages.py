"""A list's Previous and Next buttons: the command that made the list, run again for the page asked for, its
answer put in place of the page shown (handlers/paging.py)."""
from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from handlers import registry
from handlers.commands.router import SlashRequest, match, refuse_external
from handlers.paging import read_value
from messages.ids import Action

log = logging.getLogger(__name__)


def _run_page(body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    text, offset = read_value(body["actions"][0].get("value"))
    found, rest = match(text)
    if found is None or not found.pages:
        # Not a listing's words: a value the bot never made. A button's value can be crafted, so it never runs a
        # command that changes anything; a listing it runs is authorised as the presser (context["actor"]), in the
        # presser's own workspace, exactly as if they had typed it.
        log.warning("a page button carried no listing command (%d characters): ignored", len(text))
        return

    refuse_external(context["actor"], found)  # a person of another organisation runs no listing (Slack Connect)

    def replace(**message) -> None:
        respond(replace_original=True, **message)

    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    found.fn(SlashRequest(deps=context["deps"], actor=context["actor"], args=rest, client=client, respond=replace,
                          trigger_id=body.get("trigger_id") or "", channel_id=channel, context=context, text=text,
                          offset=offset))


@registry.action(Action.LIST_NEXT)
def next_page(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    _run_page(body, client, respond, context)


@registry.action(Action.LIST_PREVIOUS)
def previous_page(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    _run_page(body, client, respond, context)
