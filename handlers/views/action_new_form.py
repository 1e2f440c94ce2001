"""The `/slm action new` modal: confirmed to the person who recorded it, and by DM to its owner (via the outbox)."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import actions, delivery, outbox
from handlers import registry
from handlers.replies import read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render_message
from messages.ids import Block, Callback

FIELDS = {"title": Block.COV_TITLE, "owner_user": Block.COV_OWNER_USER, "owner_party": Block.COV_OWNER_PARTY,
          "due": Block.COV_DUE, "target": Block.BREACH_TARGET, "description": Block.ACTION_DESCRIPTION}
KEY = "action-new:"  # the owner's DM, once per modal


@registry.view(Callback.ACTION_NEW_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    # The owner's DM is queued once per modal (Slack's view id): found again, this modal was recorded already, and
    # a second submission (Slack's retry, a double click) records nothing.
    dm_key = f"{KEY}{view.get('id') or 'no-view'}:owner"

    def work():
        with deps.db.session() as session:
            earlier = outbox.get(session, actor.team_id, dm_key) if view.get("id") else None
            if earlier is not None:
                return None, earlier.context["number"], earlier.context["due"], earlier.context["title"], None
            row = actions.add_by_command(session, actor, title=values.text(Block.COV_TITLE),
                                         description=values.text(Block.ACTION_DESCRIPTION),
                                         owner_user_id=values.user(Block.COV_OWNER_USER),
                                         owner_party_id=values.option_id(Block.COV_OWNER_PARTY),
                                         due=values.date(Block.COV_DUE),
                                         target_id=values.option_id(Block.BREACH_TARGET))
            queued = actions.tell_owner(session, actor, row, dm_key)
            if not queued:  # the same form, submitted at the same moment: that submission's action stands
                session.delete(row)
                earlier = outbox.get(session, actor.team_id, dm_key)
                return None, earlier.context["number"], earlier.context["due"], earlier.context["title"], None
            return row.id, row.number, row.due.isoformat(), row.title, row.owner_user_id

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    action_id, number, due, title, owner = done
    if action_id is None:
        tell(client, actor, meta.get("channel_id"), render_message(
            "req_status.yml.j2", sentence=f"This form was recorded already as action #{number}, due {due}; "
                                          "nothing was changed:", detail=title))
        return
    context["done"] = f"Action #{number} is recorded"
    tell(client, actor, meta.get("channel_id"), render_message(
        "req_status.yml.j2", sentence=[f"Recorded action #{number} for ", {"user_id": owner},
                                       f", due {due}; they have a DM about it (`/slm actions #{number}` shows it):"],
        detail=title))
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=dm_key)
