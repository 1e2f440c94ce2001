"""Socket Mode: the bot connects out to Slack over a WebSocket (slack_sdk's own client, no extra package) and
takes its commands, interactions and events there, when SLACK_APP_TOKEN (`xapp-...`) is set.

What arrives over the WebSocket goes to the same Bolt app as `POST /slack/events`, through the same middleware,
replay guard and guarded listeners (handlers/guard.py): the ack is sent the moment the listener acks, and the work
after it runs in the listeners' own threads, so one slow listener delays no other envelope's ack. Those requests
carry no signature and none is checked: Slack sends them only on a connection opened with the app-level token,
which is what authenticates them. The client reconnects by itself through a fresh `apps.connections.open` when
Slack asks (`disconnect`) or the connection drops; Slack delivers again what was not acked, and the replay guard
(handlers/replay_guard.py) acts on each request once.
"""
from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

# How often the client checks its connection (pings, and reconnects a connection found dead). A connection that
# Slack closes is reopened at once, without waiting for this.
CHECK_SECONDS = 10.0


def connect(bolt: App, app_token: str, *, check_seconds: float = CHECK_SECONDS) -> SocketModeHandler:
    """Connected to Slack and taking requests on the client's threads; `close()` it to stop."""
    handler = SocketModeHandler(bolt, app_token, ping_interval=check_seconds, logger=bolt.logger)
    handler.connect()
    return handler
