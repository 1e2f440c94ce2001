"""Each workspace's Web API client, built from its installation (distributed mode) and kept a minute, so that the
bot's own sends (the outbox, the scheduled jobs) and the profile lookup before an ack cost no query each. A workspace
uninstalled in another process is seen within that minute; delivery also asks which workspaces are installed on
each round (bot.delivery), so nothing is sent into a workspace gone meanwhile."""
from __future__ import annotations

import threading
import time

from slack_sdk import WebClient

from bot.installs.cipher import TokenCipher
from bot.installs.store import EncryptedInstallationStore, state_store

KEEP_SECONDS = 60.0


class Installs:
    def __init__(self, deps, new_client):
        """`new_client()`: a Web API client as the app makes them (bot.app.create_web_client), given a token here."""
        settings = deps.settings
        self._new_client = new_client
        self.store = EncryptedInstallationStore(settings.slack_client_id, deps.db.engine,
                                                TokenCipher(settings.token_encryption_key))
        self.states = state_store(deps.db.engine)
        self._clients: dict[str, tuple[float, WebClient | None]] = {}
        self._lock = threading.Lock()

    def client_for(self, team_id: str) -> WebClient | None:
        now = time.monotonic()
        with self._lock:
            kept = self._clients.get(team_id)
        if kept is not None and now - kept[0] < KEEP_SECONDS:
            return kept[1]
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        client = None
        if bot is not None and bot.bot_token:
            client = self._new_client()
            client.token = bot.bot_token
        if client is not None:  # a workspace not installed is asked again next time: it may install any moment
            with self._lock:
                self._clients[team_id] = (now, client)
        return client

    def forget(self, team_id: str) -> None:
        """Its installation changed (installed, uninstalled): build its client afresh next time."""
        with self._lock:
            self._clients.pop(team_id, None)

    def installed_teams(self) -> set[str]:
        return self.store.installed_teams()
