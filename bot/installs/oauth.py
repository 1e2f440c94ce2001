"""Wiring Slack's OAuth install flow into the Bolt app (distributed mode): `GET /slack/install` gives the "Add to
Slack" link, `GET /slack/oauth_redirect` takes Slack's code, checks the one-time state (cookie and store), exchanges
the code (oauth.v2.access) and stores the workspace's tokens, encrypted. Bolt authorises each request from the store,
so listeners get their workspace's client."""
from __future__ import annotations

import html
import logging

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.installs import uninstall

log = logging.getLogger(__name__)

# Why an install did not finish, in the words of the person installing (Bolt's reasons, and Slack's `error`).
REASONS = {
    "invalid_state": "This install link has expired or was already used.",
    "invalid_browser": "This install was started in another browser (or its cookie was lost).",
    "missing_code": "Slack did not send the code this install needs.",
    "invalid_code": "Slack refused the install's code (it may have been used already).",
    "access_denied": "The install was cancelled.",
    "storage_error": "The bot could not store the installation; nothing was installed.",
}
PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>slm-bot: {title}</title></head><body>"
        "<h1>{title}</h1><p>{text}</p>{more}</body></html>")


def _page(status: int, title: str, text: str, more: str = "", cookie: str | None = None) -> BoltResponse:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if cookie:
        headers["Set-Cookie"] = cookie
    return BoltResponse(status=status, body=PAGE.format(title=html.escape(title), text=html.escape(text), more=more),
                        headers=headers)


def oauth_settings(deps) -> OAuthSettings:
    settings, installs = deps.settings, deps.installs

    def success(args: SuccessArgs) -> BoltResponse:
        found = args.installation
        installs.forget(found.team_id)
        with deps.db.session() as session:
            uninstall.installed(session, found.team_id, deps.clock.now(), installer=found.user_id,
                                team_name=found.team_name)
        log.info("slm-bot was installed in workspace %s", found.team_id)
        return _page(200, "Installed", f"slm-bot is installed in {found.team_name or found.team_id}. "
                                       "Type /slm help in Slack to start.",
                     cookie=args.settings.state_utils.build_set_cookie_for_deletion())

    def failure(args: FailureArgs) -> BoltResponse:
        log.info("an install did not finish: %s", args.reason)
        text = REASONS.get(args.reason, f"Slack answered: {args.reason}.")
        status = args.suggested_status_code if args.suggested_status_code >= 400 else 400
        return _page(status, "Not installed", text + " Nothing was installed.",
                     more='<p><a href="/slack/install">Start the install again</a></p>',
                     cookie=args.settings.state_utils.build_set_cookie_for_deletion())

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=settings.bot_scopes,
        redirect_uri=settings.slack_redirect_uri,
        authorization_url=settings.slack_authorize_url,
        installation_store=installs.store,
        installation_store_bot_only=True,  # the bot acts with its own token only; no user tokens are asked for
        state_store=installs.states,
        callback_options=CallbackOptions(success=success, failure=failure),
    )
