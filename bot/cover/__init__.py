"""Back-to-back cover (competencies 6.2, 6.4): the stored agreements, checked by the rules in `bot.cover.rules`.

This package turns rows (targets, their links, calendars, agreements) into the
check's terms, runs it, and keeps what follows from it: the gate before an SLA
is agreed, waivers, upgrade actions for gaps, and notices when cover is lost.
It reads agreements and actions; neither reads it.

- `rules`: the check itself, on plain terms (a target, its legs, a policy); `arithmetic`: its time sums;
  `cache`: a result stored under the key of its inputs.
- `assessment`: rows into the check's terms (spec, term, legs), `check_one`/`check_agreement`, the policy,
  and `TargetCheck` (findings with their waivers and upgrade plans).
- `gate`: the refusal to agree an SLA that is not covered.
- `waivers`: a service manager accepting one gap, with a reason.
- `gap_upgrades`: an upgrade action for a gap: its first wording, one open per gap.
- `tree`: linking OLA and contract targets beneath SLA targets, and reading the tree.
- `capability`: a requirement checked against the OLAs and contracts there are, before any SLA.
- `notices`: checking again, cover lost and lapsing, and who is told; `marks`: which SLAs a change reaches, so the
  recheck looks only at those (imported here so that every session counts the changes).

Callers write `coverage.gate(...)`, `coverage.tree(...)`: the public names are re-exported here.
"""
from __future__ import annotations

from bot.actions.upgrades import Upgrade
from bot.cover.assessment import (
    IN_FORCE_OR_COMING,
    WAIVED,
    LegState,
    TargetCheck,
    check_agreement,
    check_one,
    gap_key,
    leg_state,
    links_under,
    live_links,
    notice_date,
    open_upgrades,
    policy,
    sla_target,
    spec,
    standing,
    stored_standings,
    term,
)
from bot.cover import marks as _marks  # noqa: F401  (registers the session listener that marks changed SLAs)
from bot.cover.capability import CapabilityCheck, check_requirement
from bot.cover.gap_upgrades import add_upgrade, refuse_after_waived_and_agreed, refuse_second_upgrade, upgrade_suggestion
from bot.cover.gate import AgreementRefused, gate, gate_dm_prefix, settle_gate_dms
from bot.cover.notices import (
    LAPSE,
    LAPSE_WARNING_DAYS,
    LostCover,
    after_underpinning_change,
    lapse_due,
    lapse_events,
    recheck,
    recheck_sla,
    recipients,
    schedule_lapse,
    schedule_missing_lapses,
    slas_to_recheck,
    unscheduled_lapses,
)
from bot.cover.tree import LegChoice, TreeLeg, TreeNode, agreements_without_targets, leg_choices, leg_target_choices, link, tree
from bot.cover.waivers import refuse_if_waived, waive, waiver_reason, waivers_of

__all__ = [
    "IN_FORCE_OR_COMING", "LAPSE", "LAPSE_WARNING_DAYS", "WAIVED",
    "AgreementRefused", "CapabilityCheck", "LegState", "LostCover", "TargetCheck", "TreeLeg", "TreeNode", "Upgrade",
    "add_upgrade", "after_underpinning_change", "check_agreement", "check_one", "check_requirement", "gap_key",
    "LegChoice", "agreements_without_targets", "leg_target_choices", "gate", "lapse_due", "lapse_events", "leg_choices", "leg_state", "link", "links_under", "live_links", "notice_date",
    "open_upgrades", "policy", "recheck", "recheck_sla", "recipients", "refuse_second_upgrade", "refuse_after_waived_and_agreed", "sla_target",
    "schedule_lapse", "schedule_missing_lapses", "standing", "stored_standings", "slas_to_recheck", "spec", "term", "tree", "unscheduled_lapses",
    "upgrade_suggestion", "refuse_if_waived", "gate_dm_prefix", "settle_gate_dms", "waive", "waiver_reason", "waivers_of",
]
