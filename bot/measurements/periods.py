"""Period goals from the database: availability (with the error budget's burn rate) and metrics, for each SLA
target in force, over its current period; and past periods' achievement, which the requirement list and the
back-to-back check read.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from bot.measurements import burn, compliance, exclusions
from bot.measurements.clocks import compute
from bot.measurements.in_force import Measured
from bot.measurements.states import Level, Subject, TargetState
from bot.measurements.ticket_events import events_of
from bot.workspace import settings as workspace_settings
from models import MetricSample, Outage, OutageImpact, Ticket
from models.base import name_key

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")


def fy_start_month(session: Session, team_id: str) -> int:
    value = workspace_settings.get(session, team_id, "financial_year_start")
    return MONTHS.index(value.lower()) + 1 if value.lower() in MONTHS else 1


def period_for(target: Measured, at: datetime, fy_month: int) -> compliance.Period:
    return compliance.period_of(target.period, at, target.calendar.tz, fy_month)


def outages_of(session: Session, team_id: str, service_ids, start: datetime, end: datetime) -> list[compliance.Window]:
    """Full outages of these services overlapping [start, end) (a degraded service is up)."""
    rows = session.exec(select(Outage.started_at, Outage.ended_at).where(
        Outage.team_id == team_id, Outage.service_id.in_(list(service_ids) or [-1]),
        Outage.impact == OutageImpact.FULL.value, Outage.started_at < end,
        (Outage.ended_at.is_(None)) | (Outage.ended_at > start)))
    return [(s, e) for s, e in rows]


def availability(session: Session, team_id: str, target: Measured, period: compliance.Period,
                 now: datetime) -> tuple[compliance.Availability, list[compliance.Window]]:
    # The burn-rate windows reach back up to 3 days, possibly into the previous period.
    since = min(period.start, now - burn.WINDOWS[-1].long)
    outages = outages_of(session, team_id, target.service_ids, since, period.end)
    # Maintenance windows and agreed exclusions: left out of the downtime and of the period's length.
    spans = exclusions.applying(exclusions.excluded(session, team_id, since, period.end), target.agreement_id,
                                target.service_ids)
    return (compliance.availability(target.calendar, outages, target.goal, period, now, spans),
            compliance.without(outages, [(s, e) for s, e, _ in spans]))


def metric_share(session: Session, team_id: str, target: Measured, period: compliance.Period,
                 now: datetime) -> compliance.Share:
    rows = session.exec(select(MetricSample.value, MetricSample.unit).where(
        MetricSample.team_id == team_id, MetricSample.service_id.in_(list(target.service_ids) or [-1]),
        MetricSample.metric_key == name_key(target.metric_name or ""), MetricSample.at >= period.start,
        MetricSample.at < min(period.end, now)))
    return compliance.metric_share(list(rows), target.threshold.value, target.threshold.unit, target.goal)


def ticket_share(session: Session, team_id: str, target: Measured, period: compliance.Period,
                 now: datetime, loaded: "TicketsLoaded | None" = None) -> compliance.Share:
    """Tickets opened in the period with the target's service and priority, met or missed so far. `loaded`: the
    tickets (and their events) of several targets read at once (`load_tickets`), picked from instead of a query."""
    if loaded is None or (target.target_id, period.start) not in loaded.asked:
        loaded = load_tickets(session, team_id, [(target, period)], now)
    tickets = [t for t in loaded.tickets if t.service_id in target.service_ids and t.priority == target.level
               and period.start <= t.opened_at < min(period.end, now)]
    events = loaded.events
    spans = exclusions.applying(exclusions.excluded(session, team_id, period.start, now), target.agreement_id,
                                target.service_ids) if tickets else []
    outcomes = [compute(target.kind, t.opened_at, events.get(t.id, []), target.duration, target.calendar, now,
                        warning_percent=target.warning_percent, excluded=spans).met for t in tickets]
    return compliance.ticket_share(outcomes, target.goal)


@dataclass(frozen=True)
class TicketsLoaded:
    tickets: list[Ticket]
    events: dict[int, list]
    asked: frozenset = frozenset()  # (target_id, period start) of each pair loaded for: others are read afresh


def load_tickets(session: Session, team_id: str, asked: list[tuple[Measured, compliance.Period]],
                 now: datetime) -> TicketsLoaded:
    """The tickets that any of these (target, period) pairs counts, and their clock events: two queries for all."""
    if not asked:
        return TicketsLoaded([], {})
    services = sorted({s for target, _p in asked for s in target.service_ids}) or [-1]
    where = [Ticket.team_id == team_id, Ticket.service_id.in_(services),
             Ticket.opened_at >= min(p.start for _t, p in asked),
             Ticket.opened_at < min(max(p.end for _t, p in asked), now)]
    levels = {target.level for target, _p in asked}
    if None not in levels:  # a target without a priority counts tickets without one: no filter then
        where.append(Ticket.priority.in_(sorted(levels)))
    tickets = list(session.exec(select(Ticket).where(*where)))
    return TicketsLoaded(tickets, events_of(session, [t.id for t in tickets]),
                         frozenset((target.target_id, p.start) for target, p in asked))


def achieved(session: Session, team_id: str, target: Measured, period: compliance.Period,
             now: datetime, loaded: TicketsLoaded | None = None) -> Decimal | None:
    """The target's achieved percentage over the period (so far, if it is still running); None: nothing measured."""
    if target.kind == "availability" and target.goal is not None:
        return availability(session, team_id, target, period, now)[0].achieved
    if target.kind == "metric" and target.threshold is not None:
        return metric_share(session, team_id, target, period, now).achieved
    if target.duration is not None:
        return ticket_share(session, team_id, target, period, now, loaded).achieved
    return None


def past_achievement(session: Session, team_id: str, target: Measured, now: datetime,
                     count: int = 3) -> tuple[Decimal, ...]:
    """Achievement over the last ``count`` whole periods, oldest first; periods with nothing measured are left out."""
    fy = fy_start_month(session, team_id)
    current = period_for(target, now, fy)
    out = []
    for period in compliance.previous(current, target.calendar.tz, fy, count):
        if period.end.date() < target.start:
            continue
        value = achieved(session, team_id, target, period, now)
        if value is not None:
            out.append(value)
    return tuple(out)


def period_states(session: Session, team_id: str, now: datetime, targets: list[Measured]) -> list[TargetState]:
    """Availability goals (and their burn rate) and metric goals, each over its current period."""
    fy = fy_start_month(session, team_id)
    out: list[TargetState] = []
    for target in targets:
        if not target.applies_on(now.date()):
            continue
        period = period_for(target, now, fy)
        if target.kind == "availability" and target.goal is not None:
            status, outages = availability(session, team_id, target, period, now)
            out.append(_availability_state(team_id, target, status))
            out.append(_burn_state(team_id, target, status, burn.check(target.calendar, outages, status, now)))
        elif target.kind == "metric" and target.threshold is not None:
            out.append(_metric_state(team_id, target, period, metric_share(session, team_id, target, period, now)))
    return out


def _level(percent_used: float, warning_percent: int) -> Level:
    if percent_used >= 100:
        return Level.BREACHED
    return Level.WARNING if percent_used >= warning_percent else Level.OK


def _availability_state(team_id: str, target: Measured, status: compliance.Availability) -> TargetState:
    used = status.budget_used_percent
    achieved = status.achieved
    text = (f"{_pct(achieved)} so far against {_pct(target.goal)} this {status.period.word} "
            f"({status.period.label}); {round(used)}% of the error budget used") if achieved is not None else \
        f"no service hours yet this {status.period.word} ({status.period.label})"
    return TargetState(team_id=team_id, key=f"period:{target.target_id}:{status.period.start.date().isoformat()}",
                       target_id=target.target_id, agreement_id=target.agreement_id, subject=Subject.AVAILABILITY,
                       level=_level(used, target.warning_percent), percent_used=used, summary=text,
                       period_start=status.period.start, period_end=status.period.end,
                       achieved=float(achieved) if achieved is not None else None, goal=float(target.goal),
                       ended=status.ended)


def _burn_state(team_id: str, target: Measured, status: compliance.Availability,
                alert: burn.BurnAlert | None) -> TargetState:
    text = alert.summary + f" (burning {alert.long_rate:g}x over {_window(alert.window.long)})" if alert else \
        f"the error budget is not burning fast this {status.period.word}"
    return TargetState(team_id=team_id, key=f"burn:{target.target_id}:{status.period.start.date().isoformat()}",
                       target_id=target.target_id, agreement_id=target.agreement_id, subject=Subject.BUDGET,
                       level=Level.WARNING if alert else Level.OK, percent_used=status.budget_used_percent,
                       summary=text, period_start=status.period.start, period_end=status.period.end,
                       remaining=alert.gone_in if alert else None,
                       achieved=float(status.achieved) if status.achieved is not None else None,
                       goal=float(target.goal), ended=status.ended)


def _metric_state(team_id: str, target: Measured, period: compliance.Period, share: compliance.Share) -> TargetState:
    goal = share.goal if share.goal is not None else Decimal(100)
    misses_allowed = float((100 - goal) / 100) * share.counted
    missed = share.counted - share.met
    if missed == 0:
        used = 0.0
    elif misses_allowed <= 0:
        used = 100.0
    else:
        used = round(100 * missed / misses_allowed, 2)
    text = (f"{share.met} of {share.counted} readings of {target.metric_name} within {target.threshold} this "
            f"{period.word} ({_pct(share.achieved)} against {_pct(goal)})") if share.counted else \
        f"no readings of {target.metric_name} yet this {period.word}"
    return TargetState(team_id=team_id, key=f"period:{target.target_id}:{period.start.date().isoformat()}",
                       target_id=target.target_id, agreement_id=target.agreement_id, subject=Subject.METRIC,
                       level=_level(used, target.warning_percent) if share.below_goal else Level.OK, percent_used=used,
                       summary=text, period_start=period.start, period_end=period.end,
                       achieved=float(share.achieved) if share.achieved is not None else None, goal=float(goal))


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    return f"{format(value.normalize(), 'f')}%"


def _window(delta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{int(hours // 24)}d" if hours >= 24 else f"{hours:g}h"
