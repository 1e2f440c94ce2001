"""Cover lost: when what underpins an SLA changes, or is about to lapse, the service managers are told.

`recheck` checks an SLA again and remembers its verdicts rule by rule; a rule that got worse is cover lost.
Notices are queued in the once-only outbox (bot.outbox), one per person told (`recipients`), under keys that
make each notice once: per change, per check, per upgrade plan lapsed, per lapse date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import agreements, outbox
from bot.actions.upgrades import Upgrade
from bot.agreements import targets
from bot.cover import cache as coverage_cache
from bot.cover.assessment import IN_FORCE_OR_COMING, TargetCheck, check_agreement, notice_date
from bot.cover.rules import Check, Finding, Verdict
from bot.cover.tree import tree
from bot.workspace.permissions import SERVICE_MANAGER
from models import Agreement, AgreementKind, CoverageState, Member, Party, RoleGrant, Target, TargetLink

LAPSE_WARNING_DAYS = 30  # how far ahead the service manager hears of an underpinning agreement ending


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
