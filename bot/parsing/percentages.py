"""Percentages: "99.9%", "99,95 %", read into exact Decimals."""
from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

from bot.parsing._common import ParseError, _error, _plain, _prepare, _to_decimal

# --------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------

_PERCENTAGE = "a percentage"
_PERCENTAGE_EXAMPLE = "99.9%"
_PERCENT_PLACES = 4  # 99.9999% is already ~3 s of downtime a month

_PERCENT_RE = re.compile(
    r"(?P<sign>[-+])?\s*(?P<num>[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*(?P<pct>%|percent|per\s?cent|pct)?"
)


def parse_percentage(text: str) -> Decimal:
    """Read a percentage such as "99.9%", "99,9 %", "100" or "95 percent".

    Returns a Decimal with 0 < p <= 100 and at most four decimal places.
    A comma is always a decimal comma here (values never exceed 100). A bare
    number of 1 or less ("0.999") is refused because it could be a fraction
    meaning 99.9% or a tiny percentage; the user must say which.
    """
    norm = _prepare(text, _PERCENTAGE, _PERCENTAGE_EXAMPLE)

    def fail(reason: str, example: str = _PERCENTAGE_EXAMPLE) -> ParseError:
        return _error(_PERCENTAGE, text, reason, example)

    m = _PERCENT_RE.fullmatch(norm)
    value = _to_decimal(m.group("num"), comma_is_decimal=True) if m else None
    if m is None or value is None:
        raise fail("that isn't a number I can read as a percentage")
    if m.group("sign") == "-" and value != 0:
        raise fail("a percentage target can't be negative")
    if value == 0:
        raise fail("a percentage target must be more than 0%")
    if value > 100:
        raise fail("a percentage can't be more than 100%", "99.9% or 100%")
    if not m.group("pct") and value <= 1:
        as_percent = _plain(value * 100)
        if -as_percent.as_tuple().exponent <= _PERCENT_PLACES:  # type: ignore[operator]
            suggestion = format_percentage(as_percent)
            raise fail(
                f"a bare number of 1 or less is ambiguous. Did you mean {suggestion}? "
                f"If you really mean {_plain(value)} percent, type {_plain(value)}%",
                suggestion,
            )
        raise fail("a bare number of 1 or less is ambiguous; please add a % sign")
    value = _plain(value)
    if -value.as_tuple().exponent > _PERCENT_PLACES:  # type: ignore[operator]
        shorter = value.quantize(Decimal(1).scaleb(-_PERCENT_PLACES), rounding=ROUND_DOWN)
        raise fail(f"please use at most {_PERCENT_PLACES} decimal places", format_percentage(shorter))
    return value


def format_percentage(p: Decimal) -> str:
    """Print a percentage without trailing zeros: Decimal("99.90") -> "99.9%"."""
    if not isinstance(p, Decimal):
        p = Decimal(str(p))
    return f"{_plain(p):f}%"
