"""Workload limits (ISO/IEC 20000-1 8.3.3): what an SLA is sized for ("up to 400 tickets a month"), and the
targets a period over a limit excuses.

A limit is one of the agreement's terms: setting or removing one is a proposed change, a new version of the agreement
like any other (bot.agreements.propose with `LimitChange`), shown in its document and its difference in words, and
measured only once a version stating it is agreed. The rows here are the working state, as targets' rows are.

The workload is measured per limit period: tickets opened for the SLA's services (of the limit's priority, if it
names one) from the `ticket` table, or users as the highest sample of the metric `users` in the period. At each
period's end a notice goes to the SLA's thread (the scheduled job `workload.notices`, once per period through the
outbox); the review pack lists each period and flags one over its limit with the targets it excuses.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from bot import audit, outbox, parsing
from bot.errors import InvalidInput, NotFound
from bot.measurements import compliance
from bot.parsing import limits as limit_words
from bot.workspace.actor import Actor
from models import (Agreement, AgreementKind, AgreementService, AgreementStatus, AgreementVersion, MetricSample,
                    ReviewArrangement, Target, Ticket, WorkloadLimit, WorkspaceUninstall)
from models.base import name_key

USERS_METRIC = "users"
NOTICE_TEMPLATE = "workload_notice.yml.j2"
NOTICE_WITHIN = timedelta(days=7)  # a period that ended longer ago than this is not announced (a limit agreed late)
IN_FORCE = (AgreementStatus.AGREED.value, AgreementStatus.ACTIVE.value)


@dataclass
class LimitChange:
    """A change to an agreement's workload limits, for bot.agreements.propose: add `text`, or remove limit `remove`."""

    text: str | None = None
    remove: int | None = None

    def apply(self, session: Session, actor: Actor, agreement: Agreement, _clauses) -> None:
        if self.remove is not None:
            row = session.get(WorkloadLimit, self.remove)
            if row is None or row.agreement_id != agreement.id or row.removed_at is not None:
                raise InvalidInput({"limit": f"{agreement.name} states no workload limit #{self.remove}."})
            before = audit.snapshot(row)
            row.removed_at, row.removed_by = actor.at(), actor.user_id
            session.add(row)
            audit.record(session, actor, "workload_limit.remove", "workload_limit", row.id, agreement=agreement.id,
                         before=before, after=audit.snapshot(row))
            return
        try:
            limit = limit_words.parse_limit(self.text)
        except parsing.ParseError as err:
            raise InvalidInput({"limit": str(err)}) from None
        keys = {t.key for t in session.exec(select(Target).where(Target.agreement_id == agreement.id,
                                                                  Target.retired == False))}  # noqa: E712
        unknown = [k for k in limit.excuses.split(",") if k.startswith("T") and k not in keys]
        if unknown:
            raise InvalidInput({"limit": f"{agreement.name} has no target {', '.join(unknown)}"
                                         + (f" (its targets: {', '.join(sorted(keys))})." if keys else ".")})
        row = WorkloadLimit(team_id=actor.team_id, agreement_id=agreement.id, measure=limit.measure,
                            priority=limit.priority, amount=limit.amount, period=limit.period, excuses=limit.excuses,
                            text=limit_words.format_limit(limit), created_at=actor.at(), created_by=actor.user_id)
        session.add(row)
        session.flush()
        audit.record(session, actor, "workload_limit.add", "workload_limit", row.id, agreement=agreement.id,
                     after=audit.snapshot(row))


@dataclass
class DraftLimits:
    """The limits typed in the *Draft an SLA* form, one a line (blank lines and bullets left out), as a term of its
    version 1 (bot.agreements.draft's `terms`). A bad line is refused naming it first, so the person finds it even
    when Slack cuts the error short; every bad line at once."""

    typed: str | None

    def lines(self) -> list[tuple[int, str]]:
        return [(n, clean) for n, line in enumerate((self.typed or "").splitlines(), 1)
                if (clean := line.strip().lstrip("-•*").strip())]

    def problems(self) -> dict[str, str]:
        bad = []
        for n, line in self.lines():
            try:
                limit_words.parse_limit(line)
            except parsing.ParseError as err:
                bad.append((n, line, str(err)))
        return {"workload_limits": _named(bad)} if bad else {}

    def apply(self, session: Session, actor: Actor, agreement: Agreement, clauses) -> None:
        bad = []
        for n, line in self.lines():
            try:
                LimitChange(text=line).apply(session, actor, agreement, clauses)
            except InvalidInput as err:
                bad.append((n, line, err.errors["limit"]))
        if bad:
            raise InvalidInput({"workload_limits": _named(bad)})


FIELD_ERROR = 300  # a field's error is cut there (handlers.views.values.block_errors): ours must fit, nothing cut unsaid


def _named(bad: list[tuple[int, str, str]]) -> str:
    """The first bad line with why, then the numbers of the others: every bad line named within the field's error,
    where the parser's reasons for each would run past it (they are much alike)."""
    numbers = [n for n, _line, _why in bad[1:]]
    shown = numbers if len(numbers) <= 10 else numbers[:10]
    others = "" if not numbers else (
        f" Line {numbers[0]} cannot be read either." if len(numbers) == 1 else
        f" Lines {', '.join(map(str, shown[:-1]))} and {shown[-1]} cannot be read either." if shown == numbers else
        f" Lines {', '.join(map(str, shown))} and {len(numbers) - len(shown)} more cannot be read either.")
    n, line, why = bad[0]
    quoted = line if len(line) <= 60 else line[:59] + "…"
    first = f"Line {n} (“{quoted}”): {why.rstrip('.')}."
    room = FIELD_ERROR - len(others)
    return (first if len(first) <= room else first[:room - 1] + "…") + others


def working(session: Session, team_id: str, agreement_id: int) -> list[WorkloadLimit]:
    """The limits as drafted now (the next version will state them)."""
    return list(session.exec(select(WorkloadLimit).where(
        WorkloadLimit.team_id == team_id, WorkloadLimit.agreement_id == agreement_id,
        WorkloadLimit.removed_at.is_(None)).order_by(WorkloadLimit.id)))


# ---- measuring ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodWorkload:
    limit: str           # "up to 400 tickets a month"
    period: str          # "Nov 2026"
    measured: int | None  # None: nothing to measure (no users sample)
    amount: int
    excused: tuple[str, ...]  # "T2 P1 resolution within 4h, 95% of tickets"

    @property
    def over(self) -> bool:
        return self.measured is not None and self.measured > self.amount

    @property
    def words(self) -> str:
        """"430 tickets against up to 400 tickets a month: over by 30; excuses T1 ..." / "... within the limit"."""
        what = "users" if "users" in self.limit else "tickets"
        if self.measured is None:
            return f"{self.period}: no {what} measured against {self.limit}"
        head = f"{self.period}: {self.measured:,} {what} against {self.limit}"
        if not self.over:
            return f"{head}, within the limit"
        excused = "; ".join(self.excused) if self.excused else "no target in force"
        return f"{head}: over by {self.measured - self.amount:,}, which excuses {excused}"


def agreed_content(session: Session, agreement: Agreement) -> dict:
    if agreement.agreed_version is None:
        return {}
    return session.exec(select(AgreementVersion.content).where(
        AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == agreement.agreed_version)).first() or {}


def version_limits(session: Session, agreement: Agreement, number: int | None) -> list[dict]:
    """The workload limits version `number` of the agreement states (none for no version)."""
    if number is None:
        return []
    content = session.exec(select(AgreementVersion.content).where(
        AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == number)).first() or {}
    return list(content.get("workload_limits", []))


def stated(session: Session, agreement: Agreement) -> tuple[list[dict], int | None, list[dict]]:
    """The limits in force (the agreed version's), and the number and limits of a later version not yet agreed
    that states other limits (None, [] when there is none)."""
    in_force = version_limits(session, agreement, agreement.agreed_version)
    latest = agreement.latest_version
    if not latest or latest == agreement.agreed_version:
        return in_force, None, []
    proposed = version_limits(session, agreement, latest)
    if [(w["text"], w["excuses"]) for w in proposed] == [(w["text"], w["excuses"]) for w in in_force]:
        return in_force, None, []
    return in_force, latest, proposed


def excused_targets(content: dict, limit: dict) -> tuple[str, ...]:
    """The targets of the version in force that a period over this limit excuses, in words."""
    excuses = limit["excuses"].split(",")
    out = []
    for t in content.get("targets", []):
        if limit["excuses"] == "all" or t["key"] in excuses or (
                t["kind"] in excuses and (limit.get("priority") is None or t.get("level") == limit["priority"])):
            out.append(f"{t['key']} {t.get('description') or t['kind']}")
    return tuple(out)


def measured_workload(session: Session, team_id: str, service_ids: list[int], limit: dict,
                      period: compliance.Period) -> int | None:
    if limit["measure"] == "users":
        value = session.exec(select(func.max(MetricSample.value)).where(
            MetricSample.team_id == team_id, MetricSample.service_id.in_(service_ids or [-1]),
            MetricSample.metric_key == name_key(USERS_METRIC), MetricSample.at >= period.start,
            MetricSample.at < period.end)).first()
        return None if value is None else int(value)
    q = select(func.count(Ticket.id)).where(Ticket.team_id == team_id, Ticket.service_id.in_(service_ids or [-1]),
                                            Ticket.opened_at >= period.start, Ticket.opened_at < period.end)
    if limit.get("priority"):
        q = q.where(func.upper(Ticket.priority) == limit["priority"])
    return int(session.exec(q).one())


def services_of(session: Session, agreement_id: int) -> list[int]:
    return list(session.exec(select(AgreementService.service_id).where(AgreementService.agreement_id == agreement_id)))


def periods_within(kind: str, start: datetime, end: datetime, tz: str, fy: int) -> list[compliance.Period]:
    """The limit's own periods that end within [start, end] (a monthly limit in a quarter's pack: three)."""
    out, cursor = [], compliance.period_of(kind, start, tz, fy)
    while cursor.start < end:
        if cursor.end <= end:
            out.append(cursor)
        cursor = compliance.period_of(kind, cursor.end, tz, fy)
    return out


def workload(session: Session, agreement: Agreement, start: datetime, end: datetime, tz: str = "UTC",
             fy: int = 1) -> list[PeriodWorkload]:
    """Each agreed limit's periods within [start, end], measured: what the review pack shows."""
    content = agreed_content(session, agreement)
    services = services_of(session, agreement.id)
    out = []
    for limit in content.get("workload_limits", []):
        for period in periods_within(limit["period"], start, end, tz, fy):
            out.append(PeriodWorkload(limit["text"], period.label,
                                      measured_workload(session, agreement.team_id, services, limit, period),
                                      limit["amount"], excused_targets(content, limit)))
    return out


# ---- the notice at each period's end -------------------------------------------------------------------------------
def notice_key(agreement_id: int, kind: str, period_start: datetime) -> str:
    return f"workload:{agreement_id}:{kind}:{period_start.date().isoformat()}"


def queue_period_notices(session: Session, now: datetime, tz: str = "UTC", fy_for=lambda team_id: 1) -> int:
    """For each SLA in force stating workload limits, the period of each limit kind that ended last (within a week)
    measured against them, as one notice in the SLA's thread, once per period (the outbox key). How many queued.

    Only SLAs that ever had a limit (a `workload_limit` row: an agreed version states none without one) of installed
    workspaces are read; a period already announced (its outbox key exists) is not measured again. The periods are
    in the SLA's own zone, the one its review pack counts periods in (its review arrangement's; `tz`, the
    organisation's, without one), so the notice and the pack speak of the same month."""
    rows = session.exec(select(Agreement, AgreementVersion.content, ReviewArrangement.timezone).join(
        AgreementVersion, (AgreementVersion.agreement_id == Agreement.id)
        & (AgreementVersion.number == Agreement.agreed_version)).outerjoin(
        ReviewArrangement, ReviewArrangement.agreement_id == Agreement.id).where(
        Agreement.kind == AgreementKind.SLA.value, Agreement.status.in_(IN_FORCE),
        Agreement.channel_id.is_not(None), Agreement.id.in_(select(WorkloadLimit.agreement_id)),
        Agreement.team_id.not_in(select(WorkspaceUninstall.team_id))).order_by(Agreement.id)).all()
    queued = 0
    for agreement, content, zone in rows:
        limits = (content or {}).get("workload_limits") or []
        zone = zone or tz
        fy = fy_for(agreement.team_id) if limits else 1
        for kind in dict.fromkeys(w["period"] for w in limits):
            ended = compliance.period_of(kind, compliance.period_of(kind, now, zone, fy).start - timedelta(seconds=1),
                                         zone, fy)
            key = notice_key(agreement.id, kind, ended.start.astimezone(ZoneInfo(zone)))
            if now - ended.end > NOTICE_WITHIN or outbox.get(session, agreement.team_id, key) is not None:
                continue  # too long ago, or announced already: nothing to measure
            services = services_of(session, agreement.id)
            lines = [PeriodWorkload(w["text"], ended.label,
                                    measured_workload(session, agreement.team_id, services, w, ended), w["amount"],
                                    excused_targets(content, w)) for w in limits if w["period"] == kind]
            queued += outbox.enqueue(
                session, agreement.team_id, key, agreement.channel_id,
                NOTICE_TEMPLATE, {"name": agreement.name, "period": ended.label, "lines": [p.words for p in lines],
                                  "over": any(p.over for p in lines)}, now, thread_ts=agreement.thread_ts)
    return queued


def agreement_named(session: Session, team_id: str, name: str) -> Agreement:
    row = session.exec(select(Agreement).where(Agreement.team_id == team_id, Agreement.name_key == name_key(name),
                                               Agreement.kind == AgreementKind.SLA.value)).first()
    if row is None:
        raise NotFound(f"There is no SLA called “{name[:80]}”.")
    return row
