"""A proposed change to an underpinning contract or OLA, before it is agreed: which SLA targets it would weaken.

The back-to-back check (bot.cover.rules) is run twice for every SLA target with a leg in the contract: once with
the contract's targets as they stand (the version in force; before any version is agreed, the version before the
proposal) and once with the proposed version's in their place, every other leg as it is in force. A target is
weakened when its verdict gets worse (carried → a gap: "not covered", or "covered" → "at risk"), or when it keeps
its verdict with less margin: less time to spare on the tightest ticket (time targets), or a lower combined
availability (availability targets).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from bot import agreements, parsing
from bot.agreements.targets import describe
from bot.cover import assessment
from bot.cover.rules import Check, Finding, Leg, Term, Verdict, check_target, worst
from bot.measurements import achievement
from models import Agreement, AgreementKind, Party, Target, TargetLink

KIND_RULES = ("time", "availability", "metric")


@dataclass(frozen=True)
class Weakened:
    sla: str        # "Acme Payroll T1 P1 resolution within 8h"
    before: str     # the verdict with the contract as it stands
    after: str      # with the proposed version in its place
    margin: str     # "1h 45m to spare → 15m late", or "" when the rule gives no figure
    reason: str     # the check's words for the proposed version

    @property
    def gap(self) -> bool:
        return self.after == Verdict.NOT_COVERED.value and self.before != Verdict.NOT_COVERED.value


@dataclass(frozen=True)
class ChangeCheck:
    agreement: str
    base: int | None      # the version compared against
    proposed: int
    checked: int          # SLA targets with a leg in this contract
    weakened: list[Weakened]


_SPARE = re.compile(r"(?:leaves|only) ((?:\d+[dhm] ?)+) to spare")
_LATE = re.compile(r"\(((?:\d+[dhm] ?)+) late\)")
_TOTAL = re.compile(r"= ([\d.]+)%")


def _minutes(span: str) -> int:
    units = {"d": 24 * 60, "h": 60, "m": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([dhm])", span))


def margin(finding: Finding | None) -> tuple[Decimal, str] | None:
    """How much room a kind rule's finding leaves: minutes to spare (negative: late), or the combined availability;
    with the words for it. None when the rule gives no figure."""
    if finding is None:
        return None
    if finding.rule == "time":
        if (m := _SPARE.search(finding.reason)):
            return Decimal(_minutes(m.group(1))), f"{m.group(1).strip()} to spare"
        if (m := _LATE.search(finding.reason)):
            return Decimal(-_minutes(m.group(1))), f"{m.group(1).strip()} late"
    if finding.rule == "availability" and (m := _TOTAL.search(finding.reason)):
        return Decimal(m.group(1)), f"{m.group(1)}% combined"
    return None


def _kind_finding(check: Check) -> Finding | None:
    return next((f for f in sorted(check.findings, key=lambda f: -f.verdict.rank) if f.rule in KIND_RULES), None)


def _leg_from(session: Session, link: TargetLink, agreement: Agreement, party: Party, content: dict,
              now: datetime) -> Leg | None:
    """The leg as `content` (a version's snapshot of its contract) has it; None when that version has no such target."""
    leg_target = session.get(Target, link.leg_target_id)
    found = next((t for t in content["targets"] if t["key"] == leg_target.key), None)
    if found is None:
        return None
    label = f"{AgreementKind(agreement.kind).label}, {party.name}"
    start, end = date.fromisoformat(content["start"]), date.fromisoformat(content["end"])
    kind = "UC" if agreement.kind == AgreementKind.UC.value else "OLA"
    notice_days = content.get("notice_days")
    return Leg(target=assessment._spec_from_content(found, content, label), owner=party.name, agreement=kind,
               stage=link.stage, term=Term(start, end),
               notice_date=end - timedelta(days=notice_days) if kind == "UC" and notice_days is not None else None,
               renewal_date=date.fromisoformat(content["renewal_date"]) if content.get("renewal_date") else None,
               achievement_goal=parsing.parse_percentage(found["goal"]) if found.get("goal") else None,
               achieved=achievement.past_of_leg(session, agreement.team_id, leg_target.id, now))


def _check(session: Session, sla_target: Target, sla: Agreement, mine: Agreement, party: Party, content: dict | None,
           now: datetime) -> Check:
    """The SLA target's check with this contract's legs read from `content` (None: as they are in force)."""
    legs, notes = [], []
    for link in assessment.live_links(session, sla_target):
        leg_target = session.get(Target, link.leg_target_id)
        if content is not None and leg_target.agreement_id == mine.id:
            leg = _leg_from(session, link, mine, party, content, now)
            if leg is not None:
                legs.append(leg)
            continue
        state = assessment.leg_state(session, link, now)
        if state.leg is not None:
            legs.append(state.leg)
        if state.note is not None:
            notes.append(state.note)
    sla_party = session.get(Party, sla.counterparty_id)
    spec = assessment.spec(session, sla_target, sla, sla_party)
    result = check_target(spec, assessment.term(sla), legs, assessment.policy(session, sla.team_id))
    if notes:
        findings = result.findings + notes
        result = Check(result.target, worst(f.verdict for f in findings), findings)
    return result


def check_change(session: Session, agreement: Agreement, number: int | None = None, *, now: datetime,
                 base: int | None = None) -> ChangeCheck | None:
    """What version `number` (the latest by default) of an OLA or contract would weaken, against version `base` (by
    default the version in force, or before any is agreed the one before it); None for an SLA, or for a first
    version (there is nothing it changes)."""
    if agreement.kind == AgreementKind.SLA.value:
        return None
    number = number or agreement.latest_version
    base_number = base if base is not None else agreement.agreed_version \
        if agreement.agreed_version and agreement.agreed_version < number else number - 1
    if base_number < 1:
        return None
    base_content = agreements.version(session, agreement, base_number).content
    proposed = agreements.version(session, agreement, number).content
    party = session.get(Party, agreement.counterparty_id)
    mine = [t.id for t in agreements.targets_of(session, agreement, include_retired=True)] or [-1]
    sla_target_ids = sorted(set(session.exec(select(TargetLink.sla_target_id).where(
        TargetLink.leg_target_id.in_(mine)))))
    weakened, checked = [], 0
    for target_id in sla_target_ids:
        sla_target = session.get(Target, target_id)
        sla = session.get(Agreement, sla_target.agreement_id)
        if sla_target.retired or sla.status not in assessment.IN_FORCE_OR_COMING:
            continue
        checked += 1
        before = _check(session, sla_target, sla, agreement, party, base_content, now)
        after = _check(session, sla_target, sla, agreement, party, proposed, now)
        m_before, m_after = margin(_kind_finding(before)), margin(_kind_finding(after))
        worse = after.verdict.rank > before.verdict.rank
        less = (after.verdict == before.verdict and m_before is not None and m_after is not None
                and m_after[0] < m_before[0])
        if not (worse or less):
            continue
        shown = _kind_finding(after) if not worse else next(
            (f for f in after.problems() if f.verdict == after.verdict), _kind_finding(after))
        weakened.append(Weakened(
            sla=f"{sla.name} {sla_target.key} " + describe(sla_target.kind, sla_target.level, sla_target.duration,
                                                            sla_target.goal, sla_target.metric_name,
                                                            sla_target.threshold),
            before=before.verdict.value, after=after.verdict.value,
            margin=f"{m_before[1]} → {m_after[1]}" if m_before and m_after else "",
            reason=shown.reason if shown is not None else ""))
    return ChangeCheck(agreement.name, base_number, number, checked, weakened)


def as_context(result: ChangeCheck) -> dict:
    """Plain values for a template (an outbox row keeps its context as JSON)."""
    return {"agreement": result.agreement, "base": result.base, "proposed": result.proposed,
            "checked": result.checked, "weakened": [{"sla": w.sla, "before": w.before, "after": w.after,
                                                     "margin": w.margin, "reason": w.reason, "gap": w.gap}
                                                    for w in result.weakened]}
