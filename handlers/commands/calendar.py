from bot.calendars import records as calendar_records
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.router import SlashRequest
from handlers.replies import metadata
from messages import render, render_message


@registry.command("calendar add", "/slm calendar add", "Add service hours: working hours, public holidays and closures")
def add_calendar(req: SlashRequest) -> None:
    require(req.actor, Capability.DRAFT_AGREEMENT)
    req.client.views_open(trigger_id=req.trigger_id, view=render(
        "calendar_form.yml.j2", tz=req.actor.tz, private_metadata=metadata(channel_id=req.channel_id)))


@registry.command("calendar list", "/slm calendar list", "The calendars targets can be measured in")
def list_calendars(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        rows = calendar_records.all_of(session, req.actor.team_id)
    req.respond(**render_message("calendar_list.yml.j2", calendars=rows))
