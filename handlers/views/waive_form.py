"""The "Waive a gap" modal: a service manager accepts a gap in cover, with a reason kept on the SLA."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import cover as coverage
from bot.errors import DomainError
from handlers import registry
from handlers.flows.agreement_thread import refresh_headline
from handlers.presenters.cover import describe
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback


def open(client: WebClient, trigger_id: str, *, target_id: int, key: str, rule: str, label: str, gap: str,
         channel_id: str | None) -> None:
    client.views_open(trigger_id=trigger_id, view=render(
        "waive_form.yml.j2", label=label, rule=rule, gap=gap,
        private_metadata=metadata(target_id=target_id, key=key, channel_id=channel_id)))


@registry.view(Callback.WAIVE_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    reason = values.text(Block.COV_REASON)
    if run_form(ack, {"reason": Block.COV_REASON}, lambda: coverage.waiver_reason(actor, reason), view) is None:
        return
    ack()  # whether the gap is still there takes a check of cover: after Slack has its answer
    try:
        with deps.db.session() as session:
            waiver = coverage.waive(session, actor, meta["target_id"], meta["key"], reason)
    except DomainError as err:  # the gap changed or closed since the form opened: nothing is recorded
        tell(client, actor, meta.get("channel_id"), render_message("req_status.yml.j2", sentence="Nothing was waived:",
                                                                  detail=str(err)))
        return
    context["done"] = f"The {waiver.rule} gap is waived"
    with deps.db.session() as session:
        target, agreement = coverage.sla_target(session, actor.team_id, waiver.target_id)
    refresh_headline(client, deps, actor, agreement.id)  # the headline counts the gaps waived
    tell(client, actor, meta.get("channel_id"), render_message(
        "req_status.yml.j2", sentence=f"Waived {target.key}'s {waiver.rule} gap ({describe(target)}) in "
                                      f"{agreement.name}. The reason:", detail=waiver.reason))
