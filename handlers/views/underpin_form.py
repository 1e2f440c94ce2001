"""The "Underpin a target" modal: an OLA or contract target beneath an SLA target, at a stage."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import agreements
from bot import cover as coverage
from handlers import registry
from handlers.presenters.cover import buttons_for, tree_view
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback

FIELDS = {"sla_target": Block.COV_SLA_TARGET, "leg_target": Block.COV_LEG_TARGET, "stage": Block.COV_STAGE}



@registry.view(Callback.UNDERPIN_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            return coverage.link(session, actor, sla_target_id=values.option_id(Block.COV_SLA_TARGET),
                                 leg_target_id=values.option_id(Block.COV_LEG_TARGET),
                                 stage=values.option_id(Block.COV_STAGE))

    if run_form(ack, FIELDS, work, view) is None:
        return
    context["done"] = "The target is put beneath the SLA target (`/slm tree` shows it)"
    ack()  # the check takes a moment (it simulates tickets in every calendar): after Slack has its answer
    with deps.db.session() as session:
        sla = agreements.get(session, actor.team_id, meta["agreement_id"])
        coverage.recheck(session, sla, actor.at())
        message = render_message("coverage_tree.yml.j2", agreement=sla,
                                 nodes=tree_view(coverage.tree(session, sla, actor.today(), at=actor.at())),
                                 waivers=coverage.waivers_of(session, sla), **buttons_for(actor))
    tell(client, actor, meta.get("channel_id"), message)
