"""Telling a person that what they asked for failed: in their words, where they are.

A domain error (bad input, no permission) is theirs to fix and is shown as it
is; a database that cannot be reached is said to be so, since trying again later
will work; anything else is ours: it is logged with its traceback, and the person
learns that what they asked was not done.
"""
from __future__ import annotations

import logging

from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.database import unavailable
from bot.errors import DomainError
from bot.slack_retries import spends_trigger
from messages import render_message

log = logging.getLogger(__name__)
OURS = ("Something went wrong on our side, and what you asked for was not done. Please try again; "
        "if it keeps happening, tell your slm-bot admin.")
SLACK_BUSY = "Slack is busy right now, so the form could not open. Please try again in a moment."
DATABASE = "The bot can't reach its database right now; nothing was changed. Please try again in a minute."


def _message(error: Exception) -> dict:
    if isinstance(error, DomainError):
        return render_message("error.yml.j2", parts=error.parts, ours=False)
    if unavailable(error):  # the database's trouble, not the code's: one line, no traceback
        log.warning("the database could not be reached: %s", getattr(error, "orig", None) or type(error).__name__)
        return render_message("error.yml.j2", parts=[DATABASE], ours=True)
    log.error("listener failed", exc_info=error)
    return render_message("error.yml.j2", parts=[OURS], ours=True)


def _form_refused_as_busy(error: Exception) -> bool:
    """Slack rate-limited opening a form for longer than its trigger lives (bot/slack_retries.py gave up)."""
    response = getattr(error, "response", None) if isinstance(error, SlackApiError) else None
    return response is not None and response.status_code == 429 and spends_trigger(response.api_url or "")


def _response_url(body: dict) -> str | None:
    return body.get("response_url") or next(iter(body.get("response_urls") or []), {}).get("response_url")


def _modal_errors(body: dict, text: str) -> dict[str, str] | None:
    """A submitted modal's first input, with `text` as its error; None when this is no modal submission."""
    if body.get("type") == "view_submission" and body.get("view", {}).get("blocks"):
        first = next((b.get("block_id") for b in body["view"]["blocks"] if b.get("type") == "input"), None)
        if first:
            return {first: text[:300]}
    return None


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
        errors = _modal_errors(body, message["text"])
        if errors:  # keep the modal open with the reason on it: nothing typed is lost
            ack(response_action="errors", errors=errors)
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


def _listener_key(body: dict) -> str:
    """The ids a listener would be registered under; never anything a person typed."""
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    actions = body.get("actions") if isinstance(body.get("actions"), list) else []
    first = actions[0] if actions and isinstance(actions[0], dict) else {}
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    key = body.get("callback_id") or view.get("callback_id") or first.get("action_id") or body.get("action_id") \
        or event.get("type")
    return str(key)[:100]


def on_error(error: Exception, body: dict, response: BoltResponse | None, logger: logging.Logger) -> BoltResponse | None:
    """Bolt's last resort, for failures outside listeners (middleware), and for requests no listener takes."""
    if isinstance(error, BoltUnhandledRequestError):  # logged by what it was, never with its body
        log.info("no listener for a %s request (%s)", body.get("type") or body.get("command") or "Slack",
                 _listener_key(body))
        return error.current_response
    message = _message(error)
    errors = _modal_errors(body, message["text"])
    if errors and response is not None:  # no listener ran (the actor middleware failed): the modal stays open
        return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    url = _response_url(body)
    if url:
        try:
            WebhookClient(url, timeout=2).send(response_type="ephemeral", replace_original=False, **message)
        except Exception:
            logger.exception("could not tell the user about the error")
    if response is None:
        return None
    told = isinstance(error, DomainError) or (url is not None and unavailable(error))
    return BoltResponse(status=200 if told else 500, body="")
