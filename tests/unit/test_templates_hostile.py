"""Every Block Kit template, rendered with hostile text in everything people type, stays valid Block Kit and shows
that text as typed: no ping, mention or link made from it, no formatting carried over, no template evaluated."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from messages import render
from tests.helpers import assert_valid_blocks
from tests.unit.template_fixtures import FIXTURES, KEEPS_MENTIONS, NO_TYPED_TEXT

TEMPLATES = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "messages" / "templates").glob("*.yml.j2"))

HOSTILE = ("Acme <!channel> <!here> <@U123> <#C123> <https://evil.example|click> *bold* _it_ ~s~ `tick` ```fence``` "
           "{{ 7*7 }} {% raw %} &amp; \"double\" 'single' back\\slash\x00nul \u202eRTL\u202c: a: b #c\n> quoted\nnext")
LONG = HOSTILE + " " + "x" * 3000 + " " + HOSTILE

LIVE = ("<!channel>", "<!here>", "<@U123>", "<#C123>", "<https://evil.example")
FORMATTING = ("*bold*", "_it_", "~s~", "`tick`", "```fence```")
INVISIBLE = ("\x00", "\u202e", "\u202c")
_CODE_SPAN = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_SLOT = re.compile(r"slot[0-9a-f]{8}n[0-9]+e")
# In mrkdwn a raw < starts a control sequence: a mention, a channel, a special or a link. Any other is text to escape.
_NOT_A_CONTROL_SEQUENCE = re.compile(r"<(?![@#!]|https?:|mailto:)")


def _texts(node, top=True):
    """(kind, text) for every text a person sees: mrkdwn (and a message's top-level text) or plain_text."""
    if isinstance(node, dict):
        if top and isinstance(node.get("text"), str) and node.get("type") not in ("modal", "home"):
            yield "mrkdwn", node["text"]
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            yield node["type"], node["text"]
        if isinstance(node.get("initial_value"), str):  # what a text field shows, plain
            yield "plain_text", node["initial_value"]
        for value in node.values():
            yield from _texts(value, top=False)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value, top=False)


def test_every_template_has_a_hostile_fixture():
    missing = [t for t in TEMPLATES if t not in FIXTURES]
    assert not missing, (
        "Each Block Kit template needs a context filled with hostile text: add to FIXTURES in "
        "tests/unit/template_fixtures.py, for each of " + ", ".join(missing) + ", an entry like "
        "'<name>.yml.j2': lambda h: dict(<every variable the template reads>, with h in every user-typed string)")
    assert not set(FIXTURES) - set(TEMPLATES), f"fixtures for no template: {sorted(set(FIXTURES) - set(TEMPLATES))}"


@pytest.mark.parametrize("hostile", [HOSTILE, LONG], ids=["short", "long"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_hostile_text_shows_as_typed_and_blocks_stay_valid(template, hostile):
    if template not in FIXTURES:
        pytest.fail(f"no fixture for {template}: see test_every_template_has_a_hostile_fixture")
    payload = render(template, **FIXTURES[template](hostile))
    assert_valid_blocks(payload, view=payload.get("type") in ("modal", "home"))
    dumped = json.dumps(payload, ensure_ascii=False)
    assert "49" not in dumped, "a template evaluated {{ 7*7 }} from user text"
    assert not _SLOT.search(dumped), "a value's slot reached Slack unfilled"
    assert "&#" not in dumped and "&amp;lt;" not in dumped and "&amp;amp;amp;" not in dumped, "escaped twice"
    shown = list(_texts(payload))
    if template not in NO_TYPED_TEXT:
        assert any("Acme" in text for _kind, text in shown), "the fixture's hostile text is shown nowhere"
    live_marks = [m for m in LIVE if not (m == "<@U123>" and template in KEEPS_MENTIONS)]
    for kind, text in shown:
        for char in INVISIBLE:
            assert char not in text, f"{char!r} shown in {text[:120]!r}"
        if kind == "plain_text":
            assert "&lt;" not in text, f"plain_text shows an mrkdwn escape: {text[:120]!r}"
            continue
        for live in live_marks:
            assert live not in text, f"user text made {live} live in {text[:120]!r}"
        bare = _NOT_A_CONTROL_SEQUENCE.search(text)  # our own `<name>` placeholders too: Slack would read a link
        assert bare is None, f"a bare < in mrkdwn (write &lt;): {text[max(bare.start() - 60, 0):bare.end() + 40]!r}"
        prose = _CODE_SPAN.sub("", text)
        for mark in FORMATTING:
            assert mark not in prose, f"user text formats mrkdwn: {mark} in {text[:200]!r}"
