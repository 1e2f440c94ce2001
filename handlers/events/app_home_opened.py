"""The App Home tab: what is the person's own (their actions, their groups' breach alerts, their reviews, the SLAs
waiting for them, their snoozed reminders), a service manager's every SLA, the map at a glance, and buttons.

Drawn when opened, and again after anything on it changes (bot.home_refresh queues the publish; bot.delivery
renders it with `render_home` when it is sent, so the newest state is published)."""
from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import actions, agreements, delivery, service_map
from bot.reviews import home as mine
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can
from handlers import registry
from handlers.presenters.home import action_lines, my_action_lines, sections, sla_rows
from messages import render
from models import AgreementKind

HOME_ACTIONS = 10  # open actions listed on the tab, each a block with its Done; the rest are counted (100 blocks)
MY_ACTIONS = 10    # their own, the same way
MY_ITEMS = 8       # per list of theirs: lines of one block (Slack's 3,000 characters a block)
HOME_SLAS = 15     # a service manager's SLAs, a block each, compliance computed for these only
HOME_SERVICES = 20
HOME_AGREEMENTS = 15


@registry.event("app_home_opened")
def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    publish(client, context["deps"], context["actor"])


def publish(client: WebClient, deps, actor: Actor) -> None:
    """Draw the tab for this person (also after they close an action from it)."""
    client.views_publish(user_id=actor.user_id, view=home_view(deps, actor))


@delivery.renders_home
def render_home(deps, team_id: str, user_id: str) -> dict:
    """The Home as it stands now, for a refresh queued after a change: the person's roles as last known (no Slack
    call here: this runs in the delivery round)."""
    with deps.db.read_session() as session:
        member = members.get(session, team_id, user_id)
        roles = members.roles_of(session, team_id, user_id)
    actor = Actor(team_id=team_id, user_id=user_id, roles=roles, tz=member.tz if member else "UTC",
                  now=deps.clock.now(), org_tz=deps.settings.timezone)
    return home_view(deps, actor)


def home_view(deps, actor: Actor) -> dict:
    now, today = actor.at(), actor.today()
    # Only reads: in a read session, which on SQLite takes no write lock (bot/database.py), so a tab drawn for every
    # person who opens it never holds up a writer, nor waits behind one (the worker's recheck, a bulk ingest).
    with deps.db.read_session() as session:
        # What is shown, and counts for the rest: the work follows the rows on the tab, not the rows stored.
        services, services_total = service_map.glance.first_services(session, actor.team_id, HOME_SERVICES)
        parties_total = service_map.glance.party_count(session, actor.team_id)
        listed_agreements = mine.agreements_glance(session, actor.team_id, HOME_AGREEMENTS)
        rows = [{"kind": AgreementKind(a.kind).label, "name": a.name, "status": agreements.status_line(a),
                 "link": a.permalink} for a in listed_agreements.items]
        open_actions = mine.open_actions(session, actor.team_id, today, HOME_ACTIONS)
        listed = open_actions.items
        owner_parties = {a.number: service_map.get_party(session, a.team_id, a.owner_party_id).name
                         for a in listed if a.owner_party_id}
        closable = {a.number for a in listed if actions.may_close(actor, a)}
        theirs = {"actions": mine.my_actions(session, actor.team_id, actor.user_id, today, MY_ACTIONS),
                  "breaches": mine.my_breaches(session, actor.team_id, actor.user_id, MY_ITEMS),
                  "reviews": mine.my_reviews(session, actor.team_id, actor.user_id, now, MY_ITEMS),
                  "awaiting": mine.awaiting_agreement(session, actor, MY_ITEMS),
                  "snoozed": mine.my_snoozed(session, actor.team_id, actor.user_id, MY_ITEMS)}
        overview = (mine.sla_overview(session, actor.team_id, now, HOME_SLAS)
                    if can(actor, Capability.ARRANGE_REVIEWS) else None)  # those who keep the SLAs' reviews
    own = theirs["actions"]
    return render(
        "home.yml.j2", services=services, services_total=services_total, parties_total=parties_total,
        agreements=rows, agreements_total=listed_agreements.total,
        listed=action_lines(listed, owner_parties, closable, today), more=open_actions.more,
        overdue=open_actions.overdue, can_edit=can(actor, Capability.EDIT_MAP),
        mine=my_action_lines(own, actor.user_id), mine_more=own.more,
        mine_overdue=own.overdue, lists=sections(theirs, actor.tz),
        slas=sla_rows(overview, actor.tz) if overview is not None else None,
        slas_more=overview.more if overview is not None else 0)
