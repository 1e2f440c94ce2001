"""The "Remedial action" modal of a breach alert: an owner, a due date, and the target it should improve."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import breaches, delivery
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback

FIELDS = {"title": Block.COV_TITLE, "owner_party": Block.COV_OWNER_PARTY, "owner_user": Block.COV_OWNER_USER,
          "due": Block.COV_DUE, "target": Block.BREACH_TARGET}


@registry.view(Callback.BREACH_REMEDIAL_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            return breaches.add_remedial_action(session, actor, int(meta.get("breach_id") or 0),
                                                title=values.text(Block.COV_TITLE),
                                                owner_party_id=values.option_id(Block.COV_OWNER_PARTY),
                                                owner_user_id=values.user(Block.COV_OWNER_USER),
                                                due=values.date(Block.COV_DUE),
                                                target_id=values.option_id(Block.BREACH_TARGET))

    action = run_form(ack, FIELDS, work, view)
    if action is None:
        return
    ack()
    context["done"] = f"Remedial action #{action.number} is recorded (`/slm actions` lists it)"
    tell(client, actor, meta.get("channel_id"), render_message(
        "req_status.yml.j2", sentence=f"Recorded remedial action #{action.number}, due {action.due.isoformat()} "
                                      "(see `/slm actions`):", detail=action.title))
    # the alert names the action, and its thread says so (this breach's messages only)
    delivery.deliver_pending(deps, client, team_id=actor.team_id,
                             key_prefix=breaches.key_prefix(int(meta.get("breach_id") or 0)))
