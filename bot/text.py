"""Cleaning what people type before it is stored: no control characters, no runs of spaces in names.

Text pasted from documents brings invisible characters (C0/C1 controls, DEL) that
nobody meant and that some readers choke on; they are dropped here, once.
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def line(text: str | None, limit: int | None = None) -> str:
    """One line: control characters dropped, white space folded."""
    cleaned = " ".join(_CONTROL.sub("", text or "").split())
    return cleaned[:limit] if limit else cleaned


def block(text: str | None, limit: int | None = None) -> str:
    """Several lines kept as typed, without control characters, trimmed at both ends."""
    cleaned = _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()
    return cleaned[:limit] if limit else cleaned
