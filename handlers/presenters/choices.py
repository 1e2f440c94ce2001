"""Choices for selects, grouped as the forms and the searching selects show them: plain (value, text) pairs."""
from __future__ import annotations

from bot.service_map import choices
from bot.service_map.choices import Choice
from handlers.presenters.cover import describe
from messages.ids import Action
from models import AgreementKind, Party, PartyKind


def party_search(*kinds: PartyKind) -> str:
    """The action_id of a search among parties of these kinds (every kind when none is named)."""
    return f"{Action.SEARCH_PARTY}:{','.join(k.value for k in kinds)}" if kinds else Action.SEARCH_PARTY.value


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
        label = f"{c.agreement_name} ({c.party_name}, {AgreementKind(c.agreement_kind).label})"
        groups.setdefault(c.agreement_id, (label, []))[1].append((c.target.id, f"{c.target.key} {describe(c.target)}"))
    return list(groups.values())


def with_chosen(found: list[Choice], chosen) -> list[tuple[int, str]]:
    """(id, name) pairs of what a select offers, the one already chosen among them even when it is past the first
    page (a searching select shows it as its initial option)."""
    pairs = [(c.id, c.name) for c in found]
    if chosen is not None and all(value != chosen.id for value, _name in pairs):
        pairs.append((chosen.id, chosen.name))
    return pairs


OWNER_KINDS = (PartyKind.SUPPORT_GROUP, PartyKind.SUPPLIER)  # who may own an action on cover: the legs' parties


def owner_choices(session, team_id: str, owner_party_id: int | None = None) -> list[tuple[int, str]]:
    """The support groups and suppliers an action's form offers as its owner: the first 101 (past 100 the select
    searches, `search_party:support_group,supplier`), with the owner suggested already among them."""
    found = choices.parties(session, team_id, kinds=OWNER_KINDS, limit=101)
    owner = choices.named(session, team_id, Party, [owner_party_id]) if owner_party_id else []
    return with_chosen(found, owner[0] if owner else None)
