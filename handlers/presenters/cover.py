"""What the back-to-back messages say of targets, gaps and agreements: plain data for their templates
(`coverage_tree`, `coverage_gaps`, `capability_check`, and the upgrades in `agreement_headline`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    return {"can_waive": can(actor, Capability.WAIVE_GAP), "can_upgrade": can(actor, Capability.RECORD_ACTION)}




@dataclass(frozen=True)
class UpgradeView:
    """An open upgrade action for a gap, as the `upgrade_note` macro says it."""

    target_key: str
    number: int
    owner_party: str | None
    owner_user_id: str | None
    due: str
    state: str            # "proposed", "accepted" (as the plan) or "due passed" (accepted, but too late now)
    accepted_by: str | None


def upgrade_view(u: coverage.Upgrade, today: date | None = None) -> UpgradeView:
    passed = u.accepted and today is not None and u.action.due < today
    return UpgradeView(u.target_key, u.action.number, u.owner_party, u.action.owner_user_id, u.action.due.isoformat(),
                       "due passed" if passed else "accepted" if u.accepted else "proposed", u.action.plan_accepted_by)


@dataclass(frozen=True)
class GapView:
    """One finding of a target's check, with what the buttons beside it carry."""

    rule: str
    reason: str
    shown: str                       # its verdict as people read it ("waived" once waived)
    button_value: str                # "<target id>:<gap key>", what Waive and Upgrade carry
    upgrade: UpgradeView | None
    waived_by: str | None
    waiver_reason: str | None
    waiver_lapsed: bool              # a waiver of this rule whose gap changed since


def gap_view(c: coverage.TargetCheck, f) -> GapView:
    waiver, upgrade = c.waiver_for(f), c.upgrade_for(f)
    return GapView(f.rule, f.reason, c.shown(f), f"{c.target.id}:{coverage.gap_key(f)}",
                   upgrade_view(upgrade, c.today) if upgrade else None,
                   waiver.created_by if waiver else None, waiver.reason if waiver else None, c.lapsed(f.rule))


@dataclass(frozen=True)
class LegView:
    stage: int
    key: str
    description: str
    kind_label: str
    agreement: str
    owner: str


@dataclass(frozen=True)
class TargetView:
    """A target of an SLA with its verdict, what underpins it and its gaps."""

    key: str
    description: str
    what: str
    standing: str
    legs: list[LegView]
    problems: list[GapView]          # the worst few findings that are not "covered"
    gaps: list[GapView]              # what stops agreement: no waiver, no plan in time


TREE_PROBLEMS = 4  # findings shown for each target of the tree


def tree_view(nodes: list[coverage.TreeNode]) -> list[TargetView]:
    return [TargetView(n.target.key, describe(n.target), what(n.target), n.check.standing,
                       [LegView(leg.stage, leg.target.key, describe(leg.target), kind_label(leg.agreement),
                                leg.agreement.name, leg.owner.name) for leg in n.legs],
                       [gap_view(n.check, f) for f in n.check.check.problems()[:TREE_PROBLEMS]],
                       [gap_view(n.check, f) for f in n.check.gaps])
            for n in nodes]


def gaps_view(checks: list[coverage.TargetCheck]) -> list[TargetView]:
    """The targets of a refused agreement, each with the gaps that stop it."""
    return [TargetView(c.target.key, describe(c.target), what(c.target), c.standing, [], [],
                       [gap_view(c, f) for f in c.gaps]) for c in checks]


@dataclass(frozen=True)
class CapabilityView:
    """Whether the OLAs and contracts beneath a requirement's service could meet it (`/slm check`)."""

    number: int
    statement: str
    target: str                      # what was asked, e.g. "P1 4h"
    verdict: str | None              # None: nothing measurable to check
    legs: list[str]                  # "Network group's OLA (T1 P1 response within 1h)"
    problems: list[tuple[str, str]]  # (rule, reason), the worst few


CAPABILITY_PROBLEMS = 8


def capability_view(result: coverage.CapabilityCheck) -> CapabilityView:
    r = result.requirement
    legs = [f"{party.name}'s {kind_label(agreement)} ({target.key} {describe(target)})"
            for agreement, party, target in result.legs]
    problems = [(f.rule, f.reason) for f in result.check.problems()[:CAPABILITY_PROBLEMS]] if result.check else []
    return CapabilityView(r.number, r.statement, f"{r.level} {r.target}" if r.level else r.target,
                          result.check.verdict.value if result.check else None, legs, problems)
