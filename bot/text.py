"""Cleaning what people type before it is stored: no control characters, no runs of spaces in names.

Text pasted from documents brings invisible characters (C0/C1 controls, DEL, NUL) that
nobody meant, that some readers choke on, and that PostgreSQL refuses outright (NUL in
a text column is a DataError). `storable` drops them from everything Slack sends, once,
before any listener reads it (handlers/middleware.py); `line` and `block` then shape a
field the way the domain keeps it.
"""
from __future__ import annotations

import re

# C0 controls except tab and new line, DEL, C1 controls; lone UTF-16 surrogates, which no database
# encoding can hold (a JSON "\ud800" escape decodes to one); and the invisible characters that change how a
# name reads without being seen: bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069,
# which can show "Payroll" backwards on every screen that names it), zero-width space, word joiner and a
# stray byte-order mark. The zero-width joiners that some scripts and emoji need are kept.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


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
