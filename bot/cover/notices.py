"""Cover lost: when what underpins an SLA changes, or is about to lapse, the service managers are told.

`recheck` checks an SLA again and remembers its verdicts rule by rule; a rule that got worse is cover lost.
Notices are queued in the once-only outbox (bot.outbox), one per person told (`recipients`), under keys that
make each notice once: per change, per check, per upgrade plan lapsed, per lapse date. A lapse notice is a reminder
row (bot.reminders, kind `lapse`) per agreement and date, scheduled when the OLA or UC changes (and by the hourly
backstop for any without one), due as its warning window opens: nothing reads every agreement each hour.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, exists, func, literal
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import agreements, outbox, reminders
from bot.actions.upgrades import Upgrade
from bot.agreements import targets
from bot.cover import cache as coverage_cache
from bot.cover.assessment import IN_FORCE_OR_COMING, TargetCheck, check_agreement, live_links, notice_date
from bot.cover.rules import Check, Finding, Verdict
from bot.service_map import owners
from bot.workspace.permissions import SERVICE_MANAGER
from models import (Agreement, AgreementKind, CoverageState, CoverRecheck, Member, Party, Reminder, ReminderStatus, RoleGrant, Target,
                    TargetLink, WorkspaceUninstall)

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


def after_underpinning_change(session: Session, underpinning: Agreement, now: datetime, why: str,
                              org_tz: str = "UTC") -> int:
    """An OLA or UC changed: its lapse notices are scheduled again (for its dates now), every SLA above it is
    checked again, and a notice of any cover lost is queued."""
    schedule_lapse(session, underpinning, now, org_tz)
    queued = 0
    for sla in _slas_above(session, underpinning):
        key = f"cover:{sla.id}:{underpinning.id}:{underpinning.latest_version}:{now.isoformat()}"
        queued += _queue_lost(session, sla, recheck(session, sla, now), f"after {underpinning.name} {why}", key, now)
    return queued


# The recheck looks again at SLAs nothing marked as changed (bot.cover.marks) at least this often, a few per run, for
# what changes with time alone: the day in the stored result's key, measurements of past periods (the history rule),
# an upgrade plan's due date passing, a holiday the `holidays` package learned of.
ROTATION = timedelta(hours=6)
RECHECK_INTERVAL = timedelta(minutes=15)


def slas_to_recheck(session: Session, team_id: str | None = None, now: datetime | None = None) -> list[int]:
    """The SLAs in force or coming (of one workspace, or of all) that the backstop checks again: each never
    checked, each with a change beneath it since its last check, and, with ``now``, the ones checked longest ago,
    as many as spread every SLA over `ROTATION` (a 1/24th of them each quarter of an hour). Without ``now``: all.
    Not those of a workspace that uninstalled the bot: their marks wait, and are checked once it installs again."""
    q = select(Agreement.id).where(Agreement.kind == AgreementKind.SLA.value, Agreement.status.in_(IN_FORCE_OR_COMING),
                                   Agreement.team_id.not_in(select(WorkspaceUninstall.team_id)))
    if team_id:
        q = q.where(Agreement.team_id == team_id)
    if now is None:
        return list(session.exec(q.order_by(Agreement.id)))
    mark = CoverRecheck
    q = q.outerjoin(mark, mark.sla_id == Agreement.id)
    due = set(session.exec(q.where((mark.id == None) | (mark.marks != mark.checked_marks))))  # noqa: E711
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    batch = -(-total * RECHECK_INTERVAL // ROTATION)  # ceiling: every SLA within the rotation
    stale = session.exec(q.where(mark.checked_at <= now - RECHECK_INTERVAL)
                         .order_by(mark.checked_at, Agreement.id).limit(batch))
    return sorted(due.union(stale))


def recheck_sla(session: Session, sla_id: int, now: datetime, today: date | None = None) -> int:
    """Check one SLA again; queue a notice of any cover lost since the last check, and of any upgrade plan whose
    due date passed with its gap still open. One transaction per SLA (the caller's): whatever changed (a setting,
    a calendar, a change made while a replica was down), nobody misses a loss of cover, and one SLA that cannot
    be checked holds up no other."""
    sla = session.get(Agreement, sla_id)
    if sla is None or sla.status not in IN_FORCE_OR_COMING:
        return 0
    mark = session.exec(select(CoverRecheck).where(CoverRecheck.sla_id == sla_id)).first()
    seen = mark.marks if mark is not None else 0  # the changes this check sees; any made meanwhile mark it again
    lapsed: list[tuple[TargetCheck, Finding, Upgrade]] = []
    lost = recheck(session, sla, now, today or now.date(), lapsed)
    _checked(session, sla, mark, seen, now)
    queued = _queue_lost(session, sla, lost, "on the latest check", f"cover:{sla.id}:check:{now.isoformat()}", now)
    for c, gap, u in lapsed:  # once per action: its due date passed and the gap is open again
        context = {"sla": sla.name, "key": c.target.key, "rule": gap.rule, "reason": gap.reason[:400],
                   "number": u.action.number, "due": u.action.due.isoformat(),
                   "what": targets.short(c.target.kind, c.target.level, c.target.metric_name)}
        queued += _tell(session, sla.team_id, f"plan-lapsed:{u.action.id}", "notice_plan_lapsed.yml.j2", context, now)
    return queued


def _checked(session: Session, sla: Agreement, mark: CoverRecheck | None, seen: int, now: datetime) -> None:
    """Remember that the SLA was checked as of ``seen`` changes. The count is only ever raised by one statement
    (bot.cover.marks), so a change committed while this check ran leaves the two apart and it is checked again."""
    if mark is None:
        try:
            with session.begin_nested():
                session.add(CoverRecheck(team_id=sla.team_id, sla_id=sla.id, marks=0, checked_marks=0, checked_at=now))
        except IntegrityError:  # another replica checked it the same moment: theirs stands
            pass
        return
    mark.checked_marks, mark.checked_at = seen, now
    session.add(mark)


# ---- lapse notices: a reminder row per OLA or UC and date, due when its warning window opens ------------------
LAPSE = "lapse"  # the reminders' kind
LAPSE_BACKSTOP_BATCH = 500


def lapse_events(agreement: Agreement) -> list[tuple[str, date]]:
    """What an underpinning agreement's service manager is warned of: its end, and the last day to give notice."""
    events = [("ends", agreement.end_date)]
    if notice_date(agreement):
        events.append(("notice", notice_date(agreement)))
    return events


def _lapse_key(agreement_id: int, event: str, day: date) -> str:
    return f"lapse:{agreement_id}:{event}:{day.isoformat()}"


def _day_start(day: date, org_tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(org_tz))


def schedule_lapse(session: Session, agreement: Agreement, now: datetime, org_tz: str = "UTC") -> int:
    """Schedule the notices of an OLA's or UC's dates, each due as its warning window opens in the organisation's
    time zone (at once when it is open already); cancel the pending ones of dates it no longer has (renewed,
    moved, retired). Scheduling again adds nothing. Returns how many rows are new."""
    if agreement.kind not in (AgreementKind.OLA.value, AgreementKind.UC.value):
        return 0
    events = lapse_events(agreement) if agreement.status in IN_FORCE_OR_COMING else []
    wanted = {_lapse_key(agreement.id, event, day) for event, day in events}
    for row in list(reminders.pending(session, agreement.team_id, f"lapse:{agreement.id}:")):
        if row.key.split(":look:")[0] not in wanted:
            row.status = ReminderStatus.CANCELLED.value
            session.add(row)
    new = 0
    for event, day in events:
        key = _lapse_key(agreement.id, event, day)
        if reminders.get(session, agreement.team_id, key) is None:
            due = max(_day_start(day - timedelta(days=LAPSE_WARNING_DAYS), org_tz), now)
            reminders.schedule(session, agreement.team_id, key, LAPSE, due, "", now, subject_id=agreement.id,
                               context={"event": event, "day": day.isoformat(), "tz": org_tz})
            new += 1
    return new


def _queue_lapse(session: Session, a: Agreement, event: str, day: date, today: date, now: datetime,
                 late_since: str | None) -> int | None:
    """The notice, to each service manager once (the key is the one the hourly scan used, so nothing told before
    notices were rows is told again); None when no SLA target above the agreement would lose cover."""
    slas = [s for s in _slas_above(session, a) if s.end_date > (a.end_date if event == "ends" else day)]
    affected = []
    for sla in slas:  # which of its targets stand on the agreement: its links, not a check of its whole tree
        for target in agreements.targets_of(session, sla):
            if any(session.get(Target, ln.leg_target_id).agreement_id == a.id for ln in live_links(session, target)):
                affected.append({"sla": sla.name, "key": target.key,
                                 "what": targets.short(target.kind, target.level, target.metric_name)})
    if not affected:
        return None
    party = session.get(Party, a.counterparty_id)
    context = {"agreement": a.name, "kind": AgreementKind(a.kind).label, "owner": party.name, "event": event,
               "day": day.isoformat(), "days_left": (day - today).days, "targets": affected, "late_since": late_since}
    owners.tell(session, party, f"lapse:{a.id}:{event}:{day.isoformat()}", {"about": "renewal", **context}, now)  # first
    return _tell(session, a.team_id, f"lapse:{a.id}:{event}:{day.isoformat()}", "notice_lapse.yml.j2", context, now)


@reminders.handles(LAPSE)
def lapse_due(session: Session, due: reminders.Due) -> bool:
    """Queue the notice, unless the date moved (its own row says the new one), passed, or the agreement is no
    longer in force or coming. With no SLA target above it yet, look again tomorrow, while the date is ahead."""
    row = due.reminder
    agreement = session.get(Agreement, row.subject_id)
    if agreement is None or agreement.team_id != row.team_id or agreement.status not in IN_FORCE_OR_COMING:
        return False
    event, day, org_tz = row.context["event"], date.fromisoformat(row.context["day"]), row.context.get("tz", "UTC")
    today = due.now.astimezone(ZoneInfo(org_tz)).date()
    if (event, day) not in lapse_events(agreement) or today > day:
        return False
    late_since = row.due_at.astimezone(ZoneInfo(org_tz)).strftime("%Y-%m-%d %H:%M %Z") if due.late else None
    if _queue_lapse(session, agreement, event, day, today, due.now, late_since) is not None:
        return True
    if today < day:
        tomorrow = today + timedelta(days=1)
        reminders.schedule(session, row.team_id, f"{row.key.split(':look:')[0]}:look:{tomorrow.isoformat()}", LAPSE,
                           _day_start(tomorrow, org_tz), "", due.now, subject_id=agreement.id, context=row.context)
    return False


def unscheduled_lapses(session: Session, limit: int = LAPSE_BACKSTOP_BATCH) -> list[Agreement]:
    """OLAs and UCs in force or coming without the row of their end date (agreed before notices were rows, or
    changed by a path that did not schedule): the backstop schedules theirs. One anti-join on the unique key."""
    expected = (literal("lapse:") + cast(Agreement.id, String) + literal(":ends:")
                + cast(Agreement.end_date, String))
    has_row = exists().where(and_(Reminder.team_id == Agreement.team_id, Reminder.key == expected))
    return list(session.exec(select(Agreement)
                             .where(Agreement.kind.in_([AgreementKind.OLA.value, AgreementKind.UC.value]),
                                    Agreement.status.in_(IN_FORCE_OR_COMING), ~has_row)
                             .order_by(Agreement.id).limit(limit)))


def schedule_missing_lapses(session: Session, now: datetime, org_tz: str = "UTC") -> int:
    return sum(schedule_lapse(session, a, now, org_tz) for a in unscheduled_lapses(session))
