"""The "Add a service" modal."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import service_map
from handlers import registry
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback

FIELDS = {"name": Block.SERVICE_NAME, "description": Block.SERVICE_DESCRIPTION}


def open(client: WebClient, trigger_id: str, *, channel_id: str | None, name: str = "") -> None:
    client.views_open(trigger_id=trigger_id, view=render("service_form.yml.j2", name=name,
                                                          private_metadata=metadata(channel_id=channel_id)))


@registry.view(Callback.SERVICE_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    channel_id = read_metadata(view).get("channel_id")  # read first: metadata not ours refuses before any work

    def work():
        with deps.db.session() as session:
            return service_map.add_service(session, actor, name=values.text(Block.SERVICE_NAME),
                                           description=values.text(Block.SERVICE_DESCRIPTION))

    service = run_form(ack, FIELDS, work, view)
    if service is None:
        return
    ack()
    context["done"] = f"The service {service.name} is added"  # stored: a failure from here on must not ask for a retry
    tell(client, actor, channel_id, render_message("service_added.yml.j2", service=service))
