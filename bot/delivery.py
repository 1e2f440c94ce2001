"""Sending what the outbox holds: the one path for everything the bot sends on its own."""
from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import outbox
from messages import render_message
from models import Outbox

log = logging.getLogger(__name__)


def deliver_pending(deps, client: WebClient) -> int:
    """Send every queued message once; returns how many were sent. One bad message never holds up the rest."""
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
            message = render_message(template, **context)
            posted = client.chat_postMessage(channel=channel, **message)
        except SlackApiError as err:  # Slack said no: try again next round, up to outbox.MAX_ATTEMPTS
            _failed(deps, row_id, f"Slack: {err.response.get('error')}")
            continue
        except Exception as err:  # noqa: BLE001  (a template or network failure: logged, kept, retried)
            log.exception("outbox %s could not be sent", row_id)
            _failed(deps, row_id, f"{type(err).__name__}: {err}")
            continue
        with deps.db.session() as session:
            outbox.sent(session, session.get(Outbox, row_id), deps.clock.now(), posted.get("ts"))
        count += 1
    return count


def _failed(deps, row_id: int, error: str) -> None:
    log.warning("outbox %s: %s", row_id, error)
    with deps.db.session() as session:
        outbox.failed(session, session.get(Outbox, row_id), error, deps.clock.now())
