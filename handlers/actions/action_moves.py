"""The buttons beside a listed action (Start, Done with a note…, Cancel…) and the listing's Next page.

Start moves it at once; Done… and Cancel… open a small modal for the closing note (handlers.views.action_close_form).
Whoever may not move the action is told so before any modal opens. A second press changes nothing and says so.
"""
from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import actions
from bot.errors import DomainError
from handlers import registry
from handlers.presenters.actions import listing, read_next_value
from handlers.replies import metadata
from messages import render, render_message
from messages.ids import Action
from models import ActionStatus

ALREADY = {ActionStatus.DONE.value: "done", ActionStatus.CANCELLED.value: "cancelled"}


def _number(body: dict) -> int:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError) as err:
        raise DomainError("That button no longer names an action; list them again with `/slm actions`.") from err


def _channel(body: dict) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


@registry.action(Action.ACTION_START)
def start(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    with context["deps"].db.session() as session:
        moved = actions.move(session, context["actor"], _number(body), ActionStatus.IN_PROGRESS)
        number = moved.action.number
        said = (f"Action #{number} is in progress" if moved.changed
                else f"Action #{number} was already in progress; nothing was changed")
        # the action again, with the buttons still to press (Done with a note…, Cancel…), so what comes next is
        # beside the answer and not only on the listing above, which still offers Start
        message = render_message("actions_list.yml.j2", **{**listing(session, context["actor"], f"#{number}"),
                                                           "label": said})
    context["done"] = f"Action #{number} is in progress"
    respond(replace_original=False, **message)


def _open_close_form(body: dict, client: WebClient, context: BoltContext, to: ActionStatus) -> None:
    actor, number = context["actor"], _number(body)
    with context["deps"].db.session() as session:  # a quick read, closed before Slack is called
        row = actions.by_number(session, actor.team_id, number)
        actions.require_may_move(session, actor, row)
        status, title = row.status, row.title
    if status in ALREADY:  # nothing to note: said at once, no modal
        raise DomainError(f"Action #{number} is {ALREADY[status]} already; nothing was changed.")
    client.views_open(trigger_id=body["trigger_id"], view=render(
        "action_close_form.yml.j2", to=to.value, number=number, title=title,
        private_metadata=metadata(number=number, to=to.value, channel_id=_channel(body))))


@registry.action(Action.ACTION_FINISH)
def finish(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _open_close_form(body, client, context, ActionStatus.DONE)


@registry.action(Action.ACTION_CANCEL)
def cancel(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    _open_close_form(body, client, context, ActionStatus.CANCELLED)


@registry.action(Action.ACTIONS_NEXT)
def next_page(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    words, offset = read_next_value(body["actions"][0].get("value") or "")
    with context["deps"].db.session() as session:
        message = render_message("actions_list.yml.j2", **listing(session, context["actor"], words, offset))
    respond(replace_original=True, **message)
