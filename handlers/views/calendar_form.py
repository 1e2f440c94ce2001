"""The "Add a calendar" modal."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.calendars import records as calendar_records
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback

FIELDS = {f: Block.for_field("cal", f) for f in ("name", "hours", "holidays_country", "holidays_subdiv", "closures")}


@registry.view(Callback.CALENDAR_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    channel_id = read_metadata(view).get("channel_id")  # read first: metadata not ours refuses before any work

    def work():
        with deps.db.session() as session:
            return calendar_records.add(session, actor, **{f: values.text(b) for f, b in FIELDS.items()})

    row = run_form(ack, FIELDS, work, view)
    if row is None:
        return
    ack()
    context["done"] = f"The calendar {row.name} is added"
    tell(client, actor, channel_id,
         render_message("calendar_list.yml.j2", calendars=[row]))
