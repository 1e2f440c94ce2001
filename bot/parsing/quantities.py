"""Quantities: "2 s", "1,200 tickets/month", "20,000 EUR", read into a value and a canonical unit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.parsing._common import ParseError, _error, _plain, _prepare, _shown, _to_decimal

# --------------------------------------------------------------------------
# Quantities
# --------------------------------------------------------------------------

_QUANTITY = "an amount"
_QUANTITY_EXAMPLE = "2 s, 500 ms or 1,200 tickets/month"

# Time units are folded to SI symbols so "2 sec" and "2s" compare equal;
# storage units keep their conventional capitals. Everything else is kept
# as typed (lower-cased), since units like "tickets/month" are free-form.
_UNIT_ALIASES: dict[str, str] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("ms", "msec", "msecs", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    "kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB", "pb": "PB",
    "kib": "KiB", "mib": "MiB", "gib": "GiB", "tib": "TiB",
    "kbps": "kbps", "mbps": "Mbps", "gbps": "Gbps",
    # Currency codes (ISO 4217) are written in capitals: "20,000 EUR" for the cost of an outage.
    **{code: code.upper() for code in ("usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "nzd", "sek", "nok", "dkk",
                                      "pln", "czk", "huf", "inr", "cny", "hkd", "sgd", "zar", "brl", "mxn", "aed")},
}
_QUANTITY_RE = re.compile(
    r"(?P<sign>[-+])?\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)(?P<k>k(?=\s|$))?\s*(?P<unit>.*)"
)
# Letters, digits, %, /, spaces, '.', '-', '_' : enough for real units, and
# nothing that would be interpreted as Slack markup when echoed back.
_UNIT_RE = re.compile(r"(?:[^\W\d_]|%)[\w%/ .\-]*")
_MAX_UNIT = 40


@dataclass(frozen=True)
class Quantity:
    """A threshold or volume: a non-negative number with a free-form unit."""

    value: Decimal
    unit: str  # canonical unit string, e.g. "ms", "s", "requests/s", "tickets/day", "GB", "users", "" for a bare number

    def __post_init__(self) -> None:
        value = self.value
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
            object.__setattr__(self, "value", value)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise ValueError(f"Quantity.value must be a finite non-negative Decimal, got {self.value!r}")
        if not isinstance(self.unit, str):
            raise ValueError(f"Quantity.unit must be a str, got {self.unit!r}")

    def __str__(self) -> str:
        return format_quantity(self)


def _canonical_unit(unit: str) -> str:
    """Normalise a typed unit: "requests per second" -> "requests/s", "Secs" -> "s"."""
    unit = " ".join(unit.lower().split())
    unit = re.sub(r"\s+per\s+", "/", unit)
    unit = re.sub(r"\s*/\s*", "/", unit)
    return "/".join(_UNIT_ALIASES.get(part, part) for part in unit.split("/"))


def parse_quantity(text: str) -> Quantity:
    """Read an amount such as "2 s", "500 ms", "1,200 tickets/month" or "1.5k requests/s".

    Commas group thousands ("1,200"); a single comma that does not group
    thousands is a decimal comma ("1,5 GB"). A "k" straight after the number
    multiplies by 1000. Negative amounts are refused.
    """
    norm = _prepare(text, _QUANTITY, _QUANTITY_EXAMPLE)

    def fail(reason: str, example: str = _QUANTITY_EXAMPLE) -> ParseError:
        return _error(_QUANTITY, text, reason, example)

    m = _QUANTITY_RE.fullmatch(norm)
    if m is None:
        raise fail("it should start with a number")
    value = _to_decimal(m.group("num"))
    if value is None:
        raise fail(f'"{m.group("num")}" is not a number I can read')
    if m.group("sign") == "-" and value != 0:
        raise fail("an amount can't be negative")
    if m.group("k"):
        value = value.scaleb(3)
    unit_text = m.group("unit")
    if unit_text:
        if not _UNIT_RE.fullmatch(unit_text) or len(unit_text) > _MAX_UNIT:
            raise fail(f'"{_shown(unit_text)}" doesn\'t look like a unit')
        unit = _canonical_unit(unit_text)
        if any(not part for part in unit.split("/")):
            raise fail(f'"{_shown(unit_text)}" doesn\'t look like a unit')
    else:
        unit = ""
    return Quantity(_plain(value), unit)


def format_quantity(q: Quantity) -> str:
    """Print an amount canonically: thousands separated, no trailing zeros.

    "1,200 tickets/month", "2 s", "1.5 GB", "99%" ("%" is written without a
    space), "300" for a bare number.
    """
    number = f"{_plain(q.value):,f}"
    if not q.unit:
        return number
    if q.unit == "%":
        return f"{number}%"
    return f"{number} {q.unit}"
