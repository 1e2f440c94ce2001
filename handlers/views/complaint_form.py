"""The complaint modal (issue 17): `/slm complaint` and *Record as complaint* open it; submitting records the
complaint (bot.complaints), confirms it to whoever recorded it, and sends what the owner's DMs queued."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import complaints, delivery
from bot.service_map import choices
from handlers import registry
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback
from models import PartyKind

FIELDS = {"customer": Block.COMPLAINT_CUSTOMER, "service": Block.COMPLAINT_SERVICE,
          "complainant": Block.COMPLAINT_COMPLAINANT, "text": Block.COMPLAINT_TEXT, "owner": Block.COMPLAINT_OWNER}
QUOTE_LIMIT = 3000


def view(session, team_id: str, *, channel_id: str | None, customer_id: int | None = None,
         complainant: str | None = None, text: str = "", permalink: str | None = None, quoted: bool = False) -> dict:
    customers = [(str(c.id), c.name) for c in choices.parties(session, team_id, kinds=(PartyKind.CUSTOMER,),
                                                               limit=choices.CHOICES_LIMIT + 1)]
    services = [(str(s.id), s.name) for s in choices.services(session, team_id, limit=choices.CHOICES_LIMIT + 1)]
    return render("complaint_form.yml.j2", customers=customers, services=services,
                  customer_id=str(customer_id) if customer_id else None, complainant=complainant,
                  text=text[:QUOTE_LIMIT], quoted=text[:QUOTE_LIMIT] if quoted else "",
                  private_metadata=metadata(channel_id=channel_id, permalink=permalink))


def open(client: WebClient, trigger_id: str, deps, team_id: str, **kwargs) -> None:
    with deps.db.session() as session:  # read, closed before Slack is called
        built = view(session, team_id, **kwargs)
    client.views_open(trigger_id=trigger_id, view=built)


@registry.view(Callback.COMPLAINT_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)
    channel_id, permalink = meta.get("channel_id"), meta.get("permalink")

    def work():
        with deps.db.session() as session:
            row = complaints.record(session, actor, complaints.ComplaintInput(
                customer_id=values.option_id(Block.COMPLAINT_CUSTOMER),
                service_id=values.option_id(Block.COMPLAINT_SERVICE),
                complainant=values.user(Block.COMPLAINT_COMPLAINANT), text=values.text(Block.COMPLAINT_TEXT),
                owner_user_id=values.user(Block.COMPLAINT_OWNER), source_permalink=permalink))
            return row.id, row.number, row.owner_user_id, row.due_at.strftime("%Y-%m-%d %H:%M UTC")

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    complaint_id, number, owner, due = done
    context["done"] = f"Complaint #{number} is recorded"
    sentence = [f"Complaint #{number} is recorded; the answer is due by {due}. "]
    sentence += (["Its owner, ", {"user_id": owner}, ", is told."] if owner else
                 ["It has no owner: name the customer's relationship owner with `/slm party owner`."])
    tell(client, actor, channel_id, render_message("req_status.yml.j2", sentence=sentence))
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=f"complaint:{complaint_id}:")
