"""What a person's App Home shows of what is theirs, one function per question, most urgent first, as plain data.

Each question returns a `Listed`: the first `limit` items and how many there are in all, so that a person with
hundreds of items is shown the most urgent and told how many more (the Home has a limit of 100 blocks). Reviews are
the top layer of the domain, so this module may read actions, breaches, agreements, measurements and cover.

`agreements_glance` is the first agreements of every kind, and their count.

A service manager also gets `sla_overview`: every SLA with its status, its compliance so far this period (computed
for the SLAs shown only, `limit` of them), its back-to-back cover as the stored results of the last check with its
waivers counted as waived (not a fresh check: the Home is drawn on every change), its next service review (a
meeting), and its own yearly review as its message says it ("Review due 2027-03-01", bot.reviews.sla_review).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, select

from bot import cover
from bot.agreements.lifecycle import status_line
from bot.measurements import periods
from bot.measurements.in_force import measured
from bot.reviews import sla_review
from bot.workspace.actor import Actor
from bot.workspace.permissions import sides
from models import (
    Action, ActionStatus, Agreement, AgreementKind, AgreementStatus, Breach, BreachState, Contact, ContactRole,
    Reminder, ReminderStatus, Review, ReviewArrangement, ReviewStatus, Signoff,
)

OPEN_ACTIONS = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)
OPEN_BREACHES = (BreachState.BREACHED.value, BreachState.WARNING.value, BreachState.ACKNOWLEDGED.value)


@dataclass(frozen=True)
class Listed:
    items: list = field(default_factory=list)
    total: int = 0
    overdue: int = 0  # of all of them, not only those listed (actions)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class MyAction:
    number: int
    title: str
    due: date
    overdue: bool
    status: str
    link: str | None


@dataclass(frozen=True)
class MyBreach:
    id: int
    agreement: str
    summary: str
    state: str
    ticket_ref: str | None
    opened_at: datetime


@dataclass(frozen=True)
class MyReview:
    agreement: str
    at: datetime
    format: str
    channel_id: str


@dataclass(frozen=True)
class AwaitingAgreement:
    name: str
    version: int
    sides: tuple[str, ...]
    link: str | None


@dataclass(frozen=True)
class Snoozed:
    kind: str
    until: datetime


@dataclass(frozen=True)
class SlaRow:
    name: str
    status: str
    compliance: str | None  # "2 of 3 targets on goal so far this period"; None: nothing in force or measured
    cover: str | None       # the stored verdicts: "covered", "1 at risk", "4 waived", ...; None: never checked
    next_review: datetime | None  # the next service review (a meeting of the agreed cadence)
    link: str | None
    sla_review: str | None = None  # the SLA's own yearly review, as its message says it: "Review due 2027-03-01"


def my_actions(session: Session, team_id: str, user_id: str, today: date, limit: int) -> Listed:
    """Open and in-progress actions they own: the overdue first (the longest overdue first), then by due date."""
    mine = (Action.team_id == team_id, Action.owner_user_id == user_id, Action.status.in_(OPEN_ACTIONS))
    total = session.exec(select(func.count()).select_from(Action).where(*mine)).one()
    overdue = session.exec(select(func.count()).select_from(Action).where(*mine, Action.due < today)).one()
    rows = session.exec(select(Action).where(*mine).order_by(Action.due, Action.number).limit(limit))
    return Listed([MyAction(a.number, a.title, a.due, a.due < today, a.status, a.origin_link) for a in rows], total,
                  overdue)


def open_actions(session: Session, team_id: str, today: date, limit: int) -> Listed:
    """The workspace's open and in-progress actions, soonest due first: the first `limit`, how many in all and how
    many overdue, counted in the database (the Home is drawn on every change: no workspace's every action loaded)."""
    where = (Action.team_id == team_id, Action.status.in_(OPEN_ACTIONS))
    total = session.exec(select(func.count()).select_from(Action).where(*where)).one()
    overdue = session.exec(select(func.count()).select_from(Action).where(*where, Action.due < today)).one()
    rows = list(session.exec(select(Action).where(*where).order_by(Action.due, Action.number).limit(limit)))
    return Listed(rows, total, overdue)


def _my_parties(session: Session, team_id: str, user_id: str) -> list[int]:
    return list(session.exec(select(Contact.party_id).where(Contact.team_id == team_id, Contact.user_id == user_id)
                             .distinct()))


def my_breaches(session: Session, team_id: str, user_id: str, limit: int) -> Listed:
    """Breach alerts still open for the groups they are a contact of: breached before warned, newest first."""
    parties = _my_parties(session, team_id, user_id)
    if not parties:
        return Listed()
    where = (Breach.team_id == team_id, Breach.owner_party_id.in_(parties), Breach.state.in_(OPEN_BREACHES))
    total = session.exec(select(func.count()).select_from(Breach).where(*where)).one()
    rows = list(session.exec(select(Breach).where(*where)))
    rows.sort(key=lambda b: (OPEN_BREACHES.index(b.state), -b.updated_at.timestamp(), -b.id))
    names = _agreement_names(session, {b.agreement_id for b in rows[:limit]})
    return Listed([MyBreach(b.id, names.get(b.agreement_id, ""), b.summary, b.state, b.ticket_ref, b.opened_at)
                   for b in rows[:limit]], total)


def _agreement_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(Agreement.id, Agreement.name).where(Agreement.id.in_(ids))).all())


def my_reviews(session: Session, team_id: str, user_id: str, now: datetime, limit: int) -> Listed:
    """Reviews still to come that they are an attendee of (named, or a contact of a party named): soonest first."""
    coming = list(session.exec(select(Review).where(Review.team_id == team_id,
                                                    Review.status == ReviewStatus.SCHEDULED.value,
                                                    Review.scheduled_for > now)
                          .order_by(Review.scheduled_for, Review.id)))
    arrangements = {a.agreement_id: a for a in session.exec(select(ReviewArrangement).where(
        ReviewArrangement.team_id == team_id, ReviewArrangement.agreement_id.in_({r.agreement_id for r in coming})))}
    # Who attends (bot.reviews.attendance.attendees: those named, and every contact of the parties named), decided
    # from this person's parties read once: no query per review, however many are scheduled in the workspace.
    parties = set(_my_parties(session, team_id, user_id)) if coming else set()

    def attends(review: Review) -> bool:
        arrangement = arrangements.get(review.agreement_id)
        if arrangement is None:
            return False
        return (user_id in (arrangement.attendee_user_ids or [])
                or bool(parties.intersection(arrangement.attendee_party_ids or [])))

    theirs = [r for r in coming if attends(r)]
    names = _agreement_names(session, {r.agreement_id for r in theirs[:limit]})
    return Listed([MyReview(names.get(r.agreement_id, ""), r.scheduled_for, r.format, r.channel_id)
                   for r in theirs[:limit]], len(theirs))


def awaiting_agreement(session: Session, actor: Actor, limit: int) -> Listed:
    """Agreements in negotiation whose latest version waits for a side this person may agree for: newest first."""
    negotiating = list(session.exec(select(Agreement).where(
        Agreement.team_id == actor.team_id, Agreement.status == AgreementStatus.NEGOTIATING.value)
        .order_by(Agreement.id.desc())))
    # Their contact roles and the sign-offs read once for all of them: no queries per agreement in negotiation.
    my_roles: dict[int, set[str]] = {}
    signoffs: dict[tuple[int, int], set[str]] = {}
    if negotiating:
        for party_id, role in session.exec(select(Contact.party_id, Contact.role).where(
                Contact.team_id == actor.team_id, Contact.user_id == actor.user_id)):
            my_roles.setdefault(party_id, set()).add(ContactRole(role).value)
        for agreement_id, version, side in session.exec(select(Signoff.agreement_id, Signoff.version, Signoff.side)
                                                        .where(Signoff.agreement_id.in_([a.id for a in negotiating]))):
            signoffs.setdefault((agreement_id, version), set()).add(side)
    out = []
    for agreement in negotiating:
        roles = my_roles.get(agreement.counterparty_id, set())
        signed = signoffs.get((agreement.id, agreement.latest_version), set())
        waiting = sorted(sides(actor, "agree", roles) - signed)
        if waiting:
            out.append(AwaitingAgreement(agreement.name, agreement.latest_version, tuple(waiting), agreement.permalink))
    return Listed(out[:limit], len(out))


def my_snoozed(session: Session, team_id: str, user_id: str, limit: int) -> Listed:
    """Reminders to them they snoozed, still to come back: the soonest first."""
    where = (Reminder.team_id == team_id, Reminder.recipient == user_id,
             Reminder.status == ReminderStatus.PENDING.value, Reminder.snoozed_until.is_not(None))
    total = session.exec(select(func.count()).select_from(Reminder).where(*where)).one()
    rows = session.exec(select(Reminder).where(*where).order_by(Reminder.due_at, Reminder.id).limit(limit))
    return Listed([Snoozed(r.kind, r.due_at) for r in rows], total)


def sla_overview(session: Session, team_id: str, now: datetime, limit: int) -> Listed:
    """Every SLA not retired (the live ones first, then by name): status, compliance, cover, next service review
    and the SLA's own review."""
    where = (Agreement.team_id == team_id, Agreement.kind == AgreementKind.SLA.value,
             Agreement.status != AgreementStatus.RETIRED.value)
    live = (AgreementStatus.ACTIVE.value, AgreementStatus.AGREED.value, AgreementStatus.NEGOTIATING.value)
    # The shown ones only, ordered by the database: reading every SLA to sort it here took most of the Home's time.
    total = session.exec(select(func.count()).select_from(Agreement).where(*where)).one()
    shown = session.exec(select(Agreement).where(*where)
                         .order_by(case((Agreement.status.in_(live), 0), else_=1), Agreement.name_key).limit(limit))
    shown = list(shown)
    fy = periods.fy_start_month(session, team_id)
    targets = {a.id: measured(session, team_id, agreement_id=a.id) for a in shown}
    # The tickets every shown SLA's targets count, read in two queries for all of them, not two per target.
    loaded = periods.load_tickets(session, team_id, [(t, periods.period_for(t, now, fy)) for ts in targets.values()
                                                     for t in ts if t.kind not in ("availability", "metric")], now)
    ids = [a.id for a in shown]
    covers, reviews = _covers(session, ids), _next_reviews(session, ids, now)
    own_reviews = sla_review.status_lines(session, shown)
    rows = [SlaRow(a.name, status_line(a), _compliance(session, team_id, targets[a.id], now, fy, loaded),
                   covers.get(a.id), reviews.get(a.id), a.permalink, own_reviews.get(a.id)) for a in shown]
    return Listed(rows, total)


def agreements_glance(session: Session, team_id: str, limit: int) -> Listed:
    """The first `limit` agreements of every kind by name (the Home's list), and how many there are."""
    where = (Agreement.team_id == team_id,)
    total = session.exec(select(func.count()).select_from(Agreement).where(*where)).one()
    return Listed(list(session.exec(select(Agreement).where(*where).order_by(Agreement.name_key).limit(limit))), total)


def _compliance(session: Session, team_id: str, targets: list, now: datetime, fy: int,
                loaded: periods.TicketsLoaded) -> str | None:
    on_goal = measured_count = 0
    for target in targets:
        value = periods.achieved(session, team_id, target, periods.period_for(target, now, fy), now, loaded)
        if value is None or target.goal is None:
            continue
        measured_count += 1
        on_goal += value >= target.goal
    if not measured_count:
        return None
    return f"{on_goal} of {measured_count} target{'s' if measured_count != 1 else ''} on goal so far this period"


def _covers(session: Session, agreement_ids: list[int]) -> dict[int, str]:
    """Each agreement's cover as the stored results of the last check say it, its waivers counted as waived, as the
    SLA's own message counts them ("covered", "1 at risk", "4 waived")."""
    out = {}
    for agreement_id, seen in cover.stored_standings(session, agreement_ids).items():
        worse = {v: seen.count(v) for v in ("not covered", "at risk", cover.WAIVED) if v in seen}
        out[agreement_id] = ", ".join(f"{n} {v}" for v, n in worse.items()) if worse else "covered"
    return out


def _next_reviews(session: Session, agreement_ids: list[int], now: datetime) -> dict[int, datetime]:
    """Each agreement's next scheduled review, one query."""
    return dict(session.exec(select(Review.agreement_id, func.min(Review.scheduled_for)).where(
        Review.agreement_id.in_(agreement_ids or [-1]), Review.status == ReviewStatus.SCHEDULED.value,
        Review.scheduled_for > now).group_by(Review.agreement_id)).all())
