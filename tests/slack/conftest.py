"""Across the run: every Web API method the bot was seen to call is one tests/test_manifest.py checks.

The manifest test reads the calls from the code; this checks that reading against what the bot
actually sent the stand-in while tests drove it, so a call the scan cannot see (one made by Bolt,
or through a name the scan does not know) cannot slip past the scope check.
"""
from __future__ import annotations

import pytest

from tests.web_api_scopes import CALLED_BY_BOLT, methods_called

SEEN: dict[str, str] = {}  # method -> the first test that saw the bot call it


@pytest.fixture(autouse=True)
def _record_the_bots_web_api_calls(request):
    yield
    if "slack" in request.fixturenames:  # the test drove the bot (tests of the stand-in itself call it directly)
        for call in request.getfixturevalue("harness").sandbox.calls:
            SEEN.setdefault(call["method"], request.node.nodeid)


@pytest.fixture(scope="session", autouse=True)
def _every_call_seen_is_one_the_manifest_test_knows():
    yield
    unscanned = {m: t for m, t in SEEN.items() if m not in set(methods_called()) | CALLED_BY_BOLT}
    assert not unscanned, f"the bot called Web API methods tests/web_api_scopes.py does not find: {unscanned}"
