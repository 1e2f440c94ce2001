"""The last resort for a listener that failed: log it whole, and tell the person plainly.

A domain error (bad input, no permission) is the person's to fix and is shown as
it is; anything else is ours, and the person learns that nothing was saved.
"""
from __future__ import annotations

import logging

from slack_bolt.response import BoltResponse
from slack_sdk.webhook import WebhookClient

from bot.errors import DomainError
from messages import render_message

log = logging.getLogger(__name__)


def on_error(error: Exception, body: dict, logger: logging.Logger) -> BoltResponse:
    if isinstance(error, DomainError):
        message = render_message("error.yml.j2", text=str(error), ours=False)
    else:
        logger.exception("listener failed: %s", error)
        message = render_message("error.yml.j2", text="Something went wrong on our side, and nothing was saved. "
                                                      "Please try again; if it keeps happening, tell your slm-bot admin.",
                                 ours=True)
    response_url = body.get("response_url") or next(iter(body.get("response_urls") or []), {}).get("response_url")
    if response_url:
        try:
            WebhookClient(response_url).send(response_type="ephemeral", replace_original=False, **message)
        except Exception:  # the report of a failure must not fail louder than the failure
            logger.exception("could not tell the user about the error")
    if isinstance(error, DomainError):
        return BoltResponse(status=200, body="")
    return BoltResponse(status=500, body="")
