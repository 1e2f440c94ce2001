"""Cleaning what people type before it is stored: no control characters, no runs of spaces in names.

Text pasted from documents brings invisible characters (C0/C1 controls, DEL, NUL) that
nobody meant, that some readers choke on, and that PostgreSQL refuses outright (NUL in
a text column is a DataError). `storable` drops them from everything Slack sends, once,
before any listener reads it (handlers/middleware.py); `line` and `block` then shape a
field the way the domain keeps it.
"""
from __future__ import annotations

import re

# C0 controls except tab and new line, DEL, C1 controls; and lone UTF-16 surrogates, which no
# database encoding can hold (a JSON "\ud800" escape decodes to one).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def storable(text: str) -> str:
    """Text without the characters nobody means to type: tabs and new lines stay."""
    return _UNSTORABLE.sub("", text)


def line(text: str | None, limit: int | None = None) -> str:
    """One line: control characters dropped, white space folded."""
    cleaned = " ".join(storable(text or "").split())
    return cleaned[:limit] if limit else cleaned


def block(text: str | None, limit: int | None = None) -> str:
    """Several lines kept as typed, without control characters, trimmed at both ends."""
    cleaned = storable((text or "").replace("\r\n", "\n")).strip()
    return cleaned[:limit] if limit else cleaned
