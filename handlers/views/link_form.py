"""The "Link to a service" modal: which party consumes, supports or supplies which service, over which activities."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import service_map
from handlers import registry
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback
from bot.service_map.choices import Choice

FIELDS = {"service": Block.LINK_SERVICE, "party": Block.LINK_PARTY, "component": Block.LINK_COMPONENT,
          "activities": Block.LINK_ACTIVITIES, "other_activities": Block.LINK_OTHER_ACTIVITIES}


def open(client: WebClient, trigger_id: str, *, channel_id: str | None, services: list[Choice], parties: list[Choice],
         chosen: Choice | None = None) -> None:
    """`services` and `parties`: the first 101 of each (service_map.choices); past 100 a select searches as the
    person types. `chosen`: the service named after `/slm link`, chosen already."""
    groups: dict[str, list[Choice]] = {}
    for party in parties[:100]:
        groups.setdefault(party.kind, []).append(party)
    view = render("link_form.yml.j2", services=services[:100], service_search=len(services) > 100,
                  party_groups=list(groups.items()), party_search=len(parties) > 100, chosen=chosen,
                  activities=service_map.STANDARD_ACTIVITIES, other=service_map.OTHER_ACTIVITIES,
                  private_metadata=metadata(channel_id=channel_id))
    client.views_open(trigger_id=trigger_id, view=view)


@registry.view(Callback.LINK_FORM)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    channel_id = read_metadata(view).get("channel_id")  # read first: metadata not ours refuses before any work

    def work():
        activities = service_map.parse_activities(values.options(Block.LINK_ACTIVITIES),
                                                  values.text(Block.LINK_OTHER_ACTIVITIES))
        with deps.db.session() as session:
            link = service_map.link(session, actor, service_id=values.option_id(Block.LINK_SERVICE),
                                    party_id=values.option_id(Block.LINK_PARTY),
                                    component=values.text(Block.LINK_COMPONENT), activities=activities)
            return (link, service_map.get_service(session, actor.team_id, link.service_id),
                    service_map.get_party(session, actor.team_id, link.party_id))

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    link, service, party = done
    ack()
    context["done"] = f"{party.name} is linked to {service.name}"
    tell(client, actor, channel_id,
         render_message("link_added.yml.j2", link=link, service=service, party=party))
