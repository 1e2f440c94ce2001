"""Back-to-back cover (competencies 6.2, 6.4): the stored agreements, checked by the rules in `bot.backtoback`.

This module turns rows (targets, their links, calendars, agreements) into the
check's terms, runs it, and keeps what follows from it: the gate before an SLA
is agreed, waivers, upgrade actions, and notices when cover is lost.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import agreements, audit, dates, outbox, parsing, service_map, text
from bot.calendars import records as calendar_records
from bot.cover import cache as coverage_cache
from bot.agreements import targets
from bot.workspace import settings as workspace_settings
from bot.measurements import achievement
from bot.cover.rules import Check, Finding, Leg, Policy, TargetSpec, Term, Verdict, check_target, worst
from bot.calendars import CALENDAR_24X7_UTC
from bot.calendars import Calendar as ClockCalendar
from bot.workspace.actor import Actor
from bot.errors import DomainError, InvalidInput, NotFound
from bot.workspace.permissions import SERVICE_MANAGER, Capability, can, require
from models import (
    Action,
    ActionKind,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Calendar,
    CoverageState,
    Party,
    Member,
    Requirement,
    RoleGrant,
    Target,
    TargetLink,
    Waiver,
)

WAIVED = "waived"  # how a gap a service manager accepted is shown, instead of its "not covered"
LAPSE_WARNING_DAYS = 30  # how far ahead the service manager hears of an underpinning agreement ending


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


def _content_calendar(content: dict, name: str | None) -> ClockCalendar:
    """A calendar as a version recorded it (the version's snapshot, not today's row)."""
    found = next((c for c in content.get("calendars", []) if c["name"] == name), None) if name else None
    if found is None:
        return CALENDAR_24X7_UTC
    return _clock_calendar(name, found["hours"], found.get("holidays") or "", frozenset(found.get("closures", [])))


@functools.lru_cache(maxsize=64)
def _clock_calendar(name: str, hours: str, holidays: str, closures: frozenset[str]) -> ClockCalendar:
    """One calendar object for equal descriptions, so the days and timeline it has worked out are reused by every
    target and every check that runs in it (a calendar is an immutable value)."""
    country, _, subdiv = holidays.partition("-")
    return ClockCalendar(hours=parsing.parse_service_hours(hours), holidays_country=country or None,
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


def _leg(session: Session, link: TargetLink, now: datetime | None = None) -> LegState:
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


def _live_links(session: Session, sla_target: Target) -> list[TargetLink]:
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
class Upgrade:
    """An open upgrade action for one gap of a target, with its owning party's name."""

    action: Action
    owner_party: str | None
    target_key: str = ""

    @property
    def accepted(self) -> bool:
        return self.action.plan_accepted_by is not None

    def holds(self, today: date | None) -> bool:
        """Accepted as the plan, and its due date not passed (None: judged as still in time)."""
        return self.accepted and (today is None or today <= self.action.due)


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
    inputs: str | None = None  # the key of what it was computed from (bot.coverage_cache), when keyed

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
        problems = self.check.problems()
        unwaived = [f.verdict for f in problems if self.waiver_for(f) is None]
        if unwaived:
            return worst(unwaived).value
        return WAIVED if problems else Verdict.COVERED.value


def policy(session: Session, team_id: str) -> Policy:
    """How strict the check is, as the organisation set it (`/slm settings handoff 15m`)."""
    return Policy(handoff=parsing.parse_duration(workspace_settings.get(session, team_id, "handoff")))


def check_one(session: Session, target: Target, agreement: Agreement | None = None, rules: Policy | None = None,
              party: Party | None = None, today: date | None = None, *, at: datetime | None = None,
              known: dict[int, TargetCheck] | None = None) -> TargetCheck:
    """One SLA target against what is beneath it, as it is in force; open upgrade plans judged on ``today``.

    With ``at`` (now), the result is keyed on its inputs and that day (bot.coverage_cache): a result stored under
    the same key, or one in ``known`` (computed a moment ago from the same inputs), is used instead of checking
    again. Without it, the check always runs.
    """
    agreement = agreement or session.get(Agreement, target.agreement_id)
    party = party or session.get(Party, agreement.counterparty_id)
    states = [_leg(session, ln, at) for ln in _live_links(session, target)]
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
    return TargetCheck(target, result, waived, _open_upgrades(session, [target]), today, key)


def check_agreement(session: Session, agreement: Agreement, today: date | None = None, *, at: datetime | None = None,
                    known: list[TargetCheck] | None = None) -> list[TargetCheck]:
    party = session.get(Party, agreement.counterparty_id)
    rules = policy(session, agreement.team_id)
    earlier = {c.target.id: c for c in known or []}
    return [check_one(session, t, agreement, rules, party, today, at=at, known=earlier)
            for t in agreements.targets_of(session, agreement)]


def _open_upgrades(session: Session, target_rows: list[Target]) -> list[Upgrade]:
    keys = {t.id: t.key for t in target_rows}
    rows = session.exec(select(Action).where(Action.target_id.in_(list(keys) or [-1]),
                                             Action.kind == ActionKind.UPGRADE.value, Action.status == "open")
                        .order_by(Action.number))
    return [Upgrade(a, session.get(Party, a.owner_party_id).name if a.owner_party_id else None, keys[a.target_id])
            for a in rows]


def open_upgrades(session: Session, agreement: Agreement) -> list[Upgrade]:
    """The open upgrade actions for gaps beneath an SLA's targets (its headline names them)."""
    return _open_upgrades(session, agreements.targets_of(session, agreement))


# ---- the gate -------------------------------------------------------------------------------------
class AgreementRefused(DomainError):
    """The SLA cannot be agreed: these targets are not covered, and nobody waived the gap."""

    def __init__(self, agreement: Agreement, checks: list[TargetCheck]):
        self.agreement, self.checks = agreement, checks
        count = sum(len(c.gaps) for c in checks)
        super().__init__(f"{agreement.name} cannot be agreed yet: {count} gap{'s' if count != 1 else ''} in what "
                         "underpins it. Close them (upgrade the OLAs and contracts), or a service manager can waive "
                         "each with a reason, or accept an upgrade action as the plan for it.")


def gate(session: Session, actor: Actor, agreement: Agreement, known: list[TargetCheck] | None = None) -> None:
    """Refuse agreement to an SLA while any target is not covered and not waived.

    ``known``: checks made a moment ago (before the row lock was taken); each is used only where its inputs are
    still the same, so the decision is always the one on the state being agreed.
    """
    if agreement.kind != AgreementKind.SLA:
        return
    blocked = [c for c in check_agreement(session, agreement, actor.today(), at=actor.at(), known=known) if c.gaps]
    if blocked:
        raise AgreementRefused(agreement, blocked)


def sla_target(session: Session, team_id: str, target_id: int) -> tuple[Target, Agreement]:
    target = session.get(Target, target_id)
    if target is None or target.team_id != team_id:
        raise NotFound("That target no longer exists.")
    return target, session.get(Agreement, target.agreement_id)


def waiver_reason(actor: Actor, reason: str | None) -> str:
    """What the waive form itself can be told, before any cover is checked: who may waive, and that a reason is
    given."""
    require(actor, Capability.WAIVE_GAP)
    why = text.line(reason, 2000)
    if not why:
        raise InvalidInput({"reason": "Say why this gap is acceptable; it is kept with the SLA."})
    return why


def waive(session: Session, actor: Actor, target_id: int, key: str, reason: str | None) -> Waiver:
    """A service manager accepts one gap, with a written reason; the waiver is shown on the SLA and counted."""
    why = waiver_reason(actor, reason)
    target, agreement = sla_target(session, actor.team_id, target_id)
    found = check_one(session, target, agreement, at=actor.at())
    gap = found.finding(key)
    if gap is None:
        raise DomainError(f"That gap of {target.key} is not there any more: it changed or closed. "
                          f"See `/slm tree {agreement.name}`.")
    if found.waiver_for(gap) is not None:
        raise DomainError(f"That {gap.rule} gap of {target.key} is already waived.")
    row = Waiver(team_id=actor.team_id, target_id=target.id, rule=gap.rule, gap_key=key, gap=gap.reason[:2000],
                 reason=why, created_at=actor.at(), created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise DomainError(f"That {gap.rule} gap of {target.key} was waived at the same moment by someone else.") from None
    audit.record(session, actor, "coverage.waive", "target", target.id, rule=gap.rule, gap=gap.reason, reason=why)
    return row


def waivers_of(session: Session, agreement: Agreement) -> list[tuple[Target, Waiver]]:
    rows = session.exec(select(Target, Waiver).join(Waiver, Waiver.target_id == Target.id)
                        .where(Target.agreement_id == agreement.id).order_by(Target.id, Waiver.id))
    return list(rows)


# ---- upgrade actions -------------------------------------------------------------------------------
def _next_action_number(session: Session, team_id: str) -> int:
    top = session.exec(select(func.max(Action.number)).where(Action.team_id == team_id)).one()
    return (top or 0) + 1


def add_action(session: Session, actor: Actor, *, kind: ActionKind, title: str | None, owner_party_id: int | None,
               owner_user_id: str | None, due: date | None, agreement_id: int | None = None,
               target_id: int | None = None, detail: str = "", gap_rule: str | None = None,
               plan_accepted: bool = False) -> Action:
    require(actor, Capability.DRAFT_AGREEMENT)
    errors: dict[str, str] = {}
    text = " ".join((title or "").split())
    if not text:
        errors["title"] = "Say what is to be done."
    if due is None:
        errors["due"] = "Choose the date it is due."
    elif due < actor.today():
        errors["due"] = "The due date has passed; choose today or later."
    if owner_party_id is not None:
        try:
            service_map.get_party(session, actor.team_id, owner_party_id)
        except NotFound as err:
            errors["owner_party"] = str(err)
    if owner_party_id is None and not owner_user_id:
        errors["owner_user"] = "Name who owns it: a person, a support group or a supplier."
    if errors:
        raise InvalidInput(errors)
    for _ in range(5):
        row = Action(team_id=actor.team_id, number=_next_action_number(session, actor.team_id), kind=kind.value,
                     title=text[:500], owner_party_id=owner_party_id, owner_user_id=owner_user_id or None, due=due,
                     agreement_id=agreement_id, target_id=target_id, detail=detail[:2000], gap_rule=gap_rule,
                     plan_accepted_by=actor.user_id if plan_accepted else None,
                     plan_accepted_at=actor.at() if plan_accepted else None, created_at=actor.at(),
                     created_by=actor.user_id)
        try:
            with session.begin_nested():
                session.add(row)
            break
        except IntegrityError:  # another replica took the number; take the next
            continue
    else:
        raise DomainError("Too many actions are being recorded at once; please try again.")
    audit.record(session, actor, "action.add", "action", row.id, number=row.number, kind=kind.value, title=text)
    return row


def upgrade_suggestion(session: Session, team_id: str, target_id: int, key: str,
                       at: datetime | None = None) -> tuple[str, int | None, date]:
    """A first wording for the upgrade action of a gap: its title, the owner, the date (the SLA's start)."""
    target, agreement = sla_target(session, team_id, target_id)
    finding = check_one(session, target, agreement, at=at).finding(key)
    legs = [session.get(Target, ln.leg_target_id) for ln in _live_links(session, target)]
    owner = None
    if legs:
        owner = session.get(Agreement, legs[-1].agreement_id).counterparty_id
    party = session.get(Party, agreement.counterparty_id)
    what = targets.short(target.kind, target.level, target.metric_name)
    title = f"Upgrade what underpins {what} of {agreement.name} before {party.name}'s SLA starts"
    if finding:
        title += f" ({finding.rule}: {finding.reason[:300]})"
    return title[:500], owner, agreement.start_date


def actions(session: Session, team_id: str, *, open_only: bool = True) -> list[Action]:
    q = select(Action).where(Action.team_id == team_id)
    if open_only:
        q = q.where(Action.status == "open")
    return list(session.exec(q.order_by(Action.due, Action.number)))


def may_close(actor: Actor, row: Action) -> bool:
    """Its owner closes an action, or whoever may record actions (a *Done* button is shown to them only)."""
    return row.owner_user_id == actor.user_id or can(actor, Capability.DRAFT_AGREEMENT)


def close_action(session: Session, actor: Actor, number: int) -> Action:
    row = session.exec(select(Action).where(Action.team_id == actor.team_id, Action.number == number)).first()
    if row is None:
        raise NotFound(f"There is no action #{number}.")
    if not may_close(actor, row):
        require(actor, Capability.DRAFT_AGREEMENT)
    row.status, row.done_at = "done", actor.at()
    session.add(row)
    audit.record(session, actor, "action.done", "action", row.id, number=number)
    return row


# ---- building the tree -------------------------------------------------------------------------------
def link(session: Session, actor: Actor, *, sla_target_id: int | None, leg_target_id: int | None,
         stage: int | None) -> TargetLink:
    require(actor, Capability.DRAFT_AGREEMENT)
    errors: dict[str, str] = {}
    sla_target = session.get(Target, sla_target_id) if sla_target_id else None
    leg_target = session.get(Target, leg_target_id) if leg_target_id else None
    if sla_target is None or sla_target.team_id != actor.team_id:
        errors["sla_target"] = "Choose the SLA target."
    elif session.get(Agreement, sla_target.agreement_id).kind != AgreementKind.SLA:
        errors["sla_target"] = "That is not an SLA target."
    if leg_target is None or leg_target.team_id != actor.team_id:
        errors["leg_target"] = "Choose the OLA or contract target beneath it."
    elif session.get(Agreement, leg_target.agreement_id).kind == AgreementKind.SLA:
        errors["leg_target"] = "Beneath an SLA target go OLA and underpinning contract targets, not another SLA's."
    if stage is None or not 1 <= stage <= 9:
        errors["stage"] = "Choose the stage: 1 for the first to handle it, 2 for whom they hand over to, and so on."
    if not errors and session.exec(select(TargetLink.id).where(TargetLink.sla_target_id == sla_target.id,
                                                               TargetLink.leg_target_id == leg_target.id)).first():
        errors["leg_target"] = "That target already sits beneath this one."
    if errors:
        raise InvalidInput(errors)
    row = TargetLink(team_id=actor.team_id, sla_target_id=sla_target.id, leg_target_id=leg_target.id, stage=stage,
                     created_at=actor.at(), created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "coverage.link", "target", sla_target.id, leg=leg_target.id, stage=stage)
    return row


@dataclass
class TreeLeg:
    stage: int
    agreement: Agreement
    owner: Party
    target: Target


@dataclass
class TreeNode:
    target: Target
    check: TargetCheck
    legs: list[TreeLeg]


def tree(session: Session, agreement: Agreement, today: date | None = None, at: datetime | None = None) -> list[TreeNode]:
    checks = {c.target.id: c for c in check_agreement(session, agreement, today, at=at)}
    nodes = []
    for target in agreements.targets_of(session, agreement):
        legs = []
        for ln in _live_links(session, target):
            leg_target = session.get(Target, ln.leg_target_id)
            leg_agreement = session.get(Agreement, leg_target.agreement_id)
            legs.append(TreeLeg(ln.stage, leg_agreement, session.get(Party, leg_agreement.counterparty_id), leg_target))
        nodes.append(TreeNode(target, checks[target.id], legs))
    return nodes


def leg_choices(session: Session, team_id: str) -> list[tuple[Agreement, Party, list[Target]]]:
    out = []
    for kind in (AgreementKind.OLA, AgreementKind.UC):
        for a in agreements.list_agreements(session, team_id, kind):
            if a.status in (AgreementStatus.EXPIRED.value, AgreementStatus.RETIRED.value):
                continue
            out.append((a, session.get(Party, a.counterparty_id), agreements.targets_of(session, a)))
    return out


# ---- a requirement, before any SLA --------------------------------------------------------------------
@dataclass
class CapabilityCheck:
    requirement: Requirement
    check: Check | None           # None: nothing measurable to check
    legs: list[tuple[Agreement, Party, Target]]


def check_requirement(session: Session, team_id: str, number: int, today: date) -> CapabilityCheck:
    """Which existing OLAs and UCs would underpin a requirement, and whether they can meet it.

    The OLA targets of the same kind for the service form stage 1 (the support groups handle it first);
    the contracts' targets form stage 2 (the suppliers behind them).
    """
    from bot import requirements as reqs

    req = reqs.get(session, team_id, number)
    kind = targets.REQUIREMENT_KINDS.get(req.metric or "")
    if kind is None or not req.target:
        return CapabilityCheck(req, None, [])
    kind = kind.value
    calendar = CALENDAR_24X7_UTC
    if req.service_hours:
        calendar = ClockCalendar(hours=parsing.parse_service_hours(req.service_hours), name=req.service_hours)
    wanted = TargetSpec(label=f"requirement #{req.number}", kind=kind, level=req.level,
                        duration=parsing.parse_duration(req.target) if kind in ("response", "resolution") else None,
                        percent=parsing.parse_percentage(req.target) if kind == "availability" else None,
                        threshold=parsing.parse_quantity(req.target) if kind == "metric" else None,
                        calendar=calendar)
    candidates: list[tuple[Agreement, Party, Target]] = []
    legs: list[Leg] = []
    for agreement_row, party, rows in leg_choices(session, team_id):
        if req.service_id not in {s.id for s in agreements.services_of(session, agreement_row)}:
            continue
        for t in rows:
            if t.kind == kind and (t.level == req.level or kind not in ("response", "resolution")):
                state = _leg(session, TargetLink(sla_target_id=0, leg_target_id=t.id,
                                                 stage=1 if agreement_row.kind == AgreementKind.OLA else 2))
                if state.leg is not None:
                    candidates.append((agreement_row, party, t))
                    legs.append(state.leg)
    # The requirement has no term yet: a year from today stands for the SLA it would join.
    result = check_target(wanted, Term(*dates.a_year_from(today)), legs,
                          policy(session, team_id))
    return CapabilityCheck(req, result, candidates)


# ---- cover lost: when what underpins an SLA changes, or is about to lapse ---------------------------------
def _slas_above(session: Session, underpinning: Agreement) -> list[Agreement]:
    leg_ids = [t.id for t in agreements.targets_of(session, underpinning, include_retired=True)]
    sla_target_ids = session.exec(select(TargetLink.sla_target_id).where(TargetLink.leg_target_id.in_(leg_ids or [-1]))).all()
    agreement_ids = {session.get(Target, tid).agreement_id for tid in sla_target_ids}
    slas = [session.get(Agreement, aid) for aid in sorted(agreement_ids)]
    return [a for a in slas if a.status in IN_FORCE_OR_COMING]


@dataclass
class LostCover:
    """A target whose cover got worse under one or more rules: (rule, before, after, reason)."""

    sla: Agreement
    target: Target
    changes: list[tuple[str, str, str, str]]


def _by_rule(check: Check) -> dict[str, tuple[Verdict, str]]:
    out: dict[str, tuple[Verdict, str]] = {}
    for f in check.findings:
        if f.rule not in out or f.verdict.rank > out[f.rule][0].rank:
            out[f.rule] = (f.verdict, f.reason)
    return out


def recheck(session: Session, sla: Agreement, now: datetime, today: date | None = None,
            lapsed: list[tuple[TargetCheck, Finding, Upgrade]] | None = None) -> list[LostCover]:
    """Check an SLA again and remember the verdicts, rule by rule, and the results under the key of their inputs;
    return the targets that lost cover under any rule. A target whose inputs did not change is not checked again.

    Gaps whose upgrade plan ran past its due date are added to `lapsed`, when given: they are open again.
    """
    lost = []
    for c in check_agreement(session, sla, today, at=now):
        if lapsed is not None:
            lapsed.extend((c, f, u) for f in c.check.problems()
                          if f.verdict == Verdict.NOT_COVERED and (u := c.plan_lapsed(f)))
        state = session.exec(select(CoverageState).where(CoverageState.target_id == c.target.id)).first()
        if state is not None and coverage_cache.key_of(state) == c.inputs:
            continue  # the same inputs as last time: the same verdicts, nothing lost
        before = dict(state.rules) if state else {}
        now_rules = _by_rule(c.check)
        changes = [(rule, before.get(rule, Verdict.COVERED.value), verdict.value, reason)
                   for rule, (verdict, reason) in now_rules.items()
                   if verdict.rank > Verdict(before.get(rule, Verdict.COVERED.value)).rank]
        if changes and state is not None:  # the first check of a target is where it starts, not a loss
            lost.append(LostCover(sla, c.target, changes))
        fresh = state is None
        state = state or CoverageState(team_id=sla.team_id, target_id=c.target.id, verdict=c.verdict.value,
                                       checked_at=now)
        state.verdict, state.checked_at = c.verdict.value, now
        state.rules = {rule: verdict.value for rule, (verdict, _r) in now_rules.items()}
        coverage_cache.remember(state, c.inputs, c.check)
        try:
            with session.begin_nested():
                session.add(state)
        except IntegrityError:  # another replica remembered this target first, the same moment: theirs stands
            if fresh:
                continue
            raise
    return lost


def recipients(session: Session, team_id: str) -> list[str]:
    """Who hears of cover lost: the service managers; where none is granted yet, the workspace admins."""
    managers = list(session.exec(select(RoleGrant.user_id).where(RoleGrant.team_id == team_id,
                                                                 RoleGrant.role == SERVICE_MANAGER)
                                 .order_by(RoleGrant.user_id)))
    if managers:
        return managers
    return list(session.exec(select(Member.user_id).where(Member.team_id == team_id, Member.is_admin == True)  # noqa: E712
                             .order_by(Member.user_id)))


def _tell(session: Session, team_id: str, key: str, template: str, context: dict, now: datetime) -> int:
    return sum(outbox.enqueue(session, team_id, f"{key}:{user_id}", user_id, template, context, now)
               for user_id in recipients(session, team_id))


def _queue_lost(session: Session, sla: Agreement, lost: list[LostCover], why: str, key: str, now: datetime) -> int:
    if not lost:
        return 0
    context = {"sla": sla.name, "why": why,
               "targets": [{"key": x.target.key, "what": targets.short(x.target.kind, x.target.level, x.target.metric_name),
                            "changes": [{"rule": r, "before": b, "after": a, "reason": reason[:400]}
                                        for r, b, a, reason in x.changes]} for x in lost]}
    return _tell(session, sla.team_id, key, "notice_cover_lost.yml.j2", context, now)


def after_underpinning_change(session: Session, underpinning: Agreement, now: datetime, why: str) -> int:
    """An OLA or UC changed: check every SLA above it again, and queue a notice of any cover lost."""
    queued = 0
    for sla in _slas_above(session, underpinning):
        key = f"cover:{sla.id}:{underpinning.id}:{underpinning.latest_version}:{now.isoformat()}"
        queued += _queue_lost(session, sla, recheck(session, sla, now), f"after {underpinning.name} {why}", key, now)
    return queued


def slas_to_recheck(session: Session, team_id: str | None = None) -> list[int]:
    """The SLAs the backstop checks again: every one in force or coming (of one workspace, or of all)."""
    q = select(Agreement.id).where(Agreement.kind == AgreementKind.SLA.value, Agreement.status.in_(IN_FORCE_OR_COMING))
    if team_id:
        q = q.where(Agreement.team_id == team_id)
    return list(session.exec(q.order_by(Agreement.id)))


def recheck_sla(session: Session, sla_id: int, now: datetime, today: date | None = None) -> int:
    """Check one SLA again; queue a notice of any cover lost since the last check, and of any upgrade plan whose
    due date passed with its gap still open. One transaction per SLA (the caller's): whatever changed (a setting,
    a calendar, a change made while a replica was down), nobody misses a loss of cover, and one SLA that cannot
    be checked holds up no other."""
    sla = session.get(Agreement, sla_id)
    if sla is None or sla.status not in IN_FORCE_OR_COMING:
        return 0
    lapsed: list[tuple[TargetCheck, Finding, Upgrade]] = []
    lost = recheck(session, sla, now, today or now.date(), lapsed)
    queued = _queue_lost(session, sla, lost, "on the latest check", f"cover:{sla.id}:check:{now.isoformat()}", now)
    for c, gap, u in lapsed:  # once per action: its due date passed and the gap is open again
        context = {"sla": sla.name, "key": c.target.key, "rule": gap.rule, "reason": gap.reason[:400],
                   "number": u.action.number, "due": u.action.due.isoformat(),
                   "what": targets.short(c.target.kind, c.target.level, c.target.metric_name)}
        queued += _tell(session, sla.team_id, f"plan-lapsed:{u.action.id}", "notice_plan_lapsed.yml.j2", context, now)
    return queued


def lapse_notices(session: Session, today: date, now: datetime) -> int:
    """Queue a notice, once, for each OLA or UC that ends (or whose notice date falls) within the warning window,
    naming the SLA targets above it that would lose cover."""
    horizon = today + timedelta(days=LAPSE_WARNING_DAYS)
    queued = 0
    rows = session.exec(select(Agreement).where(Agreement.kind.in_([AgreementKind.OLA.value, AgreementKind.UC.value]),
                                                Agreement.status.in_(IN_FORCE_OR_COMING)))
    for a in rows:
        events = [("ends", a.end_date)]
        if notice_date(a):
            events.append(("notice", notice_date(a)))
        for event, day in events:
            if not (today <= day <= horizon):
                continue
            slas = [s for s in _slas_above(session, a) if s.end_date > (a.end_date if event == "ends" else day)]
            affected = []
            for sla in slas:
                for node in tree(session, sla, today, at=now):
                    if any(leg.agreement.id == a.id for leg in node.legs):
                        affected.append({"sla": sla.name, "key": node.target.key,
                                         "what": targets.short(node.target.kind, node.target.level, node.target.metric_name)})
            if not affected:
                continue
            party = session.get(Party, a.counterparty_id)
            context = {"agreement": a.name, "kind": AgreementKind(a.kind).label, "owner": party.name, "event": event,
                       "day": day.isoformat(), "days_left": (day - today).days, "targets": affected}
            queued += _tell(session, a.team_id, f"lapse:{a.id}:{event}:{day.isoformat()}", "notice_lapse.yml.j2",
                            context, now)
    return queued
