"""Slack Connect in the stand-in: a customer's own workspace, and a channel the sandbox's workspace hosts and shares
with it (a mixin of `workspace.SlackSandbox`, on its state and under its `_lock`).

What Slack does, and where it says so (the stand-in answers the same way):

- A Slack Connect channel has a host (`conversation_host_id`) and the workspaces it is shared with
  (`shared_team_ids`); `conversations.info` marks it `is_shared` and `is_ext_shared` (another organisation, not
  another workspace of one Grid: `is_org_shared` false) and says which workspace is asking (`context_team_id`).
  docs.slack.dev/apis/slack-connect ("Understanding Slack Connect": look out for differences in channel, message,
  user and team objects); the conversation type's fields on docs.slack.dev/reference/objects/conversation-object.
- `conversations.members` lists every member, the other organisation's people included.
- `users.info` answers for a person of another workspace who is in a shared channel with the caller, with their
  own `team_id` (and `is_admin` speaking of their own workspace); for one who shares no channel with the caller it
  answers only `is_stranger: true` and their id (docs.slack.dev/reference/methods/users.info, "Shared channels";
  the user type's `is_stranger` field). (People of another workspace the app is installed in are answered in
  full, as before: in single-token mode the one token stands for that installation's own.)
- `conversations.open` (and posting to a user id, which opens the DM) with a person of another organisation works
  only when the app and that person are already in a channel together: else `invalid_user_combination`, "All
  external people must already be in at least one channel together" (conversations.open's errors).
- What Slack sends when such a person acts in the shared channel: the `user` object carries their own `team_id`;
  `team` of a block_actions payload is the workspace the app is installed in (the interaction payload reference);
  a modal they submit was opened in their own workspace, so `team` and `view.team_id` are theirs and
  `view.app_installed_team_id` says whose app it is (what Bolt reads first, slack_bolt/request/internals.py).
  A slash command is sent to the app's installation with `team_id` the host's and `user_id` the person's: who they
  are is learned with users.info (their `team_id`). Events from the channel carry `is_ext_shared_channel: true`,
  `authorizations` for the installation, and `event.user_team` for the person's workspace (the Events API's outer
  fields; Bolt's `extract_actor_team_id`).

The sandbox's own second workspace is made by `reset` (`CUSTOMER_TEAM`, Acme Corp, with Ann and Max) with the shared
channel `#acme-connect` (`CONNECT_CHANNEL`); tests can make others with `add_connect_workspace` and `share_channel`.
"""
from __future__ import annotations

import copy

from bot.sandbox.objects import BOT_USER, ApiError

CUSTOMER_TEAM = "T0ACMECORP"
CUSTOMER_NAME = "Acme Corp"
CUSTOMER_APPROVER = "U0ACMEANN"  # Ann Approver, an admin of Acme Corp's workspace (not of the sandbox's)
CUSTOMER_MANAGER = "U0ACMEMAX"
CONNECT_CHANNEL = "C0ACMECONN"


class ConnectMethods:
    def _reset_connect(self) -> None:
        self.connect_teams: dict[str, str] = {}  # an organisation without the app -> the workspace hosting its channel

    def add_connect_workspace(self, team_id: str, name: str, *, users: dict[str, str], host: str,
                              tz: str = "UTC") -> dict:
        """Another organisation's workspace, met only through Slack Connect: the app is not installed there, so
        what its people do in a shared channel goes to the `host`'s installation. `users` {id: real name}; the
        first is an admin of their own workspace."""
        with self._lock:
            team = self.add_team(team_id, name)
            for n, (user_id, real_name) in enumerate(users.items()):
                self.add_user(user_id, real_name, team_id=team_id, is_admin=n == 0, tz=tz)
            self.connect_teams[team_id] = host
            return team

    def share_channel(self, channel_id: str, team_id: str, *, members: list[str] = ()) -> dict:
        """Share a channel its host owns with another workspace (a Slack Connect channel), adding its people."""
        with self._lock:
            channel = self.channels[channel_id]
            shared = channel.setdefault("shared_team_ids", [channel["team_id"]])
            if team_id not in shared:
                shared.append(team_id)
            channel["members"].extend(m for m in members if m not in channel["members"])
            return channel

    def add_customer_workspace(self) -> None:
        """The sandbox's Slack Connect customer: Acme Corp's workspace (Ann, their approver and an admin there; Max,
        their manager) and #acme-connect, hosted by the sandbox's workspace and shared with Acme Corp, where
        Alice, Bob, the bot, Ann and Max meet."""
        host = next(iter(self.teams))
        self.add_connect_workspace(CUSTOMER_TEAM, CUSTOMER_NAME, host=host, tz="America/Chicago",
                                   users={CUSTOMER_APPROVER: "Ann Approver", CUSTOMER_MANAGER: "Max Manager"})
        self.add_channel("acme-connect", channel_id=CONNECT_CHANNEL, team_id=host,
                         members=["U0ALICE", "U0BOB", BOT_USER])
        self.share_channel(CONNECT_CHANNEL, CUSTOMER_TEAM, members=[CUSTOMER_APPROVER, CUSTOMER_MANAGER])

    # ---- reading ---------------------------------------------------------------------------
    def app_team(self, user_id: str) -> str:
        """The workspace whose installation hears what this person does: their own, or for a person of an
        organisation without the app, the workspace hosting the channel they meet it in."""
        team = self.users.get(user_id, {}).get("team_id", "")
        return self.connect_teams.get(team, team)

    def is_external(self, user_id: str, team_id: str) -> bool:
        """Whether this person belongs to another workspace than `team_id`."""
        return self.users.get(user_id, {}).get("team_id", team_id) != team_id

    def is_shared(self, channel_id: str) -> bool:
        return len(self.channels.get(channel_id, {}).get("shared_team_ids") or []) > 1

    def _together(self, a: str, b: str) -> bool:
        return any(a in c["members"] and b in c["members"] for c in self.channels.values()
                   if not c.get("is_im") and not c.get("is_mpim"))

    def _sees(self, team_id: str, channel: dict) -> bool:
        return channel.get("team_id") == team_id or team_id in (channel.get("shared_team_ids") or ())

    def _installed_elsewhere(self, team_id: str) -> bool:
        """In single-token mode the one token stands for every installation's own (as users.info answers): a
        workspace other than the caller's that is not an organisation met only through Slack Connect."""
        return self._one_token and team_id != self._caller_team and team_id in self.teams \
            and team_id not in self.connect_teams

    def _reaches(self, channel: dict) -> bool:
        """Whether the calling token reaches a channel: its workspace's own, one shared with it, or (single-token
        mode) one of another workspace the app is installed in, as that installation's own token would."""
        return self._sees(self._caller_team, channel) or self._installed_elsewhere(channel.get("team_id") or "")

    # ---- the Web API's answers ---------------------------------------------------------------
    def _connect_user(self, user: dict) -> dict:
        """users.info for a person of another workspace than the caller's (see the module's docstring)."""
        caller = self._caller_team
        shared = any(user["id"] in c["members"] and self._sees(caller, c) for c in self.channels.values()
                     if not c.get("is_im") and not c.get("is_mpim"))
        if not shared:
            return {"id": user["id"], "team_id": user["team_id"], "is_stranger": True, "name": "", "deleted": False}
        seen = copy.deepcopy(user)
        seen["profile"] = {k: v for k, v in seen.get("profile", {}).items() if k != "email"}
        seen["profile"]["team"] = user["team_id"]
        return seen

    def _connect_fields(self, channel: dict) -> dict:
        """conversations.info's Slack Connect fields for a channel, as the calling workspace sees it."""
        shared = list(channel.get("shared_team_ids") or [channel.get("team_id")])
        out = {"is_shared": len(shared) > 1, "is_ext_shared": len(shared) > 1, "is_org_shared": False,
               "is_pending_ext_shared": False, "context_team_id": self._caller_team}
        if len(shared) > 1:
            out.update(shared_team_ids=shared, conversation_host_id=channel["team_id"],
                       connected_team_ids=[t for t in shared if t != channel["team_id"]])
        return out

    def _dm_reachable(self, user_id: str) -> dict:
        """The bot's DM with a person; one of another organisation only if they share a channel with the bot."""
        user = self.users.get(user_id)
        if user is None:
            raise ApiError("user_not_found")
        if self._installed_elsewhere(user["team_id"]):
            return self.dm_channel(user_id)  # single-token mode: as that installation's own token opens it
        if user["team_id"] != self._caller_team:
            if not self._together(user_id, BOT_USER):
                raise ApiError("invalid_user_combination",
                               ["[ERROR] All external people must already be in at least one channel together"])
            dm = self.dm_channel(user_id)
            dm["team_id"] = self._caller_team  # the DM lives in the installation's workspace, as a Slack Connect DM
            return dm
        return self._own(self.dm_channel(user_id), "channel_not_found")
