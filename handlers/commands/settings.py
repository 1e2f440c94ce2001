from bot import delivery, jobs, retention
from bot.workspace import settings as workspace_settings
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from messages import render_message


@registry.command("settings", "/slm settings [name value]",
                  "The organisation's choices, e.g. `/slm settings handoff 20m` (the hand-off allowance between stages)")
def settings(req: SlashRequest) -> None:
    key, _, value = req.args.partition(" ")
    key, value = key.lower(), value.strip()
    lowered = before = after = None
    if key and not value:  # a name alone: what it is now and what it means, changing nothing
        choice = workspace_settings.choice_of(key)
        with req.deps.db.read_session() as session:
            rows = [(choice, workspace_settings.get(session, req.actor.team_id, key))]
        req.respond(**render_message("settings.yml.j2", rows=rows, changed=None, one=True, lowered=None))
        return
    if key in workspace_settings.CHOICES and workspace_settings.CHOICES[key].named:
        value = one_name(value)  # `"UK office"` as `UK office`, as every command takes a name
    with req.deps.db.session() as session:
        if key:
            if key in workspace_settings.CHOICES:  # to say what the change means (retention, commercial terms)
                before = workspace_settings.get(session, req.actor.team_id, key)
            after = workspace_settings.set_value(session, req.actor, key, value)
            if key in workspace_settings.RETENTION_KEYS and \
                    workspace_settings.retention_months(after) < workspace_settings.retention_months(before):
                cut, counts = retention.would_remove(session, req.actor.team_id, req.actor.at(), key)
                lowered = {"key": key, "before": before, "cut": cut, "counts": counts, "at": retention.PURGE_TIME}
        # A change says the one setting changed; the list alone, all of them
        rows = [(workspace_settings.choice_of(key), after)] if key else workspace_settings.all_of(session, req.actor.team_id)
    if key:
        req.context["done"] = f"The setting {key} is changed"
    req.respond(**render_message("settings.yml.j2", rows=rows, changed=key or None, lowered=lowered, one=False,
                                 before=before, after=after))
    if key:  # a stricter allowance can take cover away: say so now, not at the next scheduled check
        queued = jobs.recheck_each_sla(req.deps, req.actor.team_id)
        if queued:
            delivery.deliver_pending(req.deps, req.client)
