"""Choices for selects, grouped as the forms and the searching selects show them: plain (value, text) pairs."""
from __future__ import annotations

from bot.service_map.choices import Choice
from handlers.presenters.cover import describe
from models import AgreementKind, PartyKind


def party_groups(found: list[Choice]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Parties grouped under their kind's label (customers, support groups, suppliers), in the order found."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for choice in found:
        groups.setdefault(PartyKind(choice.kind).label, []).append((choice.id, choice.name))
    return list(groups.items())


def leg_groups(found: list) -> list[tuple[str, list[tuple[int, str]]]]:
    """Targets under their agreement ("Network OLA (Network team, OLA)"), as the underpin form shows them."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for c in found:
        label = f"{c.agreement.name} ({c.party_name}, {AgreementKind(c.agreement.kind).label})"
        groups.setdefault(c.agreement.id, (label, []))[1].append((c.target.id, f"{c.target.key} {describe(c.target)}"))
    return list(groups.values())
