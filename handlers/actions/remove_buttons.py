"""The "Remove …" and "Cancel" buttons under `/slm … remove`: removal only once a person confirms it."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.service_map import changes as map_changes
from handlers import registry
from messages import render_message
from messages.ids import Action


@registry.action(Action.REMOVE_CONFIRM)
def confirm(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    with context["deps"].db.session() as session:
        removed = map_changes.remove(session, context["actor"], body["actions"][0]["value"])
    context["done"] = f"Removed the {removed.kind} {removed.name}"
    respond(replace_original=True, **render_message("map_removed.yml.j2", kind=removed.kind, name=removed.name,
                                                    removed=True))


@registry.action(Action.REMOVE_CANCEL)
def cancel(ack: Ack, body: dict, respond: Respond) -> None:
    ack()
    kind, _, name = body["actions"][0]["value"].partition(":")  # the button carries the name it keeps
    respond(replace_original=True, **render_message("map_removed.yml.j2", kind=kind, name=name, removed=False))
