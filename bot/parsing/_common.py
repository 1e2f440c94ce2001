"""What every parser shares: the error people see, input preparation, exact numbers."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class ParseError(ValueError):
    """A value the user typed that we could not read.

    ``str(err)`` is a full sentence for the user, naming what was typed and
    giving an example of what works, so handlers can show it verbatim as the
    modal field error.

    Attributes:
        example: an example that works, e.g. ``"4h, 30 min or 2 business days"``.
        text: what the user typed (unmodified).
        reason: the short explanation inside the message (useful for logs).
    """

    example: str

    def __init__(self, message: str, *, example: str = "", text: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.example = example
        self.text = text
        self.reason = reason


# Long or binary input would make the messages unreadable; Slack modal fields
# are short, so anything longer is certainly not something we can read.
_MAX_INPUT = 200
_MAX_SERVICE_HOURS_INPUT = 500
_SHOWN_MAX = 60


def _shown(text: str) -> str:
    """The user's text as we quote it back: printable, one line, not too long."""
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > _SHOWN_MAX:
        cleaned = cleaned[: _SHOWN_MAX - 1] + "…"
    return cleaned


def _error(kind: str, text: str, reason: str, example: str) -> ParseError:
    """Build the user-facing error: what was typed, why it failed, an example."""
    shown = _shown(text)
    if shown:
        message = f'I couldn\'t read "{shown}" as {kind}: {reason}. For example: {example}'
    else:
        message = f"Please enter {kind}. For example: {example}"
    return ParseError(message, example=example, text=text, reason=reason)


def _prepare(text: str | None, kind: str, example: str, limit: int = _MAX_INPUT) -> str:
    """Lower-case, collapse all (incl. non-breaking) whitespace, check length.

    Slack and phones happily insert NBSPs, en dashes and the real minus sign,
    so those are mapped to their ASCII counterparts before matching.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > limit:
        raise _error(kind, text, f"that is too long (over {limit} characters)", example)
    norm = " ".join(text.split()).lower()
    norm = norm.translate(_DASHES)
    if not norm:
        raise _error(kind, "", "", example)
    return norm


_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

_MAX_DIGITS = 20  # far beyond any real SLA figure; keeps Decimal maths exact
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_THOUSANDS_DEC = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+")


def _to_decimal(num: str, *, comma_is_decimal: bool = False) -> Decimal | None:
    """Read a plain decimal number typed by a person; None if malformed.

    Commas are ambiguous: "1,200" is a thousands separator to most English
    speakers while "99,9" is a decimal comma in much of Europe. Unless the
    caller knows better (percentages never exceed 100, so there a comma is
    always decimal), a comma followed by exact groups of three digits is a
    thousands separator, and a single other comma is a decimal comma.
    """
    if sum(c.isdigit() for c in num) > _MAX_DIGITS:
        return None
    if comma_is_decimal:
        if num.count(",") + num.count(".") > 1:
            return None
        num = num.replace(",", ".")
    elif "," in num and "." in num:
        if not _THOUSANDS_DEC.fullmatch(num):
            return None
        num = num.replace(",", "")
    elif "," in num:
        if _THOUSANDS.fullmatch(num):
            num = num.replace(",", "")
        elif num.count(",") == 1:
            num = num.replace(",", ".")
        else:
            return None
    elif num.count(".") > 1:
        return None
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+", num):
        return None
    try:
        return Decimal(num)
    except InvalidOperation:  # pragma: no cover - guarded by the regex above
        return None


def _plain(d: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form (100 not 1E+2)."""
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return d
