"""The "Add a party" modal: a customer, supplier or support group, with its contacts by role."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import service_map
from handlers import registry
from handlers.flows import contact_names
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback
from models import ContactRole, PartyKind

FIELDS = {"kind": Block.PARTY_KIND, "name": Block.PARTY_NAME, "description": Block.PARTY_DESCRIPTION,
          "owner": Block.PARTY_OWNER}
CONTACT_BLOCKS = {
    ContactRole.MANAGERIAL: Block.CONTACTS_MANAGERIAL,
    ContactRole.OPERATIONAL: Block.CONTACTS_OPERATIONAL,
    ContactRole.SERVICE_MANAGER: Block.CONTACTS_SERVICE_MANAGER,
    ContactRole.APPROVER: Block.CONTACTS_APPROVER,
}


def open(client: WebClient, trigger_id: str, *, channel_id: str | None, kind: PartyKind | None = None,
         name: str = "") -> None:
    view = render("party_form.yml.j2", kinds=list(PartyKind), kind=kind, name=name, contact_blocks=CONTACT_BLOCKS,
                  private_metadata=metadata(channel_id=channel_id))
    client.views_open(trigger_id=trigger_id, view=view)


@registry.view(Callback.PARTY_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    channel_id = read_metadata(view).get("channel_id")  # read first: metadata not ours refuses before any work
    data = service_map.PartyInput(
        kind=values.option(Block.PARTY_KIND),
        name=values.text(Block.PARTY_NAME),
        description=values.text(Block.PARTY_DESCRIPTION),
        channel_id=values.conversation(Block.PARTY_CHANNEL),
        contacts={role: values.users(block) for role, block in CONTACT_BLOCKS.items()},
        owner_user_id=values.user(Block.PARTY_OWNER),  # issue 17: the relationship owner
    )

    def work():
        with deps.db.session() as session:
            return service_map.add_party(session, actor, data)

    party = run_form(ack, FIELDS, work, view)
    if party is None:
        return
    ack()
    context["done"] = f"The {party.party_kind.label.lower()} {party.name} is added"
    tell(client, actor, channel_id,
         render_message("party_added.yml.j2", party=party, contacts=data.contacts))
    # Their names, for the agreements' documents: known now rather than when each first uses the bot.
    contact_names.learn(deps, client, actor.team_id, [u for users in data.contacts.values() for u in users])
