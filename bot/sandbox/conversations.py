"""The conversations.* methods of the Slack stand-in: DMs and group DMs opened, a channel described, listed, joined
and read back (history, threads), as Slack answers a bot token.

A mixin of `workspace.SlackSandbox`: it works on the sandbox's `channels` and messages, under its `_lock`;
`SlackSandbox._dispatch` finds its `_conversations_*` methods.
"""
from __future__ import annotations

import copy

from bot.sandbox.objects import BOT_USER, ApiError, page


class ConversationMethods:
    def _conversations_open(self, args: dict) -> dict:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if len(users) != 1:
            # Group DMs: a private channel with those members, as Slack's mpim.
            members = sorted(set(users))
            for c in self.channels.values():
                if c.get("is_mpim") and sorted(c["members"]) == members:
                    return {"channel": copy.deepcopy(c)}
            cid = self._next_id("G")
            self.channels[cid] = {"id": cid, "name": "mpdm-" + "--".join(members), "team_id": self._caller_team,
                                  "is_im": False, "is_mpim": True, "is_channel": False, "is_private": True,
                                  "members": members + [BOT_USER], "user": None}
            return {"channel": copy.deepcopy(self.channels[cid])}
        return {"channel": copy.deepcopy(self._dm_reachable(users[0]))}  # Slack Connect's rule: connect.py

    def _conversations_info(self, args: dict) -> dict:
        """As Slack answers a bot token: a private channel it is not in is not found; a channel's object says
        whether it is public (is_channel) or not (is_private, is_im, is_mpim)."""
        channel = self._resolve_channel(args["channel"])
        if channel["is_private"] and not channel.get("is_im") and not channel.get("is_mpim") \
                and BOT_USER not in channel["members"]:
            raise ApiError("channel_not_found")
        seen = {k: v for k, v in copy.deepcopy(channel).items() if k not in ("members", "shared_team_ids")}
        return {"channel": {**seen, **self._connect_fields(channel)}}

    def _conversations_list(self, args: dict) -> dict:
        return {"channels": [copy.deepcopy(c) for c in self.channels.values()
                             if not c["is_im"] and self._sees(self._caller_team, c)],
                "response_metadata": {"next_cursor": ""}}

    def _conversations_members(self, args: dict) -> dict:
        return {"members": list(self._resolve_channel(args["channel"])["members"]),
                "response_metadata": {"next_cursor": ""}}

    def _conversations_join(self, args: dict) -> dict:
        channel = self._resolve_channel(args["channel"])
        if BOT_USER not in channel["members"]:
            channel["members"].append(BOT_USER)
        return {"channel": copy.deepcopy(channel)}

    def _readable(self, channel_id: str) -> dict:
        """A bot token reads a channel only as a member (Slack: not_in_channel), though chat:write.public lets it
        post in a public one it never joined."""
        channel = self._resolve_channel(channel_id)
        if not channel.get("is_im") and not channel.get("is_mpim") and BOT_USER not in channel["members"]:
            raise ApiError("not_in_channel")
        return channel

    def _conversations_history(self, args: dict) -> dict:
        """Newest first, as Slack pages it; metadata only with include_all_metadata."""
        channel = self._readable(args["channel"])
        msgs = list(reversed(self.channel_messages(channel["id"], include_ephemeral=False)))
        return page(msgs, args)

    def _conversations_replies(self, args: dict) -> dict:
        """The parent first, then the replies oldest first, as Slack pages a thread."""
        channel = self._readable(args["channel"])
        try:
            parent = self._find_message(channel["id"], args["ts"])
        except ApiError:
            raise ApiError("thread_not_found") from None
        replies = self.channel_messages(channel["id"], thread_ts=parent.ts, include_ephemeral=False)
        return page([parent] + replies, args)
