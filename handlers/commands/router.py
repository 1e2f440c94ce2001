"""`/slm <words> [arguments]`: finds the subcommand by its leading words.

Each subcommand module records its functions with `@command` (handlers/registry.py); `/slm help`
is built from the same table, so it can never list a command that is not there.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import PermissionDenied
from bot.workspace.actor import Actor
from bot.workspace.permissions import EXTERNAL_CAN
from handlers.registry import Listener, slash_command, subcommands
from messages import render_message
from messages.ids import COMMAND


@dataclass
class SlashRequest:
    deps: object
    actor: Actor
    args: str  # the text after the subcommand's words
    client: WebClient
    respond: Respond
    trigger_id: str
    channel_id: str
    context: BoltContext | None = None  # a command that has done its work says so here (context["done"])
    text: str = ""  # the whole command as typed after /slm: a list's Next/Previous buttons run it again
    offset: int = 0  # where a list's page starts (0 when typed; a Next/Previous button's value otherwise)
    channel_name: str = ""  # as Slack sent it: "privategroup", "directmessage", "mpdm-…" say it is not public


def match(text: str) -> tuple[Listener | None, str]:
    """The subcommand whose words start `text` (the longest such), and the rest of the text."""
    words = text.split()
    lowered = [w.lower() for w in words]
    known = subcommands()
    for n in range(min(len(words), 3), 0, -1):
        found = known.get(tuple(lowered[:n]))
        if found:
            rest = text.strip()
            for w in words[:n]:
                rest = rest[len(w):].lstrip() if rest.lower().startswith(w.lower()) else rest
            return found, rest
    return None, text.strip()


# /slm help groups the commands by the job they are part of, in the order the job goes; a command's first word
# places it. A word missing here still shows, under the last group, so help never loses a command.
HELP_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("The service map", ("service", "party", "link", "map")),
    ("Requirements", ("require", "requirements", "benchmark")),
    ("Agreements", ("sla", "calendar")),
    ("Cover beneath each SLA", ("underpin", "tree", "check")),
    ("Actions", ("actions", "action")),
    # issue 11's slices (m1-m4) add their commands' words here: record and tokens; alerts; clock; breaches
    # issue 17, workload: maintenance windows and agreed exclusions leave time out of the measurements
    ("Measurements and breach alerts", ("record", "token", "tokens", "alerts", "clock", "breaches", "ladder",
                                        "maintenance", "exclusion", "exclusions")),
    ("Service reviews", ("review", "relationship", "complaint", "complaints")),  # complaint(s): issue 17
    ("Suppliers' contracts", ("uc", "dispute", "disputes")),  # issue 17, suppliers
    ("Roles and settings", ("role", "roles", "settings", "audit", "help")),
]
VERB_ORDER = ("add", "new", "grant", "list", "show", "diff", "post", "rename", "remove", "revoke", "retire")


def help_groups() -> list[tuple[str, list[Listener]]]:
    listed = [s for s in subcommands().values() if s.listed]
    placed = {word: (g, i) for g, (_t, words) in enumerate(HELP_GROUPS) for i, word in enumerate(words)}
    last = len(HELP_GROUPS) - 1
    where = {s.words: placed.get(s.words[0], (last, len(placed))) for s in listed}
    def order(s: Listener) -> tuple[int, float]:  # by the job's order, then making before changing or removing
        verb = s.words[1] if len(s.words) > 1 else ""
        # the bare command first; a verb of its own (`sla limit`, `party owner`) after making and reading it
        rank = -1.0 if not verb else VERB_ORDER.index(verb) if verb in VERB_ORDER else VERB_ORDER.index("remove") - 0.5
        return where[s.words][1], rank

    return [(title, sorted((s for s in listed if where[s.words][0] == g), key=order))
            for g, (title, _w) in enumerate(HELP_GROUPS)]


def help_message(unknown: str | None = None) -> dict:
    if unknown:  # names what was typed: rendered each time
        return render_message("help.yml.j2", groups=help_groups(), unknown=unknown)
    return json.loads(_plain_help())  # a fresh copy: whoever sends it may add to it


@functools.cache
def _plain_help() -> str:
    """`/slm help` as JSON, rendered once per process: the commands are registered at import and the template ships
    with the code. (At 100 requests a second it was a tenth of the CPU the process spent after its acks.)"""
    return json.dumps(render_message("help.yml.j2", groups=help_groups(), unknown=None))


EXTERNAL_COMMANDS: frozenset[tuple[str, ...]] = frozenset()  # none: see refuse_external


def refuse_external(actor: Actor, found: Listener | None) -> None:
    """Slack Connect (issue 16): every command reads or changes this workspace's records, which a person of another
    organisation must not see (other customers, internal terms), typed or run again by a list's page button. They
    act on their own party's agreements, requirement questions and review reminders through the bot's messages."""
    if actor.external and (found is None or found.words not in EXTERNAL_COMMANDS):
        asked = f"/slm {' '.join(found.words)}" if found is not None else "/slm"
        raise PermissionDenied(f"{actor.from_words}: only this workspace's own people can use {asked} here. "
                               f"As your organisation's contact you can {EXTERNAL_CAN}, with the buttons on my "
                               "messages to you and in this channel.")


@slash_command(COMMAND)
def dispatch(ack: Ack, command: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    # Slack escapes &, < and > in what people type (mentions arrive as <@U…>, untouched by this).
    text = (command.get("text") or "").strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    found, rest = match(text or "help")
    refuse_external(context["actor"], found)
    if found is None:
        respond(**help_message(unknown=text))
        return
    found.fn(SlashRequest(deps=context["deps"], actor=context["actor"], args=rest, client=client, respond=respond,
                           trigger_id=command["trigger_id"], channel_id=command["channel_id"], context=context,
                           text=text, channel_name=command.get("channel_name") or ""))
