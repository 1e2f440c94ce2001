"""Sending what the outbox holds: the one path for everything the bot sends on its own."""
from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import outbox
from messages import render_message

log = logging.getLogger(__name__)


def deliver_pending(deps, client: WebClient) -> int:
    """Send every queued message once; returns how many were sent."""
    with deps.db.session() as session:
        ids = outbox.due(session, deps.clock.now())
    count = 0
    for row_id in ids:
        with deps.db.session() as session:
            row = outbox.claim(session, row_id, deps.clock.now())
            if row is None:
                continue  # another replica has it
            channel, template, context = row.channel, row.template, dict(row.context)
        try:
            posted = client.chat_postMessage(channel=channel, **render_message(template, **context))
        except SlackApiError as err:
            log.warning("outbox %s: %s", row_id, err.response.get("error"))
            with deps.db.session() as session:
                outbox.failed(session, session.get(type(row), row_id), str(err.response.get("error")))
            continue
        with deps.db.session() as session:
            outbox.sent(session, session.get(type(row), row_id), deps.clock.now(), posted.get("ts"))
        count += 1
    return count
