"""A workspace uninstalled the bot, or revoked its tokens: its tokens are removed from the installation store
(distributed mode, Bolt's own revocation handlers), what it had queued is cancelled, and the audit trail says so
(bot/installs/uninstall.py). A reinstall (the install link again) resumes."""
from __future__ import annotations

import logging

from slack_bolt import BoltContext

from bot.installs import uninstall
from handlers import registry

log = logging.getLogger(__name__)


def _gone(context: BoltContext, event: str) -> None:
    deps, team_id = context["deps"], context.team_id
    if deps.installs is not None:
        deps.installs.forget(team_id)
    with deps.db.session() as session:
        cancelled = uninstall.uninstalled(session, team_id, deps.clock.now(), event=event)
    log.info("workspace %s: %s; %d queued messages cancelled", team_id, event, cancelled)


@registry.event("app_uninstalled")
def app_uninstalled(context: BoltContext) -> None:
    deps = context["deps"]
    if deps.installs is not None:
        deps.installs.store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
    _gone(context, "app_uninstalled")


@registry.event("tokens_revoked")
def tokens_revoked(event: dict, context: BoltContext) -> None:
    deps = context["deps"]
    tokens = event.get("tokens") or {}
    if deps.installs is not None:
        for user_id in tokens.get("oauth") or []:
            deps.installs.store.delete_installation(enterprise_id=context.enterprise_id, team_id=context.team_id,
                                                    user_id=user_id)
        if tokens.get("bot"):  # its rows too: each holds the revoked bot token (encrypted), kept for nothing
            deps.installs.store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
    if tokens.get("bot"):  # without its bot token the bot can send nothing there
        _gone(context, "tokens_revoked")
