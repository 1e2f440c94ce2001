"""What a searching select offers as the person types: services, parties, or OLA and contract targets.

The answer is the acknowledgement itself (Slack shows the options it carries), so the work is one query with a
LIMIT of 100 by the typed text, and nothing else.

A block_suggestion is a request of its own, from whoever types, and can come for any select: each listener asks
for the right its form needs (the same `require` the form's command and submission make) and answers a person
without it with no options, in their own workspace only.

The answer is the ack, so its query reads in a read session (bot/database.py): on SQLite it takes no write lock,
and so never waits behind a writer (the worker's recheck, a bulk ingest) while Slack waits for the options.
"""
from __future__ import annotations

import re

from slack_bolt import Ack, BoltContext

from bot import actions
from bot import cover as coverage
from bot.service_map import choices
from handlers import registry
from handlers.presenters.choices import leg_groups, party_groups
from messages import render
from messages.ids import Action
from bot.workspace.permissions import Capability, can
from models import PartyKind


def _typed(body: dict) -> str:
    return (body.get("value") or "")[:120]


def _refused(ack: Ack, actor, capability: Capability) -> bool:
    """Whether this person may not use the form this select is in: then the answer is no options at all."""
    if can(actor, capability):
        return False
    ack(**render("select_options.yml.j2", choices=[]))
    return True


@registry.options(re.compile(rf"^{Action.SEARCH_SERVICE}$"))
def services(ack: Ack, body: dict, context: BoltContext) -> None:
    actor = context["actor"]
    if _refused(ack, actor, Capability.VIEW_MAP):
        return
    with context["deps"].db.read_session() as session:
        found = choices.services(session, actor.team_id, _typed(body))
    ack(**render("select_options.yml.j2", choices=[(c.id, c.name) for c in found]))


def party_kinds(action_id: str) -> tuple[PartyKind, ...]:
    """The kinds a party search offers, from its action_id (`search_party:support_group,supplier`); all when none."""
    _name, _colon, kinds = action_id.partition(":")
    return tuple(PartyKind(k) for k in kinds.split(",") if k in {p.value for p in PartyKind})


@registry.options(re.compile(rf"^{Action.SEARCH_PARTY}(:[a-z_,]*)?$"))
def parties(ack: Ack, body: dict, context: BoltContext) -> None:
    actor = context["actor"]
    if _refused(ack, actor, Capability.VIEW_MAP):
        return
    kinds = party_kinds(body.get("action_id") or "")
    with context["deps"].db.read_session() as session:
        found = choices.parties(session, actor.team_id, _typed(body), kinds=kinds)
    ack(**render("select_options.yml.j2", groups=party_groups(found)))


@registry.options(re.compile(rf"^{Action.SEARCH_LEG_TARGET}$"))
def leg_targets(ack: Ack, body: dict, context: BoltContext) -> None:
    actor = context["actor"]
    if _refused(ack, actor, Capability.DRAFT_AGREEMENT):  # the underpin form's right (bot/cover/tree.py link)
        return
    with context["deps"].db.read_session() as session:
        found = coverage.leg_target_choices(session, actor.team_id, _typed(body))
        groups = leg_groups(found)
    ack(**render("select_options.yml.j2", groups=groups))


@registry.options(re.compile(rf"^{Action.SEARCH_SLA_TARGET}$"))
def sla_targets(ack: Ack, body: dict, context: BoltContext) -> None:
    actor = context["actor"]
    if _refused(ack, actor, Capability.RECORD_ACTION):  # the new action form's right (bot/actions/records.py)
        return
    with context["deps"].db.read_session() as session:
        found = actions.improvable_targets(session, actor.team_id, typed=_typed(body))
    ack(**render("select_options.yml.j2", choices=found))
