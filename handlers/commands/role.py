import re

from slack_sdk.errors import SlackApiError

from bot.workspace import roles as members
from bot.errors import InvalidInput, Person
from bot.workspace.permissions import Capability, who_can
from handlers import registry
from handlers.commands.router import SlashRequest
from handlers.middleware import RightsUnconfirmed, resolve_actor, team_name
from messages import render_message

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def _parse(args: str) -> tuple[str, str]:
    parts = args.split()
    if len(parts) != 2 or not MENTION.match(parts[0]):
        raise InvalidInput({"role": "Say who and which role, like `/slm role grant @alex service-manager`."})
    return MENTION.match(parts[0]).group(1), members.parse_role(parts[1])


def _as_slack_says_now(req: SlashRequest):
    """Roles are granted on admin rights read from Slack just now, never from the cache: a demoted admin grants nothing."""
    return resolve_actor(req.deps, req.actor.team_id, req.actor.user_id, reread=True)


def _home_team(req: SlashRequest, user_id: str) -> tuple[str, str]:
    """The workspace the person belongs to, as Slack says now, and its name when it is another (Slack Connect): a
    role is never granted to someone from another."""
    try:
        home = members.home_team(req.client.users_info(user=user_id)["user"], req.actor.team_id)
        return home, (team_name(req.client, home) if home != req.actor.team_id else "")
    except SlackApiError:
        raise RightsUnconfirmed("I could not look that person up in Slack just now, so nothing was changed. "
                                "Please try again in a minute.") from None


@registry.command("role grant", "/slm role grant @person service-manager", "Let someone change the service map and agreements")
def grant(req: SlashRequest) -> None:
    user_id, role = _parse(req.args)
    actor = _as_slack_says_now(req)
    home_team, home_name = _home_team(req, user_id)  # asked before the unit of work: no connection held across Slack
    with req.deps.db.session() as session:
        changed = members.grant(session, actor, user_id, role, home_team=home_team, home_team_name=home_name)
    req.context["done"] = [Person(user_id), f" holds the {role.replace('_', ' ')} role"]
    req.respond(**render_message("role_changed.yml.j2", user_id=user_id, role=role, granted=True, changed=changed))


@registry.command("role revoke", "/slm role revoke @person service-manager", "Take a role away")
def revoke(req: SlashRequest) -> None:
    user_id, role = _parse(req.args)
    actor = _as_slack_says_now(req)
    with req.deps.db.session() as session:
        changed = members.revoke(session, actor, user_id, role)
    req.context["done"] = [Person(user_id), f" no longer holds the {role.replace('_', ' ')} role"]
    req.respond(**render_message("role_changed.yml.j2", user_id=user_id, role=role, granted=False, changed=changed))


@registry.command("roles", "/slm roles", "Who holds which role")
def list_roles(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        grants = members.grants(session, req.actor.team_id)
    req.respond(**render_message("roles.yml.j2", grants=grants, granters=who_can(Capability.GRANT_ROLES)))
