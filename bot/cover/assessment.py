"""Assessing cover: the stored agreements turned into the check's terms (bot.cover.rules), and its results.

A target becomes a `TargetSpec`, each link beneath it a `Leg` as it is in force (the agreed version of its
OLA or contract); `check_one` runs the rules on them (or reuses the result stored under the same inputs,
bot.cover.cache) and gives a `TargetCheck`: the findings with the waivers and the open upgrade plans that
decide which gaps still stop agreement.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot import agreements, parsing
from bot.actions.upgrades import Upgrade, open_upgrades_on
from bot.agreements import targets
from bot.calendars import CALENDAR_24X7_UTC
from bot.calendars import BusinessCalendar
from bot.calendars import records as calendar_records
from bot.cover import cache as coverage_cache
from bot.cover.rules import Check, Finding, Leg, Policy, TargetSpec, Term, Verdict, check_target, worst
from bot.errors import NotFound
from bot.measurements import achievement
from bot.workspace import settings as workspace_settings
from models import Agreement, AgreementKind, AgreementStatus, Calendar, CoverageState, Party, Target, TargetLink, Waiver

WAIVED = "waived"  # how a gap a service manager accepted is shown, instead of its "not covered"


# ---- rows into the check's terms ------------------------------------------------------------------
def spec(session: Session, target: Target, agreement: Agreement, party: Party) -> TargetSpec:
    """A target as it stands now, read the same way as a version's snapshot of it."""
    calendar = session.get(Calendar, target.calendar_id) if target.calendar_id else None
    snapshot = {"calendars": [calendar_records.describe(calendar)] if calendar else []}
    return _spec_from_content(targets.as_dict(target, calendar, None), snapshot,
                              f"{AgreementKind(agreement.kind).label}, {party.name}")


def term(agreement: Agreement) -> Term:
    """The term being agreed: a change of term under negotiation, else the term in force."""
    start, end = agreements.working_term(agreement)
    return Term(start, end)


def notice_date(agreement: Agreement) -> date | None:
    """The last day to give notice on an underpinning contract."""
    if agreement.notice_days is None:
        return None
    return agreement.end_date - timedelta(days=agreement.notice_days)


IN_FORCE_OR_COMING = (AgreementStatus.DRAFT.value, AgreementStatus.NEGOTIATING.value, AgreementStatus.AGREED.value,
                      AgreementStatus.ACTIVE.value)


def _content_calendar(content: dict, name: str | None) -> BusinessCalendar:
    """A calendar as a version recorded it (the version's snapshot, not today's row)."""
    found = next((c for c in content.get("calendars", []) if c["name"] == name), None) if name else None
    if found is None:
        return CALENDAR_24X7_UTC
    return _clock_calendar(name, found["hours"], found.get("holidays") or "", frozenset(found.get("closures", [])))


@functools.lru_cache(maxsize=64)
def _clock_calendar(name: str, hours: str, holidays: str, closures: frozenset[str]) -> BusinessCalendar:
    """One calendar object for equal descriptions, so the days and timeline it has worked out are reused by every
    target and every check that runs in it (a calendar is an immutable value)."""
    country, _, subdiv = holidays.partition("-")
    return BusinessCalendar(hours=parsing.parse_service_hours(hours), holidays_country=country or None,
                         holidays_subdiv=subdiv or None, closures=frozenset(date.fromisoformat(d) for d in closures),
                         name=name)


def _spec_from_content(t: dict, content: dict, label: str) -> TargetSpec:
    return TargetSpec(label=f"{t['description']} ({label})", kind=t["kind"], level=t["level"],
                      duration=parsing.parse_duration(t["duration"]) if t.get("duration") else None,
                      percent=parsing.parse_percentage(t["goal"]) if t["kind"] == "availability" and t.get("goal") else None,
                      threshold=parsing.parse_quantity(t["threshold"]) if t.get("threshold") else None,
                      calendar=_content_calendar(content, t.get("calendar")))


@dataclass
class LegState:
    """A leg as the check counts it, or why it is not counted."""

    leg: Leg | None
    agreement: Agreement
    note: Finding | None = None  # "not agreed yet" and the like


def leg_state(session: Session, link: TargetLink, now: datetime | None = None) -> LegState:
    """The leg as it is in force: the agreed version of its OLA or contract.

    A leg whose agreement was never agreed counts as negotiated so far, "at risk"; one retired or expired
    counts for nothing; a target added since the agreed version is not in force yet.
    """
    leg_target = session.get(Target, link.leg_target_id)
    agreement = session.get(Agreement, leg_target.agreement_id)
    party = session.get(Party, agreement.counterparty_id)
    kind = "UC" if agreement.kind == AgreementKind.UC else "OLA"
    name = f"{party.name}'s {AgreementKind(agreement.kind).label} “{agreement.name}”"
    if agreement.status not in IN_FORCE_OR_COMING:
        return LegState(None, agreement, Finding("agreement", Verdict.NOT_COVERED,
                                                 f"{name} is {agreement.status}: {leg_target.key} beneath it counts "
                                                 "for nothing."))
    if agreement.agreed_version is None:
        if leg_target.retired:  # removed from a draft: nothing was ever in force
            return LegState(None, agreement, None)
        spec_ = spec(session, leg_target, agreement, party)
        start, end, notice_days = agreement.start_date, agreement.end_date, agreement.notice_days
        note = Finding("agreement", Verdict.AT_RISK, f"{name} is not agreed yet: {leg_target.key} counts as "
                                                     "negotiated so far.")
    else:
        content = agreements.version(session, agreement, agreement.agreed_version).content
        found = next((t for t in content["targets"] if t["key"] == leg_target.key), None)
        if found is None:  # proposed since the agreed version: it carries nothing until agreed
            return LegState(None, agreement, Finding("agreement", Verdict.AT_RISK,
                                                     f"{leg_target.key} of {name} is proposed, not agreed yet: it "
                                                     "carries nothing until it is."))
        spec_ = _spec_from_content(found, content, f"{AgreementKind(agreement.kind).label}, {party.name}")
        start, end = date.fromisoformat(content["start"]), date.fromisoformat(content["end"])
        notice_days, note = content.get("notice_days"), None
    notice = end - timedelta(days=notice_days) if kind == "UC" and notice_days is not None else None
    leg = Leg(target=spec_, owner=party.name, agreement=kind, stage=link.stage, term=Term(start, end),
              notice_date=notice, renewal_date=agreement.renewal_date,
              achievement_goal=parsing.parse_percentage(leg_target.goal) if leg_target.goal else None,
              # what it achieved over its last periods, measured (with `now`: the check knows when it runs)
              achieved=achievement.past_of_leg(session, agreement.team_id, leg_target.id, now) if now else ())
    return LegState(leg, agreement, note)


def links_under(session: Session, sla_target: Target) -> list[TargetLink]:
    return list(session.exec(select(TargetLink).where(TargetLink.sla_target_id == sla_target.id)
                             .order_by(TargetLink.stage, TargetLink.id)))


def live_links(session: Session, sla_target: Target) -> list[TargetLink]:
    """Links whose leg is part of its agreement as it stands in force: a target removed from a draft is gone,
    one whose removal is only proposed still carries what its agreed version says."""
    out = []
    for ln in links_under(session, sla_target):
        leg = session.get(Target, ln.leg_target_id)
        if leg.retired and session.get(Agreement, leg.agreement_id).agreed_version is None:
            continue
        out.append(ln)
    return out


def gap_key(finding: Finding) -> str:
    """A gap's fingerprint: the same rule saying the same thing. Buttons carry it; waivers are kept by it."""
    return hashlib.sha256(f"{finding.rule}\n{finding.reason[:2000]}".encode()).hexdigest()[:16]


@dataclass
class TargetCheck:
    target: Target
    check: Check
    waived: list[Waiver]
    upgrades: list[Upgrade] = field(default_factory=list)
    today: date | None = None  # the day open upgrade plans are judged on

    def upgrade_for(self, finding: Finding) -> Upgrade | None:
        """The open upgrade action made for this gap (by its rule: an upgrade under way may change the gap's words)."""
        key = gap_key(finding)
        return next((u for u in self.upgrades if u.action.gap_rule == finding.rule
                     or (u.action.gap_rule is None and u.action.detail == f"gap {key}")), None)

    def plan_lapsed(self, finding: Finding) -> Upgrade | None:
        """An upgrade accepted as the plan whose due date passed with the gap still there: the gap is open again."""
        found = self.upgrade_for(finding)
        return found if found and found.accepted and not found.holds(self.today) else None
    inputs: str | None = None  # the key of what it was computed from (bot.cover.cache), when keyed

    def waiver_for(self, finding: Finding) -> Waiver | None:
        """The waiver given for this very gap, if any. A gap that changed (a weaker leg, a tighter target)
        is another gap, and needs waiving again."""
        key = gap_key(finding)
        return next((w for w in self.waived if w.gap_key == key), None)

    def finding(self, key: str) -> Finding | None:
        return next((f for f in self.check.problems() if gap_key(f) == key), None)

    @property
    def gaps(self) -> list[Finding]:
        """What stops agreement: "not covered" findings with no waiver for that very gap, and no upgrade
        accepted as the plan that is still within its due date."""
        return [f for f in self.check.problems() if f.verdict == Verdict.NOT_COVERED and self.waiver_for(f) is None
                and not ((u := self.upgrade_for(f)) and u.holds(self.today))]

    def lapsed(self, rule: str) -> bool:
        """A waiver of this rule whose gap is no longer there as it was."""
        current = {gap_key(f) for f in self.check.problems()}
        return any(w.rule == rule and w.gap_key not in current for w in self.waived)

    @property
    def verdict(self) -> Verdict:
        return self.check.verdict

    def shown(self, finding: Finding) -> str:
        """A finding as people read it: a gap someone waived is "waived", not "not covered"."""
        return WAIVED if self.waiver_for(finding) is not None else finding.verdict.value

    @property
    def standing(self) -> str:
        """The target as people read it: the worst finding nobody waived, or "waived" when only waived gaps
        stand between it and "covered"."""
        return standing(self.check.problems(), {w.gap_key for w in self.waived})


def standing(problems: list[Finding], waived: set[str]) -> str:
    """A target as people read it, from its problems and the keys of the gaps waived on it (`TargetCheck.standing`)."""
    unwaived = [f.verdict for f in problems if gap_key(f) not in waived]
    if unwaived:
        return worst(unwaived).value
    return WAIVED if problems else Verdict.COVERED.value


def stored_standings(session: Session, agreement_ids: list[int]) -> dict[int, list[str]]:
    """Each SLA's targets as people read them from the stored results of the last check, without checking again: a
    gap waived is "waived" (as in the tree and the SLA's message), not "not covered"; two queries for them all. A
    target never checked is left out; one stored before findings were kept, its stored verdict."""
    ids = agreement_ids or [-1]
    waived: dict[int, set[str]] = {}
    for target_id, key in session.exec(select(Waiver.target_id, Waiver.gap_key)
                                       .join(Target, Target.id == Waiver.target_id)
                                       .where(Target.agreement_id.in_(ids))):
        waived.setdefault(target_id, set()).add(key)
    out: dict[int, list[str]] = {}
    for agreement_id, state in session.exec(
            select(Target.agreement_id, CoverageState).join(Target, Target.id == CoverageState.target_id)
            .where(Target.agreement_id.in_(ids), Target.retired == False)):  # noqa: E712
        found = coverage_cache.findings(state)
        problems = [f for f in found if f.verdict != Verdict.COVERED] if found is not None else None
        out.setdefault(agreement_id, []).append(
            state.verdict if problems is None else standing(problems, waived.get(state.target_id, set())))
    return out


def policy(session: Session, team_id: str) -> Policy:
    """How strict the check is, as the organisation set it (the workspace's handoff setting)."""
    return Policy(handoff=parsing.parse_duration(workspace_settings.get(session, team_id, "handoff")))


def check_one(session: Session, target: Target, agreement: Agreement | None = None, rules: Policy | None = None,
              party: Party | None = None, today: date | None = None, *, at: datetime | None = None,
              known: dict[int, TargetCheck] | None = None) -> TargetCheck:
    """One SLA target against what is beneath it, as it is in force; open upgrade plans judged on ``today``.

    With ``at`` (now), the result is keyed on its inputs and that day (bot.cover.cache): a result stored under
    the same key, or one in ``known`` (computed a moment ago from the same inputs), is used instead of checking
    again. Without it, the check always runs.
    """
    agreement = agreement or session.get(Agreement, target.agreement_id)
    party = party or session.get(Party, agreement.counterparty_id)
    states = [leg_state(session, ln, at) for ln in live_links(session, target)]
    sla, sla_term, rules = spec(session, target, agreement, party), term(agreement), rules or policy(session, agreement.team_id)
    legs = [s.leg for s in states if s.leg is not None]
    notes = [s.note for s in states if s.note is not None]
    key = coverage_cache.inputs_key(sla, sla_term, legs, notes, rules, at) if at is not None else None
    result = None
    if key is not None:
        earlier = (known or {}).get(target.id)
        result = earlier.check if earlier is not None and earlier.inputs == key else coverage_cache.stored(
            session.exec(select(CoverageState).where(CoverageState.target_id == target.id)).first(), key, sla)
    if result is None:
        result = check_target(sla, sla_term, legs, rules)
        if notes:
            findings = result.findings + notes
            result = Check(result.target, worst(f.verdict for f in findings), findings)
    waived = list(session.exec(select(Waiver).where(Waiver.target_id == target.id)))
    return TargetCheck(target, result, waived, open_upgrades_on(session, [target]), today, key)


def check_agreement(session: Session, agreement: Agreement, today: date | None = None, *, at: datetime | None = None,
                    known: list[TargetCheck] | None = None) -> list[TargetCheck]:
    party = session.get(Party, agreement.counterparty_id)
    rules = policy(session, agreement.team_id)
    earlier = {c.target.id: c for c in known or []}
    return [check_one(session, t, agreement, rules, party, today, at=at, known=earlier)
            for t in agreements.targets_of(session, agreement)]


def open_upgrades(session: Session, agreement: Agreement) -> list[Upgrade]:
    """The open upgrade actions for gaps beneath an SLA's targets (its headline names them)."""
    return open_upgrades_on(session, agreements.targets_of(session, agreement))


def sla_target(session: Session, team_id: str, target_id: int) -> tuple[Target, Agreement]:
    """A target of the workspace, and its agreement (a button or form names it by id)."""
    target = session.get(Target, target_id)
    if target is None or target.team_id != team_id:
        raise NotFound("That target no longer exists.")
    return target, session.get(Agreement, target.agreement_id)
