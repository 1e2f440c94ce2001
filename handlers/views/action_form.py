"""The "Upgrade action" modal: a gap in cover becomes an action with an owner and a due date."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import cover as coverage
from bot.errors import DomainError
from bot.workspace.permissions import Capability, can
from handlers.flows import agreement_thread
from handlers import registry
from handlers.presenters.choices import owner_choices
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback

TITLE = "Upgrade action"  # the modal's title while the cover is checked, as the form's
FIELDS = {"title": Block.COV_TITLE, "owner_party": Block.COV_OWNER_PARTY, "owner_user": Block.COV_OWNER_USER,
          "due": Block.COV_DUE, "plan": Block.COV_PLAN}


def open(client: WebClient, trigger_id: str, deps, actor, *, target_id: int, key: str,
         channel_id: str | None) -> None:
    """Open the modal at once (its trigger lasts three seconds), then check the gap and put the form in it."""
    with deps.db.session() as session:  # a quick read, closed before Slack is called
        coverage.refuse_second_upgrade(session, actor, target_id, key)  # before the form opens: one upgrade per gap
        coverage.refuse_after_waived_and_agreed(session, actor, target_id, key)  # nothing left to accept as a plan
    view = client.views_open(trigger_id=trigger_id, view=render("cover_checking.yml.j2", title=TITLE, message=None))["view"]
    try:
        with deps.db.session() as session:  # closed before Slack is called
            title, owner, due = coverage.upgrade_suggestion(session, actor.team_id, target_id, key, at=actor.at())
            parties = owner_choices(session, actor.team_id, owner)
    except DomainError as err:  # said where the person is looking: in the modal they opened
        client.views_update(view_id=view["id"], hash=view["hash"],
                            view=render("cover_checking.yml.j2", title=TITLE, message=str(err)))
        return
    client.views_update(view_id=view["id"], hash=view["hash"], view=render(
        "action_form.yml.j2", title=title, owner_party_id=owner, due=max(due, actor.today()).isoformat(),
        parties=parties, may_accept=can(actor, Capability.WAIVE_GAP),
        private_metadata=metadata(target_id=target_id, key=key, channel_id=channel_id)))


@registry.view(Callback.ACTION_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)

    def work():
        with deps.db.session() as session:
            return coverage.add_upgrade(session, actor, target_id=meta["target_id"], key=meta["key"],
                                        title=values.text(Block.COV_TITLE),
                                        owner_party_id=values.option_id(Block.COV_OWNER_PARTY),
                                        owner_user_id=values.user(Block.COV_OWNER_USER),
                                        due=values.date(Block.COV_DUE),
                                        accept_plan="accept" in values.options(Block.COV_PLAN))

    action = run_form(ack, FIELDS, work, view)
    if action is None:
        return
    ack()
    context["done"] = f"Upgrade action #{action.number} is recorded (`/slm actions` lists it)"
    tell(client, actor, meta.get("channel_id"), render_message(
        "req_status.yml.j2", sentence=f"Recorded upgrade action #{action.number}, due {action.due.isoformat()}"
                                      + (", accepted as the plan" if action.plan_accepted_by else "")
                                      + " (see `/slm actions`):", detail=action.title))
    agreement_thread.refresh_headline(client, deps, actor, action.agreement_id)  # the SLA's headline names it
