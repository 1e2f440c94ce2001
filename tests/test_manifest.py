"""The manifest declares exactly what the bot listens for, so a pasted app works on the first try."""
from __future__ import annotations

from pathlib import Path

import yaml

from handlers.events import EVENTS
from messages.ids import COMMAND, SHORTCUTS

MANIFEST = yaml.safe_load((Path(__file__).parents[1] / "manifest.yml").read_text())


def test_command_and_shortcuts_match_the_code():
    assert [c["command"] for c in MANIFEST["features"]["slash_commands"]] == [COMMAND]
    declared = {(s["callback_id"], s["name"], s["type"]) for s in MANIFEST["features"].get("shortcuts", [])}
    assert declared == set(SHORTCUTS)


def test_every_event_listened_for_is_subscribed():
    assert set(EVENTS) == set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
