"""What the back-to-back messages need to say of targets and agreements (passed to their templates)."""
from __future__ import annotations

from bot import cover as coverage
from bot.agreements import targets
from bot.workspace.permissions import Capability, can
from models import AgreementKind


def describe(t) -> str:
    return targets.describe(t.kind, t.level, t.duration, t.goal, t.metric_name, t.threshold)


def what(t) -> str:
    return targets.short(t.kind, t.level, t.metric_name)


def kind_label(agreement) -> str:
    return AgreementKind(agreement.kind).label


def buttons_for(actor) -> dict:
    """Which gap buttons this person may press: these messages go to one person (ephemeral), so they get only those."""
    return {"can_waive": can(actor, Capability.WAIVE_GAP), "can_upgrade": can(actor, Capability.DRAFT_AGREEMENT)}


HELPERS = {"describe": describe, "what": what, "kind_label": kind_label, "gap_key": coverage.gap_key}
