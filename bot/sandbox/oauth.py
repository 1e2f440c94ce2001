"""The stand-in's side of Slack's OAuth install flow (a mixin of `SlackSandbox` on its state), for distributed mode.

- `authorize_redirect`: Slack's authorize page (`/sandbox/oauth/authorize`, see api.py) once a person allowed the
  app into a workspace: a one-time code, handed back to the app's redirect URL with the app's state.
- `oauth.v2.access`: the code (once, with the app's client id and secret, over HTTP Basic as slack_sdk sends them)
  becomes a bot token of that workspace's own, `xoxb-sandbox-<team>-...`.
- Every token answers for its own workspace: auth.test says which, and its channels and people are the only ones it
  reaches (another workspace's channel, or DM, is `channel_not_found`), as in Slack; users.info still answers for a
  person of another workspace, as Slack does for one in a shared channel. Tokens the
  stand-in never issued (the embedded sandbox token, the tests' `xoxb-test-...`) belong to the first workspace, so
  single-token mode behaves as before. `uninstall` revokes a workspace's tokens (`token_revoked`), as Slack does.
"""
from __future__ import annotations

import base64
import binascii
import itertools
import secrets
from urllib.parse import urlencode

from bot.sandbox.objects import APP_ID, BOT_USER, SANDBOX_TEAM, ApiError

ISSUED_PREFIX = "xoxb-sandbox-T"


class OAuthMethods:
    def _reset_oauth(self) -> None:
        self.oauth_app: tuple[str, str] | None = None  # (client id, client secret) the stand-in's app is known by
        self.codes: dict[str, tuple[str, str, str]] = {}  # code -> (team, installer, redirect_uri), used once
        self.issued: dict[str, str] = {}  # bot token -> its workspace
        self.revoked: set[str] = set()
        self._installs = itertools.count(1)
        self._caller_team = SANDBOX_TEAM
        self._one_token = True  # the call's token is not one the stand-in issued (single-token mode)

    def enable_oauth(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self.oauth_app = (client_id, client_secret)

    def add_workspace(self, team_id: str, name: str, *, users: dict[str, str], channels: dict[str, str]) -> dict:
        """Another workspace: `users` {id: real name} (the first an admin), `channels` {id: name}, all members."""
        with self._lock:
            team = self.add_team(team_id, name)
            for n, (user_id, real_name) in enumerate(users.items()):
                self.add_user(user_id, real_name, team_id=team_id, is_admin=n == 0)
            for channel_id, channel_name in channels.items():
                self.add_channel(channel_name, team_id=team_id, channel_id=channel_id, members=list(users))
            return team

    def authorize_redirect(self, *, client_id: str, team_id: str, state: str, redirect_uri: str | None,
                           installer: str | None = None) -> str:
        """Where Slack's authorize page sends the browser once the app is allowed into `team_id`."""
        with self._lock:
            if self.oauth_app is None or client_id != self.oauth_app[0]:
                raise ApiError("invalid_client_id")
            if team_id not in self.teams:
                raise ApiError("team_not_found")
            installer = installer or next((u["id"] for u in self.users.values()
                                           if u["team_id"] == team_id and u["is_admin"]), "")
            redirect_uri = redirect_uri or f"{self.base_url}/slack/oauth_redirect"
            code = f"code-{secrets.token_hex(8)}"
            self.codes[code] = (team_id, installer, redirect_uri)
            return f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"

    def _oauth_v2_access(self, args: dict, authorization: str | None) -> dict:
        client_id, client_secret = _basic(authorization) or (args.get("client_id"), args.get("client_secret"))
        if self.oauth_app is None or client_id != self.oauth_app[0]:
            raise ApiError("invalid_client_id")
        if client_secret != self.oauth_app[1]:
            raise ApiError("bad_client_secret")
        found = self.codes.pop(args.get("code") or "", None)
        if found is None:
            raise ApiError("invalid_code")
        team_id, installer, redirect_uri = found
        if args.get("redirect_uri") and args["redirect_uri"] != redirect_uri:
            raise ApiError("bad_redirect_uri")
        token = f"{ISSUED_PREFIX[:-1]}{team_id}-{next(self._installs)}-{secrets.token_hex(12)}"
        self.issued[token] = team_id
        return {"app_id": APP_ID, "authed_user": {"id": installer}, "scope": "commands,chat:write",
                "token_type": "bot", "access_token": token, "bot_user_id": BOT_USER,
                "team": {"id": team_id, "name": self.teams[team_id]["name"]}, "enterprise": None,
                "is_enterprise_install": False}

    def uninstall(self, team_id: str) -> None:
        """The workspace removed the app: Slack revokes its tokens (then sends app_uninstalled)."""
        with self._lock:
            self.revoked |= {t for t, team in self.issued.items() if team == team_id}

    def token_team(self, token: str) -> str:
        """The workspace a token answers for (ApiError as Slack's for a revoked or made-up issued-looking one)."""
        if token in self.revoked:
            raise ApiError("token_revoked")
        if token in self.issued:
            return self.issued[token]
        if token.startswith(ISSUED_PREFIX):
            raise ApiError("invalid_auth")
        return SANDBOX_TEAM

    def tokens_of(self, team_id: str) -> list[str]:
        return [t for t, team in self.issued.items() if team == team_id and t not in self.revoked]

    def _own(self, obj: dict, error: str) -> dict:
        """`obj` (a channel, a person) if it is in the calling token's workspace; else Slack's error."""
        if obj.get("team_id", SANDBOX_TEAM) != self._caller_team:
            raise ApiError(error)
        return obj


def _basic(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(authorization[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret
