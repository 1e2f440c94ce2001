"""The "Record a measurement" modal (`/slm record`): an outage or a ticket, by hand."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import service_map
from bot.errors import NotFound
from bot.measurements import manual
from handlers import registry
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback
from models import PartyKind

FIELDS = {"what": Block.REC_WHAT, "service": Block.REC_SERVICE, "reference": Block.REC_REFERENCE,
          "priority": Block.REC_PRIORITY, "group": Block.REC_GROUP, "impact": Block.REC_IMPACT,
          "start": Block.REC_START_DATE, "end": Block.REC_END_DATE, "summary": Block.REC_SUMMARY}
PRIORITIES = [(p, p) for p in ("P1", "P2", "P3", "P4")]


def open(client: WebClient, trigger_id: str, deps, actor, *, channel_id: str | None, what: str | None) -> None:
    with deps.db.session() as session:  # read, and closed before Slack is called
        # One more than a select holds: past 100 the select searches as the person types (handlers/options/).
        services = [(s.id, s.name) for s in service_map.choices.services(session, actor.team_id, limit=101)]
        groups = [(p.id, p.name) for p in service_map.choices.parties(session, actor.team_id, kinds=(PartyKind.SUPPORT_GROUP,),
                                                                      limit=101)]
    if not services:
        raise NotFound("There is no service on the map to record against yet: add one with `/slm service add`.")
    client.views_open(trigger_id=trigger_id, view=render(
        "record_form.yml.j2", what=what, services=services, groups=groups, priorities=PRIORITIES,
        today=actor.today().isoformat(), tz=actor.tz, private_metadata=metadata(channel_id=channel_id)))


@registry.view(Callback.RECORD_MEASUREMENT)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    channel_id = read_metadata(view).get("channel_id")  # read first: metadata not ours refuses before any work
    data = manual.ManualRecord(
        what=values.option(Block.REC_WHAT), service_id=values.option_id(Block.REC_SERVICE),
        reference=values.text(Block.REC_REFERENCE), priority=values.option(Block.REC_PRIORITY),
        group_id=values.option_id(Block.REC_GROUP), impact=values.option(Block.REC_IMPACT),
        start_date=values.date(Block.REC_START_DATE), start_time=values.time(Block.REC_START_TIME),
        end_date=values.date(Block.REC_END_DATE), end_time=values.time(Block.REC_END_TIME),
        summary=values.text(Block.REC_SUMMARY))

    def work():
        with deps.db.session() as session:
            return manual.record(session, actor, data, form_id=view.get("id", ""))

    recorded = run_form(ack, FIELDS, work, view)
    if recorded is None:
        return
    ack()
    context["done"] = f"The {recorded.what} {recorded.reference} is recorded"
    tell(client, actor, channel_id, render_message("measurement_recorded.yml.j2", r=recorded))
