"""The back-to-back check's results, kept with their inputs so that an unchanged tree is not checked again.

Each SLA target's result is stored in its `coverage_state` row (the one `coverage.recheck` keeps to notice a loss
of cover), under a key: a SHA-256 of everything the check reads (the SLA target and its calendar, the term, every
leg as it is in force with its calendar and dates, the notes on legs not agreed, the hand-off allowance and the
sampling), the version of these rules and of the `holidays` package, and the day. Any change to one of them is
another key, so the stored result is never used for it. The day is in the key so that nothing the check may come to
read from the calendar outlives the day it was computed on.

`coverage_state.reasons` holds ``{"inputs": key, "findings": [[rule, verdict, reason], ...]}``; rows written
before it held a list of reasons, which matches no key and is simply computed again.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime, timezone
from importlib.metadata import version

from bot.cover.rules import Check, Finding, Leg, Policy, TargetSpec, Term, Verdict, worst
from models import CoverageState

# Change this whenever the rules or their words change, so that no result of the old rules is used again.
RULES_VERSION = "2026-11-30"
_HOLIDAYS_VERSION = version("holidays")


def inputs_key(sla: TargetSpec, term: Term, legs: list[Leg], notes: list[Finding], policy: Policy,
               at: datetime) -> str:
    """The key of one check: equal keys, equal results."""
    day = at.astimezone(timezone.utc).date()
    inputs = [RULES_VERSION, _HOLIDAYS_VERSION, day.isoformat(), _plain(sla), _plain(term), _plain(legs),
              _plain(notes), _plain(policy)]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def stored(state: CoverageState | None, key: str, sla: TargetSpec) -> Check | None:
    """The result stored under ``key``, or None when what is stored was computed from other inputs."""
    kept = state.reasons if state is not None else None
    if not isinstance(kept, dict) or kept.get("inputs") != key:
        return None
    findings = [Finding(rule, Verdict(verdict), reason) for rule, verdict, reason in kept["findings"]]
    return Check(sla, worst(f.verdict for f in findings), findings)


def findings(state: CoverageState) -> list[Finding] | None:
    """What the last check found, whatever its inputs (what the Home shows); None in rows from before the key."""
    kept = state.reasons
    if not isinstance(kept, dict) or "findings" not in kept:
        return None
    return [Finding(rule, Verdict(verdict), reason) for rule, verdict, reason in kept["findings"]]


def remember(state: CoverageState, key: str, check: Check) -> None:
    state.reasons = {"inputs": key, "findings": [[f.rule, f.verdict.value, f.reason] for f in check.findings]}


def key_of(state: CoverageState | None) -> str | None:
    kept = state.reasons if state is not None else None
    return kept.get("inputs") if isinstance(kept, dict) else None


def _plain(value):
    """A value as plain JSON, the same in every process (sets sorted; no hash order)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    if isinstance(value, (frozenset, set)):
        return sorted((_plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return repr(value)  # Decimal, time, enums: their repr names the value
