"""A workload limit as an SLA states it (ISO/IEC 20000-1 8.3.3): "up to 400 tickets a month", "up to 50 P1 a
quarter", "up to 2,000 users", optionally followed by the targets it excuses when exceeded: "excusing resolution
targets", "excusing T1, T3", "excusing all targets".

Without "excusing ...", a tickets limit excuses the response and resolution targets (of its priority, when it
names one) and a users limit every target: the agreement is sized for that load, and the targets that load
stretches are the ones it promises nothing beyond.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing._common import _error, _prepare, _to_decimal

_KIND = "a workload limit"
EXAMPLE = "“up to 400 tickets a month”, “up to 50 P1 a quarter excusing resolution targets” or “up to 2,000 users”"
_PERIODS = {"week": "weekly", "month": "monthly", "quarter": "quarterly", "year": "yearly",
            "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly", "yearly": "yearly"}
_PERIOD_WORDS = {"weekly": "a week", "monthly": "a month", "quarterly": "a quarter", "yearly": "a year"}
_PATTERN = re.compile(
    r"^(?:up to\s+|at most\s+|max(?:imum)?\s+)?(?P<amount>[0-9][0-9,]*)\s+(?P<priority>p[1-4]\s+)?"
    r"(?P<measure>tickets?|incidents?|users?|p[1-4])?"
    r"(?:\s+(?:a|an|per|each|every|/)\s*(?P<period>week|month|quarter|year)|\s+(?P<adverb>weekly|monthly|quarterly|yearly))?"
    r"(?:\s*,?\s+excus(?:ing|es)\s+(?P<excuses>.+))?$")
KINDS = ("response", "resolution")


@dataclass(frozen=True)
class Limit:
    measure: str          # tickets / users
    priority: str | None  # P1..P4
    amount: int
    period: str           # weekly / monthly / quarterly / yearly
    excuses: str          # "response,resolution", "all", or keys "T1,T3"


def parse_limit(text: str | None) -> Limit:
    norm = _prepare(text, _KIND, EXAMPLE)
    m = _PATTERN.match(norm)
    if m is None or (m.group("measure") is None and m.group("priority") is None):
        raise _error(_KIND, text or "", "say how many of what, and per what period", EXAMPLE)
    amount = _to_decimal(m.group("amount"))
    if amount is None or amount != int(amount) or amount <= 0:
        raise _error(_KIND, text or "", f"“{m.group('amount')}” is not a whole number above 0", EXAMPLE)
    measure_word = m.group("measure") or "tickets"
    priority = (m.group("priority") or "").strip().upper() or None
    if re.fullmatch(r"p[1-4]", measure_word):
        priority, measure_word = measure_word.upper(), "tickets"
    measure = "users" if measure_word.startswith("user") else "tickets"
    if measure == "users" and priority:
        raise _error(_KIND, text or "", "users have no priority", EXAMPLE)
    period = _PERIODS[m.group("period") or m.group("adverb") or "month"]
    excuses = _excuses(m.group("excuses"), text or "") if m.group("excuses") else (
        "response,resolution" if measure == "tickets" else "all")
    return Limit(measure, priority, int(amount), period, excuses)


def _excuses(words: str, typed: str) -> str:
    words = re.sub(r"\btargets?\b", " ", words).replace(" and ", ",").replace("&", ",")
    items = [w.strip() for w in re.split(r"[,\s]+", words) if w.strip()]
    if not items:
        raise _error(_KIND, typed, "say which targets it excuses", EXAMPLE)
    if "all" in items or "every" in items:
        return "all"
    out = []
    for item in items:
        if item in KINDS or re.fullmatch(r"t\d{1,3}", item):
            out.append(item.upper() if item.startswith("t") and item[1:].isdigit() else item)
        else:
            raise _error(_KIND, typed, f"“{item}” is not a target: name response, resolution, all, or keys like T1",
                         EXAMPLE)
    return ",".join(dict.fromkeys(out))


def format_limit(limit: Limit) -> str:
    """"up to 400 tickets a month", "up to 50 P1 tickets a quarter", "up to 2,000 users a month"."""
    what = f"{limit.priority} tickets" if limit.priority else limit.measure
    return f"up to {limit.amount:,} {what} {_PERIOD_WORDS[limit.period]}"


def format_excuses(excuses: str) -> str:
    if excuses == "all":
        return "all targets"
    items = excuses.split(",")
    kinds = [i for i in items if i in KINDS]
    keys = [i for i in items if i not in KINDS]
    parts = ([" and ".join(kinds) + " targets"] if kinds else []) + keys
    return ", ".join(parts)
