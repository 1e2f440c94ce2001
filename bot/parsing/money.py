"""Money per hour: "£20,000 an hour", "20k EUR/h", "USD 5,000", read into an amount and its currency.

The cost of an outage is asked per hour, so an amount with no period is per hour; another
period is refused rather than converted, since a day of outage is not 24 hours of cost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.parsing._common import ParseError, _error, _plain, _prepare, _shown, _to_decimal

_MONEY = "a cost per hour"
_MONEY_EXAMPLE = "£20,000 an hour, 20k EUR/h or 5,000 USD"

_SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY"}
# ISO 4217 codes people are likely to type; another three-letter word is not taken for a currency.
CURRENCIES = frozenset((
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "INR", "CNY",
    "HKD", "SGD", "ZAR", "BRL", "MXN", "AED", "SAR", "ILS", "KRW", "TWD", "THB", "MYR", "IDR", "PHP", "TRY", "RUB",
    "RON", "BGN", "ISK", "ARS", "CLP", "COP", "PEN", "NGN", "KES", "EGP", "QAR", "KWD"))
_MULTIPLIERS = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6}
_NUMBER = re.compile(r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<mult>k|thousand|mn|m|million)?(?![a-z])")
_PER_HOUR = re.compile(r"(?:\ban?|\bper|\beach|/|\bp/?)\s*(?:hours?|hrs?|h)\b|\bhourly\b")
_OTHER_PERIOD = re.compile(r"(?:\ban?|\bper|\beach|/)\s*(?P<period>min(?:ute)?|day|d|week|wk|month|mo|year|yr)s?\b")
_WORDS = {"pound": "GBP", "pounds": "GBP", "sterling": "GBP", "euro": "EUR", "euros": "EUR", "dollar": "USD",
          "dollars": "USD", "yen": "JPY", "franc": "CHF", "francs": "CHF", "rupee": "INR", "rupees": "INR"}


@dataclass(frozen=True)
class Money:
    """An amount in a currency, per hour."""

    amount: Decimal
    currency: str  # ISO 4217, e.g. "EUR"

    def __str__(self) -> str:
        return format_money(self)


def parse_money(text: str) -> Money:
    """Read what an hour of outage costs: an amount and its currency, by symbol or code, before or after."""
    norm = _prepare(text, _MONEY, _MONEY_EXAMPLE)

    def fail(reason: str) -> ParseError:
        return _error(_MONEY, text, reason, _MONEY_EXAMPLE)

    currencies: list[str] = []
    rest = norm
    for symbol, code in _SYMBOLS.items():
        if symbol in rest:
            currencies.append(code)
            rest = rest.replace(symbol, " ")
    number = _NUMBER.search(rest)
    if number is None:
        raise fail("it needs a number, and the currency it is in")
    value = _to_decimal(number.group("num"))
    if value is None:
        raise fail(f'"{number.group("num")}" is not a number I can read')
    if number.group("mult"):
        value = value.scaleb(_MULTIPLIERS[number.group("mult")])
    words = (rest[: number.start()] + " " + rest[number.end():]).strip()
    if _PER_HOUR.search(words):
        words = _PER_HOUR.sub(" ", words)
    elif other := _OTHER_PERIOD.search(words):
        raise fail(f"the cost of an outage is asked per hour, not per {other.group('period')}")
    for word in re.findall(r"[a-z]+", words):
        if word.upper() in CURRENCIES or word in _WORDS:
            currencies.append(_WORDS.get(word, word.upper()))
        elif word not in ("of", "in", "about", "around", "roughly", "cost", "costs", "lost", "loss"):
            raise fail(f'I don\'t know the currency "{_shown(word)}"; use a symbol such as £ or € or a code '
                       "such as GBP or EUR")
    if re.search(r"[^a-z0-9\s,./]", words):
        raise fail("it should be an amount and its currency, and nothing else")
    if not currencies:
        raise fail("say which currency, by its symbol or its code")
    if len(set(currencies)) > 1:
        raise fail(f"it names two currencies ({' and '.join(dict.fromkeys(currencies))}); use one")
    return Money(_plain(value), currencies[0])


def format_money(m: Money) -> str:
    """The canonical form, which `parse_money` reads back: "20,000 EUR an hour"."""
    return f"{_plain(m.amount):,f} {m.currency} an hour"
