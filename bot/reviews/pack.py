"""The review pack: what an SLA achieved over the period under review, what it cost in service credits, what was
done about it, and what the coming period holds.

`build_pack` reads only what the pack shows, and cuts each list at a stated length, counting what it left out
("and N more"). The result is plain values (strings, numbers, lists), so the outbox can keep it as a message's
context, the Markdown template can lay it out, and the chart can draw it. Figures are exact: achievement as the
measurements compute it, credits as bot.parsing.credits reckons them; nothing here rounds for show except the words.

Each target is judged over its own periods (a monthly target in a quarterly review: three months); its achievement
over the whole review period is given beside them, and its credit is the sum of what each missed period earns.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from bot.measurements import compliance, exclusions, periods
from bot.measurements.clocks import compute
from bot.measurements.in_force import Measured, from_content
from bot.measurements.ticket_events import events_of
from bot.parsing import credits
from bot.reviews import complaints_section, pack_preview, pack_satisfaction, pack_workload
from bot.reviews.pack_preview import ActionLine, Preview, WaiverLine, label_of
from models import Agreement, AgreementService, AgreementVersion, Breach, Party, Target, Ticket

TREND_PERIODS = 6
MAX_BREACHES = 10
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class PeriodFigure:
    label: str                 # "Oct 2026"
    achieved: str | None       # exact percent, "99.75"; None: nothing measured
    met: bool | None           # None: nothing measured, or no goal


@dataclass(frozen=True)
class CreditFigure:
    amount: str | None         # "£900.00"; None: none earned, or not computable (`why`)
    rule: str                  # the rule as the clause reads
    working: str               # "£600.00 × 0.15% under / 0.1% = £900.00"
    why: str                   # "not computable: ...", "no service credit", "nothing missed"
    currency: str | None = None
    value: str | None = None   # the exact amount, "900.00", for totals


@dataclass(frozen=True)
class TargetFigure:
    key: str
    description: str
    kind: str
    goal: str | None           # "99.9"
    achieved: str | None       # over the whole review period
    met: bool | None
    by: str                    # "0.15 points under the goal", "0.05 points above", ""
    periods: list[PeriodFigure]  # its own periods within the review period
    missed: list[str]          # labels of the missed ones
    trend: list[PeriodFigure]  # its last TREND_PERIODS periods up to the end of the review period, oldest first
    trend_word: str            # "improving", "worsening", "steady", ""
    credit: CreditFigure


@dataclass(frozen=True)
class BreachLine:
    target_key: str
    what: str                  # "INC0012345" or "availability"
    when: str                  # "2026-10-14"
    state: str
    summary: str
    causes: list[str]          # the notes people wrote on it
    owner: str | None          # the owning party's name


@dataclass
class Pack:
    agreement_id: int
    agreement: str
    customer: str
    period_label: str
    period_start: str          # ISO dates; the end is exclusive
    period_end: str
    generated_at: str
    charge: str | None         # "£12,000.00 per month"
    charge_note: str           # "no monthly charge stated", or the clause when it cannot be read
    targets: list[TargetFigure]
    credit_totals: list[str]   # one per currency: "£1,500.00"
    breaches: list[BreachLine]
    breaches_more: int
    actions: pack_preview.Actions
    waivers: list[WaiverLine]
    preview: Preview
    previous_actions: list[ActionLine] = field(default_factory=list)
    previous_review: str | None = None  # "the review of 2026-10-06"
    previous_more: int = 0
    period_dates: str = ""      # as people read it, the last day included: "1 Oct 2026 to 31 Oct 2026"
    verified: list[ActionLine] = field(default_factory=list)  # done actions whose target's recovery was measured
    verified_more: int = 0
    satisfaction: dict | None = None  # issue 17: bot.reviews.pack_satisfaction.section
    complaints: dict = field(default_factory=dict)  # issue 17: received, answered late, open (complaints_section)
    workload: dict = field(default_factory=dict)  # issue 17: bot.reviews.pack_workload.section

    def as_context(self) -> dict:
        return asdict(self)

    @property
    def missed(self) -> list[TargetFigure]:
        return [t for t in self.targets if t.met is False]


def _pct(value: Decimal | None) -> str | None:
    """An exact percentage as people write it: "99.75", "100"."""
    if value is None:
        return None
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def local_midnight(day: date, tz: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def agreed_content(session: Session, agreement: Agreement) -> dict:
    number = agreement.agreed_version or agreement.latest_version
    return session.exec(select(AgreementVersion.content).where(AgreementVersion.agreement_id == agreement.id,
                                                               AgreementVersion.number == number)).first() or {}


def _targets(session: Session, agreement: Agreement, content: dict) -> list[tuple[Measured, str]]:
    """Each target as the agreement's version in force words it, with its service credit clause."""
    ids = dict(session.exec(select(Target.key, Target.id).where(Target.agreement_id == agreement.id)).all())
    services = frozenset(session.exec(select(AgreementService.service_id).where(
        AgreementService.agreement_id == agreement.id)).all())
    party = session.get(Party, agreement.counterparty_id)
    start = date.fromisoformat(content.get("start") or agreement.start_date.isoformat())
    end = date.fromisoformat(content.get("end") or agreement.end_date.isoformat())
    return [(from_content(t, content, agreement, party.name if party else "", ids[t["key"]], services, start, end),
             t.get("service_credit") or "") for t in content.get("targets", []) if t["key"] in ids]


@dataclass(frozen=True)
class _Measure:
    achieved: Decimal | None
    missed_tickets: int = 0
    hours_over: Decimal | None = None


def _measure(session: Session, team_id: str, target: Measured, period: compliance.Period, now: datetime) -> _Measure:
    """A target over one period: its achievement, and what a credit multiplies (missed tickets, hours over)."""
    if target.kind == "availability" and target.goal is not None:
        status = periods.availability(session, team_id, target, period, now)[0]
        over = max(status.down_so_far - status.budget, timedelta(0))
        return _Measure(status.achieved, 1, _hours(over))
    if target.kind == "metric" and target.threshold is not None:
        share = periods.metric_share(session, team_id, target, period, now)
        return _Measure(share.achieved, share.counted - share.met)
    if target.duration is None:
        return _Measure(None)
    tickets = list(session.exec(select(Ticket).where(
        Ticket.team_id == team_id, Ticket.service_id.in_(list(target.service_ids) or [-1]),
        Ticket.priority == target.level, Ticket.opened_at >= period.start, Ticket.opened_at < min(period.end, now))))
    events = events_of(session, [t.id for t in tickets])
    left_out = exclusions.excluded(session, team_id, period.start, now) if tickets else []  # issue 17: not counted
    clocks = [compute(target.kind, t.opened_at, events.get(t.id, []), target.duration, target.calendar, now,
                      warning_percent=target.warning_percent,
                      excluded=exclusions.applying(left_out, target.agreement_id, {t.service_id})) for t in tickets]
    share = compliance.ticket_share([c.met for c in clocks], target.goal)
    over = sum((max(c.used - c.allowed, timedelta(0)) for c in clocks if c.met is False), timedelta(0))
    return _Measure(share.achieved, share.counted - share.met, _hours(over))


def _hours(delta: timedelta) -> Decimal:
    return (Decimal(int(delta.total_seconds())) / 3600).quantize(Decimal("0.01"))


def _met(target: Measured, achieved: Decimal | None) -> bool | None:
    goal = target.goal if target.goal is not None else (Decimal(100) if target.kind == "metric" else None)
    if achieved is None or goal is None:
        return None
    return achieved >= goal


def _own_periods(target: Measured, start: datetime, end: datetime, fy: int) -> list[compliance.Period]:
    """The target's own periods wholly within [start, end): those the review looks back on."""
    out, cursor = [], compliance.period_of(target.period, end - timedelta(seconds=1), target.calendar.tz, fy)
    if cursor.end > end:  # the review ends inside it: it is judged at a later review
        cursor = compliance.period_of(target.period, cursor.start - timedelta(seconds=1), target.calendar.tz, fy)
    while cursor.start >= start:
        out.append(cursor)
        cursor = compliance.period_of(target.period, cursor.start - timedelta(seconds=1), target.calendar.tz, fy)
    return out[::-1]


def _trend_word(trend: list[PeriodFigure]) -> str:
    values = [Decimal(p.achieved) for p in trend if p.achieved is not None]
    if len(values) < 2:
        return ""
    half = len(values) // 2
    before, after = sum(values[:half]) / half, sum(values[half:]) / (len(values) - half)
    return "improving" if after > before else "worsening" if after < before else "steady"


def _figure(session: Session, team_id: str, target: Measured, clause: str, start: date, end: date, now: datetime,
            fy: int, charge: credits.Money | None) -> TargetFigure:
    span_start, span_end = local_midnight(start, target.calendar.tz), local_midnight(end, target.calendar.tz)
    whole = compliance.Period(target.period, span_start, span_end, label_of(start, end))
    overall = _measure(session, team_id, target, whole, now)
    own = _own_periods(target, span_start, span_end, fy)
    history = compliance.previous(own[0] if own else whole, target.calendar.tz, fy, max(TREND_PERIODS - len(own), 0))
    figures, misses, missed = {}, [], []
    for period in history + own:
        if period.end.date() < target.start:
            continue
        same = (period.start, period.end) == (span_start, span_end)  # the review is one of its periods: measured
        measure = overall if same else _measure(session, team_id, target, period, now)
        met = _met(target, measure.achieved)
        figures[period.start] = PeriodFigure(period.label, _pct(measure.achieved), met)
        if period in own and met is False:
            missed.append(period.label)
            goal = target.goal if target.goal is not None or target.kind != "metric" else Decimal(100)
            misses.append(credits.Miss(goal, measure.achieved, max(measure.missed_tickets, 1), measure.hours_over))
    trend = list(figures.values())[-TREND_PERIODS:]
    credit = credits.compute(credits.parse_credit(clause), charge, misses)
    met = _met(target, overall.achieved)
    by = ""
    if met is not None and target.goal is not None:
        gap = overall.achieved - target.goal
        by = f"{_pct(abs(gap))} points {'under' if gap < 0 else 'above'} the goal" if gap else "exactly the goal"
    return TargetFigure(
        key=target.key, description=target.description, kind=target.kind, goal=_pct(target.goal),
        achieved=_pct(overall.achieved), met=False if missed else met, by=by,
        periods=[figures[p.start] for p in own if p.start in figures], missed=missed, trend=trend,
        trend_word=_trend_word(trend),
        credit=CreditFigure(amount=str(credit.money) if credit.money else None, rule=" ".join(clause.split()) or "none",
                            working=credit.working, why=credit.why,
                            currency=credit.money.currency if credit.money else None,
                            value=str(credit.money.amount) if credit.money else None))


def _breaches(session: Session, agreement: Agreement, start: datetime, end: datetime,
              keys: dict[int, str]) -> tuple[list[BreachLine], int]:
    where = (Breach.team_id == agreement.team_id, Breach.agreement_id == agreement.id,
             Breach.breached_at >= start, Breach.breached_at < end)
    rows = list(session.exec(select(Breach).where(*where).order_by(Breach.breached_at, Breach.id)
                             .limit(MAX_BREACHES + 1)))
    more = 0
    if len(rows) > MAX_BREACHES:
        rows = rows[:MAX_BREACHES]
        more = session.exec(select(func.count()).select_from(Breach).where(*where)).one() - MAX_BREACHES
    owners = dict(session.exec(select(Party.id, Party.name).where(
        Party.id.in_([r.owner_party_id for r in rows if r.owner_party_id] or [-1]))).all())
    return [BreachLine(target_key=keys.get(r.target_id, "?"), what=r.ticket_ref or r.subject,
                       when=r.breached_at.date().isoformat(), state=r.state, summary=r.summary,
                       causes=[e["note"] for e in r.timeline if e.get("note") and e.get("by")][:5],
                       owner=owners.get(r.owner_party_id)) for r in rows], more


def build_pack(session: Session, agreement: Agreement, period_start: date, period_end: date, now: datetime, *,
               tz: str = "UTC") -> Pack:
    """The pack of one SLA for [period_start, period_end), as things stand at `now` (dates in the zone `tz`)."""
    content = agreed_content(session, agreement)
    fy = periods.fy_start_month(session, agreement.team_id)
    charges = (content.get("clauses") or {}).get("charges") or agreement.clauses.get("charges") or ""
    charge = credits.parse_monthly_charge(charges)
    note = "" if charge else ("no monthly charge stated" if not charges.strip() else
                              f"the monthly charge cannot be read from “{charges.strip()[:200]}”")
    targets = _targets(session, agreement, content)
    figures = [_figure(session, agreement.team_id, t, clause, period_start, period_end, now, fy, charge)
               for t, clause in targets]
    totals: dict[str, Decimal] = {}
    for f in figures:
        if f.credit.value is not None:
            totals[f.credit.currency] = totals.get(f.credit.currency, Decimal(0)) + Decimal(f.credit.value)
    start, end = local_midnight(period_start, tz), local_midnight(period_end, tz)
    keys = {t.target_id: t.key for t, _c in targets}
    breaches, more = _breaches(session, agreement, start, end, keys)
    party = session.get(Party, agreement.counterparty_id)
    previous = pack_preview.previous_review(session, agreement, now, keys)
    verified, verified_more = pack_preview.verified(session, agreement, start, end, now, keys)
    pack = Pack(
        agreement_id=agreement.id, agreement=agreement.name, customer=party.name if party else "",
        period_label=label_of(period_start, period_end), period_start=period_start.isoformat(),
        period_end=period_end.isoformat(), generated_at=now.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z"),
        charge=f"{charge} per month" if charge else None, charge_note=note, targets=figures,
        credit_totals=[credits.format_amount(v, c) for c, v in sorted(totals.items())],
        breaches=breaches, breaches_more=more,
        actions=pack_preview.actions(session, agreement, start, end, now, keys),
        waivers=pack_preview.waivers_in_force(session, agreement, now),
        preview=pack_preview.preview(session, agreement, [t for t, _c in targets], period_start, period_end, now),
        previous_actions=previous.actions, previous_review=previous.label, previous_more=previous.more,
        period_dates=dates_of(period_start, period_end), verified=verified, verified_more=verified_more,
        complaints=complaints_section.for_pack(session, agreement, start, end),
        workload=pack_workload.section(session, agreement, start, end, tz, fy))
    pack.satisfaction = pack_satisfaction.section(session, agreement, pack, tz)  # issue 17
    return pack


def dates_of(start: date, end: date) -> str:
    """A period [start, end) as people say it, naming its last day: "1 Oct 2026 to 31 Oct 2026"."""
    last = end - timedelta(days=1)
    return f"{start.day} {start:%b %Y} to {last.day} {last:%b %Y}" if last > start else f"{start.day} {start:%b %Y}"


# What the verification of actions and the relationship view measure with: the pack's own figures, so the three
# never disagree about a target's achievement.
def targets_in_force(session: Session, agreement: Agreement) -> list[Measured]:
    """The agreement's targets as its version in force words them."""
    return [t for t, _clause in _targets(session, agreement, agreed_content(session, agreement))]


def achievement(session: Session, team_id: str, target: Measured, period: compliance.Period,
                now: datetime) -> tuple[Decimal | None, bool | None]:
    """A target's exact achievement over one period, and whether it met its goal (None: nothing measured)."""
    achieved = _measure(session, team_id, target, period, now).achieved
    return achieved, _met(target, achieved)


def percent(value: Decimal | None) -> str | None:
    return _pct(value)
