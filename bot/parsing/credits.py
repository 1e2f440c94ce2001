"""Service credits made computable: a target's `service_credit` clause read into a rule, and the agreement's
`charges` clause read into the monthly charge the rule is a share of.

The clause grammar is small and stated (`COMPUTABLE_FORMS`); case and spacing do not matter:

    credit  := "" | "none" | "no credit" | amount [per] [cap]
    amount  := N "% of the monthly charge" | money
    per     := "per" STEP "% under"         (for each STEP percentage points below the goal, pro rata)
             | "per breach"                 (each missed ticket, or each missed period of a period goal)
             | "per hour over"              (downtime beyond the error budget; a ticket's time past its target)
    cap     := ", capped at" (N "% of the monthly charge" | money)
    money   := £500, 500 GBP, GBP 500, €1,250.50, $2k ...

A clause outside it is kept as words: `parse_credit` returns `NotComputable`, and the pack says "not computable:
<clause>", never a number it guessed. Amounts are exact (Decimal), rounded to the cent only at the end.

Pure: standard library only, like the rest of bot.parsing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bot.parsing._common import _plain, _to_decimal
from bot.parsing.money import _SYMBOLS, CURRENCIES

COMPUTABLE_FORMS = ("5% of the monthly charge per 0.1% under", "10% of the monthly charge", "£500 per breach",
                    "2% of the monthly charge per hour over", "none")
# A clause longer than this is prose, not a rule.
_MAX_CLAUSE = 300
_CENT = Decimal("0.01")
_SYMBOL_OF = {code: symbol for symbol, code in _SYMBOLS.items() if code in ("GBP", "EUR", "USD")}

_NUM = r"[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+"
_CODES = "|".join(sorted(CURRENCIES))
_SYMS = "".join(re.escape(s) for s in _SYMBOLS)
_MONEY = re.compile(rf"^(?:(?P<sym>[{_SYMS}])\s*(?P<n1>{_NUM})\s*(?P<k1>k)?"
                    rf"|(?P<pre>{_CODES})\s*(?P<n2>{_NUM})\s*(?P<k2>k)?"
                    rf"|(?P<n3>{_NUM})\s*(?P<k3>k)?\s*(?P<post>{_CODES}))$", re.IGNORECASE)
_OF_CHARGE = r"of\s+(?:the\s+)?monthly\s+(?:charge|charges|fee|fees)"
_PERCENT_OF_CHARGE = re.compile(rf"^(?P<n>{_NUM})\s*%\s*{_OF_CHARGE}$")
_PER = re.compile(rf"^(?P<amount>.+?)\s+(?:per|for\s+each|for\s+every)\s+(?P<what>(?P<step>{_NUM})\s*%\s*"
                  rf"(?:under|below)(?:\s+(?:the\s+)?goal)?|breach(?:es)?|hour(?:s)?\s+over)$")
_CAP = re.compile(r"^(?P<rule>.+?)\s*,?\s*(?:capped\s+at|up\s+to\s+a\s+maximum\s+of|at\s+most)\s+(?P<cap>.+)$")
_NONE = frozenset({"", "none", "no credit", "no credits", "no service credit", "n/a", "-"})
# A bare amount starts where a number starts, never inside one: without the lookbehind, finditer tried every digit
# of a long number as a start, each try running to the number's end (3,000 digits typed in a clause: 8 s of CPU;
# found by tests/fuzz/test_parsers.py).
_MONTHLY = re.compile(rf"(?P<money>(?:[{_SYMS}]\s*(?:{_NUM})\s*k?|(?:{_CODES})\s*(?:{_NUM})\s*k?|(?:^|(?<=[^0-9,.]))(?:{_NUM})\s*k?\s*(?:{_CODES})))"
                      r"\s*(?:(?:per|a|an|each|every|/)\s*(?:calendar\s+)?(?:month|mo)\b|monthly\b)", re.IGNORECASE)


class Per(StrEnum):
    MISS = "miss"            # once for each missed period
    SHORTFALL = "shortfall"  # for each `step` percentage points below the goal, pro rata
    BREACH = "breach"        # for each breach in a missed period
    HOUR_OVER = "hour"       # for each hour over (pro rata)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217

    def __str__(self) -> str:
        return format_amount(self.amount, self.currency)


@dataclass(frozen=True)
class Amount:
    """A share of the monthly charge (`percent`) or a sum of money (`money`): exactly one is set."""

    percent: Decimal | None = None
    money: Money | None = None

    def __str__(self) -> str:
        return f"{_plain(self.percent):f}% of the monthly charge" if self.percent is not None else str(self.money)

    def value(self, charge: Money | None) -> Money | None:
        if self.money is not None:
            return self.money
        if charge is None:
            return None
        return Money(charge.amount * self.percent / 100, charge.currency)


@dataclass(frozen=True)
class CreditRule:
    """A computable clause. `none` rules earn nothing."""

    none: bool = False
    amount: Amount | None = None
    per: Per = Per.MISS
    step: Decimal | None = None  # SHORTFALL: percentage points
    cap: Amount | None = None

    def __str__(self) -> str:
        if self.none:
            return "none"
        per = {Per.MISS: "", Per.SHORTFALL: f" per {_plain(self.step or Decimal(0)):f}% under",
               Per.BREACH: " per breach", Per.HOUR_OVER: " per hour over"}[self.per]
        return f"{self.amount}{per}" + (f", capped at {self.cap}" if self.cap else "")

    @property
    def needs_charge(self) -> bool:
        return not self.none and ((self.amount and self.amount.percent is not None)
                                  or (self.cap is not None and self.cap.percent is not None))


@dataclass(frozen=True)
class NotComputable:
    text: str  # the clause as written: shown as words


@dataclass(frozen=True)
class Miss:
    """What one missed period of a target came to: the facts a rule multiplies."""

    goal: Decimal | None          # percent
    achieved: Decimal | None      # percent
    breaches: int = 1             # missed tickets (ticket targets) or 1 (a period goal)
    hours_over: Decimal | None = None  # None: not measured for this kind of target


@dataclass(frozen=True)
class Credit:
    """What a rule earns for one or more misses: an amount, or why none can be given (`why`)."""

    money: Money | None
    rule: str        # the rule it came from, as the clause reads
    working: str     # how it was worked out, in words
    why: str = ""    # not computable: the reason (no charge stated, the clause is prose, ...)

    @property
    def computable(self) -> bool:
        return self.money is not None


def _number(text: str, k: str | None = None) -> Decimal | None:
    value = _to_decimal(text)
    if value is not None and k:
        value = value.scaleb(3)
    return value


def parse_money_amount(text: str) -> Money | None:
    """"£500", "500 GBP", "GBP 1,250.50", "$2k" into money; None if it is not exactly an amount and a currency."""
    m = _MONEY.match(" ".join(text.split()))
    if m is None:
        return None
    if m.group("sym"):
        value, currency = _number(m.group("n1"), m.group("k1")), _SYMBOLS[m.group("sym")]
    elif m.group("pre"):
        value, currency = _number(m.group("n2"), m.group("k2")), m.group("pre").upper()
    else:
        value, currency = _number(m.group("n3"), m.group("k3")), m.group("post").upper()
    return Money(_plain(value), currency) if value is not None else None


def _amount(text: str) -> Amount | None:
    text = text.strip()
    if m := _PERCENT_OF_CHARGE.match(text):
        value = _to_decimal(m.group("n"))
        return Amount(percent=_plain(value)) if value is not None and value > 0 else None
    money = parse_money_amount(text)
    return Amount(money=money) if money is not None and money.amount > 0 else None


def parse_credit(text: str | None) -> CreditRule | NotComputable:
    """A target's service credit clause as a rule, or NotComputable(text) when it is outside the grammar."""
    raw = text or ""
    norm = " ".join(raw.split()).lower().rstrip(".")
    if norm in _NONE:
        return CreditRule(none=True)
    if len(raw) > _MAX_CLAUSE:
        return NotComputable(raw)
    cap = None
    if m := _CAP.match(norm):
        cap = _amount(m.group("cap"))
        if cap is None:
            return NotComputable(raw)
        norm = m.group("rule").rstrip(" ,")
    per, step = Per.MISS, None
    if m := _PER.match(norm):
        norm, what = m.group("amount"), m.group("what")
        if m.group("step"):
            per, step = Per.SHORTFALL, _to_decimal(m.group("step"))
            if step is None or step <= 0:
                return NotComputable(raw)
            step = _plain(step)
        else:
            per = Per.BREACH if what.startswith("breach") else Per.HOUR_OVER
    amount = _amount(norm)
    if amount is None:
        return NotComputable(raw)
    if cap is not None and cap.money and amount.money and cap.money.currency != amount.money.currency:
        return NotComputable(raw)
    return CreditRule(amount=amount, per=per, step=step, cap=cap)


def computes(text: str | None) -> bool:
    return isinstance(parse_credit(text), CreditRule)


def parse_monthly_charge(text: str | None) -> Money | None:
    """The monthly charge a `charges` clause states: the one amount in it followed by "per month" ("The customer
    pays £12,000 per month, invoiced quarterly", "GBP 12,000 monthly", "12k EUR a month"). None when it states
    none, or more than one (which of them a credit is a share of is then for people to say)."""
    norm = " ".join((text or "").split()).rstrip(".")
    found = [m for m in _MONTHLY.finditer(norm) if parse_money_amount(m.group("money")) is not None]
    if len(found) != 1:
        return None
    return parse_money_amount(found[0].group("money"))


def compute(rule: CreditRule | NotComputable, charge: Money | None, misses: list[Miss]) -> Credit:
    """The credit earned for these missed periods of one target under the rule, with the working."""
    if isinstance(rule, NotComputable):
        return Credit(None, rule.text, "", why=f"not computable: {rule.text}")
    if rule.none or not misses:
        return Credit(None, str(rule), "", why="no service credit" if rule.none else "nothing missed")
    if rule.needs_charge and charge is None:
        return Credit(None, str(rule), "", why="not computable: no monthly charge stated")
    unit = rule.amount.value(charge)
    total, parts = Decimal(0), []
    for miss in misses:
        factor, words = _factor(rule, miss)
        if factor is None:
            return Credit(None, str(rule), "", why=f"not computable: {words}")
        total += unit.amount * factor
        parts.append(words)
    working = f"{unit} × ({' + '.join(parts)})" if len(parts) > 1 else f"{unit} × {parts[0]}"
    if rule.cap is not None:
        cap = rule.cap.value(charge)
        if cap.currency != unit.currency:
            return Credit(None, str(rule), "", why="not computable: the cap is in another currency")
        if total > cap.amount * len(misses):  # capped per missed period, as each period's credit is
            total = cap.amount * len(misses)
            working += f", capped at {cap}" + (f" × {len(misses)}" if len(misses) > 1 else "")
    money = Money(total.quantize(_CENT, rounding=ROUND_HALF_UP), unit.currency)
    return Credit(money, str(rule), f"{working} = {money}")


def _factor(rule: CreditRule, miss: Miss) -> tuple[Decimal | None, str]:
    if rule.per == Per.MISS:
        return Decimal(1), "1 missed period"
    if rule.per == Per.BREACH:
        return Decimal(miss.breaches), f"{miss.breaches} breach{'es' if miss.breaches != 1 else ''}"
    if rule.per == Per.HOUR_OVER:
        if miss.hours_over is None:
            return None, "hours over are not measured for this kind of target"
        return miss.hours_over, f"{_plain(miss.hours_over):f} h over"
    if miss.goal is None or miss.achieved is None:
        return None, "no goal or no achievement to measure the shortfall by"
    under = max(miss.goal - miss.achieved, Decimal(0))
    return under / rule.step, f"{_plain(under):f}% under / {_plain(rule.step):f}%"


def format_amount(amount: Decimal, currency: str) -> str:
    """"£1,234.50", "1,234.50 CHF": two decimals, with the symbol of the common currencies."""
    value = f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    symbol = _SYMBOL_OF.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency}"
