"""The snooze buttons on an action's nudge DM: "Remind me tomorrow", "Remind me next week" (its "Done" button is the
actions listing's, handlers.actions.coverage_buttons). The DM is edited in place through the outbox to say when the
nudge comes back; that edit goes out at once from here, this action's messages only."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import delivery
from bot.actions import nudging
from handlers import registry
from messages.ids import Action
from models import Reminder


def _snooze(body: dict, client: WebClient, context: BoltContext, how: str) -> None:
    deps, actor = context["deps"], context["actor"]
    value = str(body["actions"][0].get("value") or "")
    with deps.db.session() as session:
        nudging.snooze(session, actor.team_id, actor.user_id, value, how, actor.at())
        row = session.get(Reminder, int(value.partition(":")[0]))  # found by snooze, or it raised
        prefix = nudging.delivery_prefix(row)
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=prefix)


@registry.action(Action.ACTION_NUDGE_SNOOZE_DAY)
def snooze_day(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _snooze(body, client, context, "day")


@registry.action(Action.ACTION_NUDGE_SNOOZE_WEEK)
def snooze_week(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _snooze(body, client, context, "week")
