"""Telling a person that what they asked for failed: in their words, where they are.

A domain error (bad input, no permission) is theirs to fix and is shown as it
is; anything else is ours: it is logged with its traceback, and the person learns
that what they asked was not done.
"""
from __future__ import annotations

import logging

from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.errors import DomainError
from bot.slack_retries import spends_trigger
from messages import render_message

log = logging.getLogger(__name__)
OURS = ("Something went wrong on our side, and what you asked for was not done. Please try again; "
        "if it keeps happening, tell your slm-bot admin.")
SLACK_BUSY = "Slack is busy right now, so the form could not open. Please try again in a moment."


def _message(error: Exception) -> dict:
    if isinstance(error, DomainError):
        return render_message("error.yml.j2", parts=error.parts, ours=False)
    log.error("listener failed", exc_info=error)
    return render_message("error.yml.j2", parts=[OURS], ours=True)


def _form_refused_as_busy(error: Exception) -> bool:
    """Slack rate-limited opening a form for longer than its trigger lives (bot/slack_retries.py gave up)."""
    response = getattr(error, "response", None) if isinstance(error, SlackApiError) else None
    return response is not None and response.status_code == 429 and spends_trigger(response.api_url or "")


def _response_url(body: dict) -> str | None:
    return body.get("response_url") or next(iter(body.get("response_urls") or []), {}).get("response_url")


def report(error: Exception, body: dict, client, context, ack) -> None:
    """A guarded listener failed: ack if it had not, then tell the person.

    When the listener had already done what was asked (it says so in context["done"]) and only telling
    Slack about it failed, the person is told that, so they do not do it again.
    """
    done = context.get("done") if context is not None else None
    if done and not isinstance(error, DomainError):
        log.error("listener failed after its work was done", exc_info=error)
        said = list(done) if isinstance(done, (list, tuple)) else [done]  # text, or parts naming people
        message = render_message("error.yml.j2", parts=[*said, "; but showing it in Slack failed, so some messages may "
                                                        "be missing. Nothing needs doing again."], ours=True)
    elif _form_refused_as_busy(error):  # nothing was done, and it is not ours to fix: say so, and to try again
        log.warning("Slack rate-limited opening a form: %s", error)
        message = render_message("error.yml.j2", parts=[SLACK_BUSY], ours=True)
    else:
        message = _message(error)
    if ack is not None and ack.response is None:
        if body.get("type") == "view_submission" and body.get("view", {}).get("blocks"):
            first = next((b.get("block_id") for b in body["view"]["blocks"] if b.get("type") == "input"), None)
            if first:  # keep the modal open with the reason on it: nothing typed is lost
                ack(response_action="errors", errors={first: message["text"][:300]})
                return
        ack()
    try:
        url = _response_url(body)
        if url:
            WebhookClient(url).send(response_type="ephemeral", replace_original=False, **message)
        elif context is not None and context.user_id:
            client.chat_postMessage(channel=context.user_id, **message)
    except Exception:  # the report of a failure must not fail louder than the failure
        log.exception("could not tell the user about the error")


def on_error(error: Exception, body: dict, response: BoltResponse | None, logger: logging.Logger) -> BoltResponse | None:
    """Bolt's last resort, for failures outside listeners (middleware)."""
    message = _message(error)
    url = _response_url(body)
    if url:
        try:
            WebhookClient(url).send(response_type="ephemeral", replace_original=False, **message)
        except Exception:
            logger.exception("could not tell the user about the error")
    if response is None:
        return None
    return BoltResponse(status=200 if isinstance(error, DomainError) else 500, body="")
