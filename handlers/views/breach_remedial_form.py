"""The "Remedial action" modal of a breach alert: an owner, a due date, and the target it should improve; confirmed
naming the owner, who has a DM about it (as from `/slm action new`)."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import breaches, delivery
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback
from models import Party

FIELDS = {"title": Block.COV_TITLE, "owner_party": Block.COV_OWNER_PARTY, "owner_user": Block.COV_OWNER_USER,
          "due": Block.COV_DUE, "target": Block.BREACH_TARGET}


@registry.view(Callback.BREACH_REMEDIAL_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            row = breaches.add_remedial_action(session, actor, int(meta.get("breach_id") or 0),
                                               title=values.text(Block.COV_TITLE),
                                               owner_party_id=values.option_id(Block.COV_OWNER_PARTY),
                                               owner_user_id=values.user(Block.COV_OWNER_USER),
                                               due=values.date(Block.COV_DUE),
                                               target_id=values.option_id(Block.BREACH_TARGET))
            party = session.get(Party, row.owner_party_id) if row.owner_party_id else None
            return row, party.name if party else None

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    action, party = done
    number, due = action.number, action.due.isoformat()
    context["done"] = f"Remedial action #{number} is recorded (`/slm actions` lists it)"
    if action.owner_user_id:  # a person owns it: named, and told by DM (queued with the action)
        said = [f"Recorded remedial action #{number} for ", {"user_id": action.owner_user_id},
                f"{f' ({party})' if party else ''}, due {due}; they have a DM about it (`/slm actions #{number}` "
                "shows it):"]
    else:
        said = f"Recorded remedial action #{number} for {party}, due {due} (`/slm actions #{number}` shows it):"
    tell(client, actor, meta.get("channel_id"), render_message("req_status.yml.j2", sentence=said,
                                                               detail=action.title))
    # the alert names the action, its thread says so, and the owner's DM goes (this breach's messages only)
    delivery.deliver_pending(deps, client, team_id=actor.team_id,
                             key_prefix=breaches.key_prefix(int(meta.get("breach_id") or 0)))
