"""The relationship view (issue 13, competency 6.6): one party across all its agreements, so the service manager can
act before the customer complains.

A party's agreements are those it is the counterparty of: the SLAs where it is the customer, the OLAs where it is
the support group, the UCs where it is the supplier. The view looks back on the last MONTHS whole calendar months
(in the zone asked in) and gives:

- each target's achievement in each month against its goal (the pack's own measuring, bot.reviews.pack), the
  targets met of those measured and the breaches, month by month;
- actions on those agreements done in the window, on time (done by their due date) or late, and those overdue now;
- the reviews held in the window (closed), how many the party's own contacts attended, their decisions and actions;
- requirements the party asked for still unanswered (captured or clarified: neither accepted, declined nor found
  not met), waivers in force on its agreements' targets, and contracts renewing (or whose notice falls due) in the
  next RENEWAL_DAYS days: its own, and those beneath its SLAs.

The verdict, by a stated rule (VERDICT_RULE): the months are split in halves, the earlier three and the later three.
For each half, the share of targets met is the targets met over the targets measured, all months together. The
relationship is *improving* when that share rose, or stayed the same while breaches fell; *worsening* when it fell,
or stayed the same while breaches rose; *stable* otherwise; and there is no verdict when nothing was measured in
either half. The words say which figures moved and by how much.

Every list is cut at MAX_LINES and says how many it left out.
"""
from __future__ import annotations

import base64
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from bot import outbox
from bot.measurements import compliance
from bot.reviews import chart, complaints_section, pack_preview, relationship_satisfaction, supplier_scorecard
from bot.reviews.pack import PeriodFigure, achievement, local_midnight, percent, targets_in_force
from models import (Action, ActionStatus, Agreement, AgreementKind, Breach, Contact, OutboxKind, Party, Requirement,
                    Review, ReviewNote, ReviewStatus)
from models.base import name_key
from models.requirements import Status as RequirementStatus

MONTHS = 6
MAX_LINES = 10
MAX_TARGETS = 20  # measured (and charted, the first chart.MAX_PANELS); more are counted, not measured
RENEWAL_DAYS = 90
UNANSWERED = (RequirementStatus.CAPTURED.value, RequirementStatus.CLARIFIED.value)
VERDICT_RULE = ("improving when the share of targets met rose from the first three months to the last three (or "
                "held while breaches fell), worsening when it fell (or held while breaches rose), stable otherwise")


@dataclass(frozen=True)
class TargetTrend:
    key: str                   # "Acme Payroll T1": the agreement's name and the target's key
    description: str
    goal: str | None
    trend: list[PeriodFigure]  # one per month, oldest first
    met: bool | None           # in the last month


@dataclass(frozen=True)
class MonthRow:
    label: str                 # "Oct 2026"
    measured: int              # targets with anything measured that month
    met: int
    breaches: int


@dataclass
class Relationship:
    party: str
    party_kind: str            # customer / supplier / support_group
    agreements: list[str]      # "SLA Acme Payroll (active)"
    agreements_more: int
    window: str                # "May–Oct 2026"
    generated_at: str
    months: list[MonthRow]
    targets: list[TargetTrend]
    targets_more: int
    verdict: str               # improving / stable / worsening / no verdict
    why: str
    rule: str
    actions_on_time: int
    actions_late: int
    actions_overdue: int
    late_lines: list[str]      # "#3 Write the runbook: due 2026-10-15, done 2026-10-20"
    overdue_lines: list[str]
    reviews_closed: int
    reviews_attended: int      # of those, with at least one of the party's contacts there
    reviews_cancelled: int
    decisions: int
    review_actions: int
    unanswered: list[str]      # "#12 Payroll must be back within 2 hours (must)"
    unanswered_more: int
    waivers: list[str]         # "Acme Payroll T2 (time): reason"
    waivers_more: int
    renewals: list[str]
    renewals_more: int
    period_label: str = ""     # for the chart's title: "to Oct 2026"
    satisfaction: list[dict] = field(default_factory=list)  # issue 17: bot.reviews.relationship_satisfaction.rows
    suppliers: dict | None = None  # issue 17, suppliers: a supplier's scorecard (bot.reviews.supplier_scorecard)
    complaints: dict = field(default_factory=dict)  # issue 17: the owner and complaints (bot.reviews.complaints_section)
    for_customer: bool = False  # posted where the customer reads it: waivers and renewals left out, not "None."

    def as_context(self) -> dict:
        return asdict(self)

    @property
    def agreement(self) -> str:  # the chart's title names it (bot.reviews.chart.render_png)
        return self.party


def _months(today: date, tz: str) -> list[compliance.Period]:
    at = local_midnight(today, tz)
    current = compliance.period_of("monthly", at, tz)
    return compliance.previous(current, tz, 1, MONTHS)


def _cut(lines: list[str]) -> tuple[list[str], int]:
    return lines[:MAX_LINES], max(len(lines) - MAX_LINES, 0)


def find_party(session: Session, team_id: str, name: str, kind: str | None = None) -> Party | None:
    q = select(Party).where(Party.team_id == team_id, Party.name_key == name_key(name))
    if kind:
        q = q.where(Party.kind == kind)
    return session.exec(q).first()


def party_names(session: Session, team_id: str, limit: int = MAX_LINES) -> tuple[list[str], int]:
    names = list(session.exec(select(Party.name).where(Party.team_id == team_id).order_by(Party.name_key)
                              .limit(limit + 1)))
    return names[:limit], (session.exec(select(func.count()).select_from(Party).where(Party.team_id == team_id))
                           .one() - limit if len(names) > limit else 0)


def _verdict(months: list[MonthRow], halves: tuple[str, str] | None = None) -> tuple[str, str]:
    """The verdict by VERDICT_RULE and the figures that decided it; `halves` names the two spans compared."""
    half = len(months) // 2
    first, last = months[:half], months[half:]

    def share(rows):
        measured = sum(r.measured for r in rows)
        return (Decimal(sum(r.met for r in rows)) * 100 / measured).quantize(Decimal("0.1")) if measured else None

    before, after = share(first), share(last)
    b_before, b_after = sum(r.breaches for r in first), sum(r.breaches for r in last)
    if halves is None and first and last:
        halves = (f"{first[0].label}–{first[-1].label}", f"{last[0].label}–{last[-1].label}")
    span = f"{halves[0]} against {halves[1]}" if halves else ""
    breaches = f"breaches {b_before} → {b_after}"
    if before is None or after is None:
        return "no verdict", f"not enough measured to compare ({span}); {breaches}"
    met = f"targets met {percent(before)}% → {percent(after)}% of those measured"
    if after > before or (after == before and b_after < b_before):
        word = "improving"
    elif after < before or (after == before and b_after > b_before):
        word = "worsening"
    else:
        word = "stable"
    return word, f"{met}, {breaches} ({span})"


def _agreements(session: Session, party: Party) -> list[Agreement]:
    return list(session.exec(select(Agreement).where(Agreement.team_id == party.team_id,
                                                     Agreement.counterparty_id == party.id)
                             .order_by(Agreement.kind, Agreement.name_key)))


def _trends(session: Session, team_id: str, agreements: list[Agreement], months: list[compliance.Period],
            now: datetime) -> tuple[list[TargetTrend], int, list[MonthRow]]:
    measured = [(a, t) for a in agreements if a.agreed_version is not None for t in targets_in_force(session, a)]
    trends, counts = [], [[0, 0] for _ in months]
    for agreement, target in measured[:MAX_TARGETS]:
        figures = []
        for i, month in enumerate(months):
            achieved, met = achievement(session, team_id, target, month, now)
            figures.append(PeriodFigure(month.label, percent(achieved), met))
            if met is not None:
                counts[i][0] += 1
                counts[i][1] += met
        trends.append(TargetTrend(f"{agreement.name} {target.key}", target.description, percent(target.goal),
                                  figures, figures[-1].met if figures else None))
    ids = [a.id for a in agreements] or [-1]
    rows = []
    for (n, met), month in zip(counts, months):
        breaches = session.exec(select(func.count()).select_from(Breach).where(
            Breach.team_id == team_id, Breach.agreement_id.in_(ids), Breach.breached_at >= month.start,
            Breach.breached_at < month.end)).one()
        rows.append(MonthRow(month.label, n, met, breaches))
    return trends, max(len(measured) - MAX_TARGETS, 0), rows


def _actions(session: Session, team_id: str, ids: list[int], start: datetime, end: datetime, today: date):
    mine = (Action.team_id == team_id, Action.agreement_id.in_(ids or [-1]))
    done = list(session.exec(select(Action).where(*mine, Action.status == ActionStatus.DONE.value,
                                                  Action.done_at >= start, Action.done_at < end)
                             .order_by(Action.done_at, Action.number).limit(500)))
    late = [a for a in done if a.done_at.date() > a.due]
    overdue_q = (*mine, Action.status.in_([ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value]),
                 Action.due < today)
    overdue = list(session.exec(select(Action).where(*overdue_q).order_by(Action.due, Action.number)
                                .limit(MAX_LINES)))
    overdue_count = session.exec(select(func.count()).select_from(Action).where(*overdue_q)).one()
    return (len(done) - len(late), len(late),
            [f"#{a.number} {a.title}: due {a.due.isoformat()}, done {a.done_at.date().isoformat()}"
             for a in late][:MAX_LINES],
            overdue_count, [f"#{a.number} {a.title}: due {a.due.isoformat()}" for a in overdue])


def _reviews(session: Session, party: Party, ids: list[int], start: datetime, end: datetime):
    held = list(session.exec(select(Review).where(
        Review.team_id == party.team_id, Review.agreement_id.in_(ids or [-1]),
        Review.status == ReviewStatus.CLOSED.value, Review.scheduled_for >= start, Review.scheduled_for < end)
        .order_by(Review.scheduled_for, Review.id).limit(200)))
    cancelled = session.exec(select(func.count()).select_from(Review).where(
        Review.team_id == party.team_id, Review.agreement_id.in_(ids or [-1]),
        Review.status == ReviewStatus.CANCELLED.value, Review.scheduled_for >= start,
        Review.scheduled_for < end)).one()
    contacts = set(session.exec(select(Contact.user_id).where(Contact.party_id == party.id)))
    attended = sum(bool(contacts & set(r.attended or [])) for r in held)
    kinds = dict(session.exec(select(ReviewNote.kind, func.count()).where(
        ReviewNote.review_id.in_([r.id for r in held] or [-1])).group_by(ReviewNote.kind)).all())
    return len(held), attended, cancelled, kinds.get("decision", 0), kinds.get("action", 0)


def _unanswered(session: Session, party: Party) -> tuple[list[str], int]:
    where = (Requirement.team_id == party.team_id, Requirement.customer_id == party.id,
             Requirement.status.in_(UNANSWERED))
    rows = list(session.exec(select(Requirement).where(*where).order_by(Requirement.number).limit(MAX_LINES)))
    total = session.exec(select(func.count()).select_from(Requirement).where(*where)).one()
    return ([f"#{r.number} {' '.join(r.statement.split())[:200]} ({r.priority})" for r in rows],
            max(total - MAX_LINES, 0))


def _renewals(session: Session, agreements: list[Agreement], today: date) -> list[str]:
    until = today + timedelta(days=RENEWAL_DAYS)
    out = []
    for a in agreements:
        if a.kind == AgreementKind.UC.value and a.renewal_date is not None and today <= a.renewal_date < until:
            # Never its contract reference: that is the supplier's and ours (bot.agreements.terms), and this view
            # goes to a party's channel.
            out.append(f"{a.name} renews on {a.renewal_date.isoformat()}")
        elif a.kind == AgreementKind.SLA.value:
            beneath, _more = pack_preview._renewals(session, a, today, until)
            out.extend(f"beneath {a.name}: {line}" for line in beneath)
    return list(dict.fromkeys(out))


def build(session: Session, party: Party, now: datetime, *, tz: str = "UTC") -> Relationship:
    """The relationship with one party as things stand at `now`, months in the zone `tz`."""
    today = now.astimezone(ZoneInfo(tz)).date()
    agreements = _agreements(session, party)
    ids = [a.id for a in agreements]
    months = _months(today, tz)
    start, end = months[0].start, months[-1].end
    trends, trends_more, rows = _trends(session, party.team_id, agreements, months, now)
    local = [(m.start.astimezone(ZoneInfo(tz)).date(), m.end.astimezone(ZoneInfo(tz)).date()) for m in months]
    half = len(local) // 2
    verdict, why = _verdict(rows, (pack_preview.label_of(local[0][0], local[half - 1][1]),
                                   pack_preview.label_of(local[half][0], local[-1][1])))
    on_time, late, late_lines, overdue, overdue_lines = _actions(session, party.team_id, ids, start, end, today)
    held, attended, cancelled, decisions, review_actions = _reviews(session, party, ids, start, end)
    unanswered, unanswered_more = _unanswered(session, party)
    waivers = [f"{a.name} {w.target_key} ({w.rule}): {w.reason}" for a in agreements
               if a.kind == AgreementKind.SLA.value and a.agreed_version is not None
               for w in pack_preview.waivers_in_force(session, a, now)]
    listed, listed_more = _cut([f"{AgreementKind(a.kind).label} {a.name} ({a.status})" for a in agreements])
    waiver_lines, waivers_more = _cut(waivers)
    renewals, renewals_more = _cut(_renewals(session, agreements, today))
    return Relationship(
        party=party.name, party_kind=party.kind, agreements=listed, agreements_more=listed_more,
        window=pack_preview.label_of(local[0][0], local[-1][1]),
        generated_at=now.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z"), months=rows, targets=trends,
        targets_more=trends_more, verdict=verdict, why=why, rule=VERDICT_RULE, actions_on_time=on_time,
        actions_late=late, actions_overdue=overdue, late_lines=late_lines, overdue_lines=overdue_lines,
        reviews_closed=held, reviews_attended=attended, reviews_cancelled=cancelled, decisions=decisions,
        review_actions=review_actions, unanswered=unanswered, unanswered_more=unanswered_more,
        waivers=waiver_lines, waivers_more=waivers_more, renewals=renewals, renewals_more=renewals_more,
        period_label=months[-1].label,
        satisfaction=relationship_satisfaction.rows(session, agreements, trends, months[-1], tz, now),
        suppliers=(card.as_context() if (card := supplier_scorecard.build(session, party, months, now)) else None),
        complaints=complaints_section.for_relationship(session, party, start, end))


TEMPLATE = "relationship.yml.j2"


def request_key(party_id: int, channel: str, request: str) -> str:
    return f"relationship:{party_id}:{channel}:{request}"[:180]


def queue(session: Session, team_id: str, channel: str, view: Relationship, key: str, now: datetime) -> bool:
    """Queue the view in `channel` and, following it into its thread, the chart of the targets' trend (the pack's
    chart code). False when queued before under this key."""
    if outbox.get(session, team_id, key) is not None:
        return False
    png = chart.render_png(view)
    if not outbox.enqueue(session, team_id, key, channel, TEMPLATE, {"r": view.as_context(), "chart": png is not None},
                          now):
        return False
    if png is not None:
        slug = re.sub(r"[^a-z0-9]+", "-", view.party.lower()).strip("-")[:60] or "party"
        outbox.enqueue(session, team_id, f"{key}:chart", channel, "", {}, now, kind=OutboxKind.FILE, parent_key=key,
                       message={"content_b64": base64.b64encode(png).decode("ascii"),
                                "filename": f"{slug}-relationship-{view.period_label.replace(' ', '-').lower()}.png",
                                "title": f"{view.party}: achievement against goal, to {view.period_label}"})
    return True
