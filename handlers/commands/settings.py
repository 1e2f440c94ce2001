from bot import delivery, jobs
from bot.workspace import settings as workspace_settings
from handlers import registry
from handlers.commands.router import SlashRequest
from messages import render_message


@registry.command("settings", "/slm settings [name value]",
                  "The organisation's choices, e.g. `/slm settings handoff 20m` (the hand-off allowance between stages)")
def settings(req: SlashRequest) -> None:
    key, _, value = req.args.partition(" ")
    before = after = None
    with req.deps.db.session() as session:
        if key:
            if key.lower() in workspace_settings.CHOICES:  # to say what a change means (commercial terms)
                before = workspace_settings.get(session, req.actor.team_id, key.lower())
            after = workspace_settings.set_value(session, req.actor, key.lower(), value)
        rows = workspace_settings.all_of(session, req.actor.team_id)
    if key:
        req.context["done"] = f"The setting {key.lower()} is changed"
    req.respond(**render_message("settings.yml.j2", rows=rows, changed=key.lower() if key else None,
                                 before=before, after=after))
    if key:  # a stricter allowance can take cover away: say so now, not at the next scheduled check
        queued = jobs.recheck_each_sla(req.deps, req.actor.team_id)
        if queued:
            delivery.deliver_pending(req.deps, req.client)
