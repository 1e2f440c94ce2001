"""`/slm party contact @person <role> [party]`: name someone a party's contact, a customer's own person met in a Slack
Connect channel included (issue 16).

Why a command with a mention, and not only the party form's people picker: Slack's users_select lists the people of
the workspace the modal is opened in, so a customer's person of their own workspace is not reliably offered there;
a mention in the channel shared with them always names them, and in that channel the bot can check with Slack that
the person is in it (conversations.members) and which workspace they belong to (users.info's `team_id`, which Slack
answers for someone in a shared channel: docs.slack.dev/reference/methods/users.info, "Shared channels"), and that
the channel is the party's own and is shared with that workspace (conversations.info `shared_team_ids`). A contact is
then recognised by their user id and that workspace. Slack is asked before the unit of work: no connection is held
across a Slack call.
"""
from __future__ import annotations

import re

from slack_sdk.errors import SlackApiError

from bot import service_map
from bot.errors import DomainError, InvalidInput, NotFound
from bot.workspace import roles as members
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from messages import render_message
from models import ContactRole, Party

USAGE = "/slm party contact @person <role> [party]"
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ROLE_WORDS = {r.value.replace("_", "-"): r.value for r in ContactRole} | {r.value: r.value for r in ContactRole}


def _parse(args: str) -> tuple[str, str, str]:
    parts = args.split(maxsplit=2)
    if len(parts) < 2 or not MENTION.match(parts[0]):
        raise InvalidInput({"user": f"Say who, which role and (outside the party's channel) which party, like "
                                    f"`/slm party contact @ann approver Acme Corp`. Roles: {', '.join(_roles())}."})
    role = ROLE_WORDS.get(parts[1].lower())
    if role is None:
        raise InvalidInput({"role": f"“{parts[1]}” is not a contact role. Roles: {', '.join(_roles())}."})
    return MENTION.match(parts[0]).group(1), role, one_name(parts[2]) if len(parts) > 2 else ""


def _roles() -> list[str]:
    return [r.value.replace("_", "-") for r in ContactRole]


def _party(req: SlashRequest, named: str) -> Party:
    with req.deps.db.read_session() as session:
        if named:
            found = service_map.find(session, req.actor.team_id, named)
            if not isinstance(found, Party):
                raise NotFound(f"There is no customer, supplier or support group called “{named}”.")
            return found
        found = next((p for p in service_map.list_parties(session, req.actor.team_id)
                      if p.channel_id == req.channel_id), None)
    if found is None:
        raise InvalidInput({"party": "This channel is no party's own channel: say which party, like "
                                     "`/slm party contact @ann approver Acme Corp`."})
    return found


def _in_shared_channel(req: SlashRequest, party: Party, user_id: str, team: str) -> bool:
    """Whether this is the party's own channel, shared with the person's workspace, and they are in it."""
    if party.channel_id != req.channel_id:
        return False
    channel = req.client.conversations_info(channel=req.channel_id)["channel"]
    if team not in (channel.get("shared_team_ids") or []):
        return False
    cursor = None
    while True:
        page = req.client.conversations_members(channel=req.channel_id, cursor=cursor, limit=200)
        if user_id in page["members"]:
            return True
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False


@registry.command("party contact", USAGE, "Name someone a party's contact: a customer's own person in the channel "
                  "shared with them (Slack Connect) too")
def name_contact(req: SlashRequest) -> None:
    require(req.actor, Capability.EDIT_MAP)
    user_id, role, named = _parse(req.args)
    party = _party(req, named)
    try:
        profile = req.client.users_info(user=user_id)["user"]
        team = members.home_team(profile, req.actor.team_id)
        external = team != req.actor.team_id
        shared = external and _in_shared_channel(req, party, user_id, team)
    except SlackApiError:
        raise DomainError("I could not look that person up in Slack just now, so nothing was changed. "
                          "Please try again in a minute.") from None
    with req.deps.db.session() as session:
        changed = service_map.name_contact(session, req.actor, party.id, user_id, role,
                                           user_team=team if external else None, in_shared_channel=shared)
    req.respond(**render_message("contact_named.yml.j2", user_id=user_id, role=role.replace("_", " "),
                                 party=party.name, external=external, changed=changed))
