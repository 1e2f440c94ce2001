"""The DM that asks a requester to confirm what was recorded, kept up to date in place."""
from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import requirements, service_map
from bot.requirements import asks as requirement_asks
from bot.workspace.actor import Actor
from bot.errors import Person
from messages import render_message


def parse_numbers(text: str) -> list[int]:
    """The requirement numbers a button carries ("12,13"); ASCII digits only: "²" is a digit to str.isdigit(),
    and no number to int() (tests/fuzz/test_parsers.py)."""
    return [int(n) for n in text.split(",") if n.strip().isascii() and n.strip().isdigit()]


def confirmation_dm(session, actor: Actor, numbers: str) -> tuple[str, dict]:
    """(the requester, the message) for these requirements, as they stand now."""
    reqs = requirements.get_many(session, actor.team_id, parse_numbers(numbers))
    first = reqs[0]
    message = render_message(
        "req_confirm_request.yml.j2", requirements=reqs, recorder=first.created_by, numbers=numbers,
        service=service_map.get_service(session, actor.team_id, first.service_id),
        customer=service_map.get_party(session, actor.team_id, first.customer_id))
    return first.said_by, message


def ask_requester(client: WebClient, deps, actor: Actor, numbers: str) -> str:
    """DM the requester the recorded wording to confirm: refused for others than the recorder, once a day at most."""
    with deps.db.session() as session:
        asked = requirement_asks.record_ask(session, actor, parse_numbers(numbers))
        requester, message = confirmation_dm(session, actor, numbers)
    try:
        client.chat_postMessage(channel=requester, **message)
    except SlackApiError:  # Slack said no: nobody was asked. (A timeout may have delivered it: that ask stands.)
        with deps.db.session() as session:
            requirement_asks.withdraw_ask(session, actor, asked)
        raise
    return requester


def refresh_confirmation_dm(client: WebClient, deps, actor: Actor, numbers: str, channel: str, ts: str, *,
                            changed: int, verb: str) -> None:
    """Redraw the DM after a confirm or a correction, and tell whoever recorded it."""
    with deps.db.session() as session:
        _, message = confirmation_dm(session, actor, numbers)
        req = requirements.get(session, actor.team_id, changed)
    client.chat_update(channel=channel, ts=ts, **message)
    if req.created_by != actor.user_id:
        client.chat_postMessage(channel=req.created_by, **render_message(
            "req_status.yml.j2", sentence=[Person(actor.user_id), f" {verb} requirement #{req.number}:"],
            detail=req.statement[:500] + (f" ({req.target})" if req.target else "")))
