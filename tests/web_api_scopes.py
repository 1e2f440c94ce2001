"""Which Slack Web API methods the bot calls, and the bot-token scopes Slack requires for each.

The scopes are Slack's method reference (docs.slack.dev/reference/methods/<method>, read from its
machine-readable copy in slack-ruby/slack-api-ref, docs.slack.dev/methods/<method>.json, "scope.bot").
Where a method takes one of several scopes by conversation type, the bot needs each kind it uses:
it opens one-to-one DMs and group DMs (conversations.open), and looks back over public and private
channels, DMs and group DMs (conversations.history and .replies, before resending a message whose
first try had an unknown outcome).
"""
from __future__ import annotations

import ast
import inspect
import re
from functools import cache
from pathlib import Path

from slack_sdk import WebClient

ROOT = Path(__file__).parents[1]
HISTORY = frozenset({"channels:history", "groups:history", "im:history", "mpim:history"})

SCOPES: dict[str, frozenset[str]] = {
    "auth.test": frozenset(),  # Bolt's own call, on the first request
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.delete": frozenset({"chat:write"}),
    "chat.getPermalink": frozenset(),
    "conversations.open": frozenset({"im:write", "mpim:write"}),
    "conversations.info": frozenset({"channels:read", "groups:read", "im:read", "mpim:read"}),
    "conversations.history": HISTORY,
    "conversations.replies": HISTORY,
    "conversations.join": frozenset({"channels:join"}),  # a public channel posted in unjoined, to read it back
    "users.info": frozenset({"users:read"}),
    "team.info": frozenset({"team:read"}),  # the name of a Slack Connect person's own workspace (issue 16)
    "conversations.members": frozenset({"channels:read", "groups:read", "im:read", "mpim:read"}),
    "views.open": frozenset(),
    "views.push": frozenset(),
    "views.update": frozenset(),
    "views.publish": frozenset(),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}),
}

# Called by slack_bolt itself, not by our code: the static scan cannot see these.
CALLED_BY_BOLT = frozenset({"auth.test"})


@cache
def _api_methods(client_method: str) -> frozenset[str]:
    """The Web API methods one WebClient method calls (files_upload_v2 calls two, through others)."""
    source = inspect.getsource(getattr(WebClient, client_method))
    found = set(re.findall(r'api_call\(\s*"([^"]+)"', source))
    for inner in re.findall(r"self\.(\w+)\(", source):
        if inner != client_method and inner != "api_call" and _is_client_method(inner):
            found |= _api_methods(inner)
    return frozenset(found)


def _is_client_method(name: str) -> bool:
    """A Web API wrapper of slack_sdk's WebClient (each is defined on the class itself)."""
    return not name.startswith("_") and callable(vars(WebClient).get(name))


@cache
def methods_called() -> dict[str, set[str]]:
    """Every Web API method the bot's code calls, with the files that call it (bot/ and handlers/)."""
    out: dict[str, set[str]] = {}
    for path in sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]):
        if "sandbox" in path.parts:  # the stand-in for Slack answers calls; it makes none
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                called = {node.args[0].value}
            elif _is_client_method(name):
                called = _api_methods(name)
            else:
                continue
            for method in called:
                out.setdefault(method, set()).add(str(path.relative_to(ROOT)))
    return out
