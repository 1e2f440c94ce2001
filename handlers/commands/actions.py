"""`/slm actions [mine|<sla>|<party>|overdue|#N]`: actions a page at a time, each with the buttons that move it
along; `/slm action new`: record one (a modal)."""
from __future__ import annotations

from datetime import timedelta

from bot import actions, service_map
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.router import SlashRequest
from handlers.flows import shared_channel
from handlers.presenters.actions import listing
from handlers.replies import metadata
from messages import render, render_message

LIST_USAGE = "/slm actions [mine|<sla>|<party>|overdue|#N]"
NEW_USAGE = "/slm action new"
DUE_IN = timedelta(days=14)  # the form's suggested due date: a fortnight is a usual first commitment


@registry.command("actions", LIST_USAGE,
                  "Actions still to do (upgrades, remedies, improvements), yours, an SLA's, a party's or overdue, "
                  "with buttons to start and close them; #N shows one action, done or not, with its closing note")
def list_actions(req: SlashRequest) -> None:
    # Actions name their owners (suppliers, internal groups) and upgrades of OLAs and contracts: in a channel shared
    # with another organisation the list goes by DM to the provider's own person (handlers/flows/shared_channel.py).
    audience = shared_channel.audience_here(req.client, req.deps, req.actor.team_id, req.channel_id)
    if audience.shared and not shared_channel.of_the_host(req.client, req.actor):
        req.respond(**shared_channel.not_here("The list of actions", audience))
        return
    with req.deps.db.session() as session:
        message = render_message("actions_list.yml.j2", **listing(session, req.actor, req.args))
    if audience.shared:
        shared_channel.send_privately(req.client, req.actor.user_id, req.channel_id, audience, message,
                                      "every party's actions, suppliers' and internal groups' included")
        req.respond(**shared_channel.went_by_dm("The list of actions", audience))
        return
    req.respond(**message)


@registry.command("action new", NEW_USAGE,
                  "Record an action: what, its owner, the party it is agreed with, when, the SLA target it improves")
def new_action(req: SlashRequest) -> None:
    require(req.actor, Capability.RECORD_ACTION)  # refused before the form is filled, not after
    with req.deps.db.session() as session:  # a quick read, closed before Slack is called
        # One more than a select holds: past 100 the select searches as the person types (handlers/options/).
        parties = [(p.id, p.name) for p in service_map.choices.parties(session, req.actor.team_id, limit=101)]
        targets = actions.improvable_targets(session, req.actor.team_id, limit=101)
    req.client.views_open(trigger_id=req.trigger_id, view=render(
        "action_new_form.yml.j2", parties=parties, targets=targets,
        due=(req.actor.today() + DUE_IN).isoformat(), private_metadata=metadata(channel_id=req.channel_id)))
