"""The manifest declares exactly what the bot listens for, so a pasted app works on the first try."""
from __future__ import annotations

from pathlib import Path

import yaml

from handlers import registry
from messages.ids import COMMAND, SHORTCUTS
from tests.web_api_scopes import CALLED_BY_BOLT, SCOPES, methods_called

MANIFEST = yaml.safe_load((Path(__file__).parents[1] / "manifest.yml").read_text())


def test_command_and_shortcuts_match_the_code():
    assert [c["command"] for c in MANIFEST["features"]["slash_commands"]] == [COMMAND]
    declared = {(s["callback_id"], s["name"], s["type"]) for s in MANIFEST["features"].get("shortcuts", [])}
    assert declared == set(SHORTCUTS)
    assert [listener.key for listener in registry.of("command")] == [COMMAND]
    assert {listener.key for listener in registry.of("shortcut")} == {callback for callback, _n, _t in SHORTCUTS}


def test_every_event_listened_for_is_subscribed():
    assert {listener.key for listener in registry.of("event")} == set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])


def test_every_web_api_method_the_bot_calls_has_its_scopes():
    called = set(methods_called()) | CALLED_BY_BOLT
    assert {"conversations.open", "files.completeUploadExternal", "users.info"} <= called  # the scan sees through
    unknown = sorted(called - set(SCOPES))
    assert not unknown, f"look up the bot scopes of {unknown} in Slack's method reference and add them to SCOPES"
    declared = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    missing = {m: sorted(SCOPES[m] - declared) for m in sorted(called) if SCOPES[m] - declared}
    assert not missing, f"manifest.yml lacks scopes these calls need: {missing}"


def test_the_history_a_resend_looks_in_is_readable():
    """Before resending a message whose first try had an unknown outcome, the bot looks for it in the channel."""
    declared = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert SCOPES["conversations.history"] | SCOPES["conversations.replies"] <= declared


def test_searching_selects_have_an_options_load_url():
    """Slack sends a searching select's block_suggestion to the options load URL; without one the select stays empty."""
    interactivity = MANIFEST["settings"]["interactivity"]
    assert registry.of("options"), "the bot has searching selects (handlers/options/)"
    assert interactivity.get("message_menu_options_url") == interactivity["request_url"]
