"""Jinja2 templates for every message, modal and document the bot sends.

Block Kit templates (`templates/*.yml.j2`) render YAML: lists and loops read
naturally and need no trailing-comma tricks. Every value from data goes through
`|q` (a JSON string, which YAML reads back verbatim), and user text shown as
mrkdwn goes through `|mrkdwn` first (Slack's &, <, > escapes, and look-alikes for `*_~` and backticks;
`|mrkdwn_code` inside a code span of ours). The environment
is sandboxed, because organisations supply templates of their own.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import yaml
from jinja2 import ChoiceLoader, PackageLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from messages import ids

MAX_TEXT = 3000  # a section's text, Slack's limit
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster


# Characters YAML will not take literally inside a double-quoted scalar (DEL, C1 controls and NEL, lone
# surrogates, non-characters); they travel as \uXXXX escapes, which YAML reads back exactly.
_NOT_YAML = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _q(value: Any) -> str:
    """A value as a YAML double-quoted scalar: JSON's escapes, plus the few characters YAML refuses."""
    quoted = json.dumps("" if value is None else value, ensure_ascii=False)
    quoted = _SURROGATE.sub("\ufffd", quoted)  # a lone surrogate is no character at all: show the replacement mark
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def mrkdwn_entities(text: Any) -> str:
    """Slack's own escapes (&, <, >): nothing typed becomes a link, a mention or a channel-wide ping."""
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# mrkdwn has no escape for its formatting characters, so each becomes a look-alike that Slack does not read as
# markup (the choice jsx-slack makes): a name typed as "*Bold* _Pay_ ~roll~" shows as typed, never formatted.
# An underscore inside a word (snake_case) never makes italics in Slack, so it stays, and copies back as typed.
_FORMATTING = str.maketrans({"*": "\u2217", "~": "\u223c", "`": "\u02cb"})
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def mrkdwn_escape(text: Any) -> str:
    """What a person typed, shown as typed in mrkdwn: no link, ping or formatting can come of it."""
    return _EDGE_UNDERSCORE.sub("\u02cd", mrkdwn_entities(text).translate(_FORMATTING))


def mrkdwn_code(text: Any) -> str:
    """What a person typed, inside a code span of ours (`/slm map <name>`): code shows `*_~` as they are, so
    they stay as typed and a copied command finds the name; only what would end the span (a backtick, a line
    break) is swapped."""
    return " ".join(mrkdwn_entities(text).replace("`", "\u02cb").splitlines())


_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")
_OUR_COMMAND = re.compile(r"`(/slm [^`\n]*)`")


def mrkdwn_ours(text: Any) -> str:
    """A sentence of ours that may quote what people typed: escaped like `mrkdwn_escape`, except that a command we
    suggest (`/slm …`) stays code, so it reads as a command and copies as typed."""
    parts = _OUR_COMMAND.split(str(text or ""))  # even: prose; odd: the inside of a `/slm …` span
    return "".join(f"`{mrkdwn_code(part)}`" if i % 2 else mrkdwn_escape(part) for i, part in enumerate(parts))


def mrkdwn_with_mentions(text: Any) -> str:
    """Escaped like `mrkdwn_escape`, but a plain user mention (<@U…>) stays a mention, and a command we
    suggest (`/slm …`) stays code.

    For sentences of ours that name people and quote what people typed: the quotes
    cannot become links, channel-wide pings or formatting; the people named stay named.
    """
    parts = _OUR_COMMAND.split(str(text or ""))  # even: prose; odd: the inside of a `/slm …` span
    return "".join(f"`{mrkdwn_code(part)}`" if i % 2 else _MENTION.sub(r"<@\1>", mrkdwn_escape(part))
                   for i, part in enumerate(parts))


# A person as Slack writes them in a message's text: <@U123> or <@U123|name>.
_SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^<>]*)?>")


def mrkdwn_said(text: Any) -> str:
    """What a person said (a quoted message keeps Slack's markup): escaped, and each person it names
    made a mention again from their user id, found in the text before it was escaped."""
    raw, out, at = str(text or ""), [], 0
    for m in _SLACK_MENTION.finditer(raw):
        out.append(mrkdwn_escape(raw[at:m.start()]) + f"<@{m.group(1)}>")
        at = m.end()
    return "".join(out) + mrkdwn_escape(raw[at:])


def _truncate(text: Any, limit: int = MAX_TEXT) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"


def _channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "no channel"


def make_environment(loader) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=False,
                               trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(q=_q, mrkdwn=mrkdwn_escape, mrkdwn_code=mrkdwn_code, mrkdwn_mentions=mrkdwn_with_mentions, mrkdwn_ours=mrkdwn_ours,
                       said=mrkdwn_said, truncate_text=_truncate, user=_user, channel=_channel)
    env.globals.update(ids=ids)
    return env


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return make_environment(ChoiceLoader([PackageLoader("messages", "templates")]))


def render(template: str, /, **context: Any) -> dict:
    """Render a Block Kit template to the dict Slack takes (a message payload or a view)."""
    source = _environment().get_template(template).render(**context)
    data = yaml.load(source, Loader=_Loader)  # noqa: S506 (a safe loader)
    if not isinstance(data, dict):
        raise ValueError(f"template {template} did not render a mapping")
    return data


def render_message(template: str, /, **context: Any) -> dict:
    """A message: `text` (the notification and fallback) and `blocks`."""
    data = render(template, **context)
    data.setdefault("blocks", [])
    return data
