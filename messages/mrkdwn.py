"""Escaping for Slack mrkdwn: what people typed shown as typed, never a ping, a link or formatting.

Slack decodes only &amp;, &lt; and &gt; (https://api.slack.com/reference/surfaces/formatting#escaping), and
mrkdwn has no escape for `*`, `_`, `~` or backticks, so those become look-alikes. plain_text needs none of this:
Slack shows it literally.
"""
from __future__ import annotations

import re
from typing import Any


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


# What nobody should see in text shown to people: NUL and other C0 controls but tab and newline, and the
# bidirectional overrides and isolates that would show the rest of a line backwards.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Text as shown to people: without the invisible characters above."""
    return _INVISIBLE.sub("", text)
