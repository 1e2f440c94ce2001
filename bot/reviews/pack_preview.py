"""The parts of the review pack that are not measurements: remedial actions, waivers in force, the previous
review's actions, and the preview of the coming period (underpinning contracts renewing, the SLA's own review or
expiry, known risks, targets burning their budget now). Each list is cut at MAX_LINES and counts what it left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from bot.actions import OPEN_STATUSES
from bot.cover.assessment import check_one
from bot.measurements import periods
from bot.measurements.in_force import Measured
from bot.measurements.states import Level, Subject
from bot.reviews import sla_review
from models import (Action, ActionKind, ActionStatus, Agreement, AgreementKind, Party, Review, ReviewNote,
                    ReviewNoteKind, ReviewStatus, SlaReview, Target, TargetLink, Waiver)

MAX_LINES = 10
REMEDIAL_KINDS = (ActionKind.REMEDIAL.value, ActionKind.IMPROVEMENT.value)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


@dataclass(frozen=True)
class ActionLine:
    number: int
    title: str
    owner: str | None        # the owning party's name
    owner_user: str | None   # or the person's user id (the templates mention them)
    due: str                 # ISO date
    status: str              # open / done / cancelled
    target_key: str | None
    overdue: bool
    verification: str | None = None  # done and measured: "done 18 Oct 2026; T1 ... 99.95% -> 100%: held"


@dataclass
class Actions:
    opened: list[ActionLine]
    opened_more: int
    done: list[ActionLine]
    done_more: int
    overdue: list[ActionLine]
    overdue_more: int


@dataclass(frozen=True)
class WaiverLine:
    target_key: str
    rule: str
    gap: str
    reason: str
    since: str


@dataclass
class Preview:
    label: str               # the coming period, "Nov 2026"
    renewals: list[str]
    renewals_more: int
    sla_review: str | None
    expiry: str | None
    risks: list[str]
    risks_more: int
    burning: list[str]


@dataclass
class Previous:
    label: str | None
    actions: list[ActionLine]
    more: int


def _lines(session: Session, rows: list[Action], keys: dict[int, str], today: date) -> list[ActionLine]:
    owners = dict(session.exec(select(Party.id, Party.name).where(
        Party.id.in_([r.owner_party_id for r in rows if r.owner_party_id] or [-1]))).all())
    return [ActionLine(number=r.number, title=r.title, owner=owners.get(r.owner_party_id), owner_user=r.owner_user_id,
                       due=r.due.isoformat(), status=r.status, target_key=keys.get(r.target_id) if r.target_id else None,
                       overdue=r.status in OPEN_STATUSES and r.due < today,
                       verification=r.verification) for r in rows]


def _cut(session: Session, *where) -> tuple[list[Action], int]:
    rows = list(session.exec(select(Action).where(*where).order_by(Action.due, Action.number).limit(MAX_LINES)))
    more = 0
    if len(rows) == MAX_LINES:
        more = session.exec(select(func.count()).select_from(Action).where(*where)).one() - MAX_LINES
    return rows, more


def actions(session: Session, agreement: Agreement, start: datetime, end: datetime, now: datetime,
            keys: dict[int, str]) -> Actions:
    """Remedial actions on this SLA opened and done within the period, and those overdue by its end (or now)."""
    mine = (Action.team_id == agreement.team_id, Action.agreement_id == agreement.id, Action.kind.in_(REMEDIAL_KINDS))
    by = min(end, now).date()
    opened, opened_more = _cut(session, *mine, Action.created_at >= start, Action.created_at < end)
    done, done_more = _cut(session, *mine, Action.status == ActionStatus.DONE.value, Action.done_at >= start,
                           Action.done_at < end)
    overdue, overdue_more = _cut(session, *mine, Action.status.in_(OPEN_STATUSES), Action.due < by)
    return Actions(_lines(session, opened, keys, by), opened_more, _lines(session, done, keys, by), done_more,
                   _lines(session, overdue, keys, by), overdue_more)


def verified(session: Session, agreement: Agreement, start: datetime, end: datetime, now: datetime,
             keys: dict[int, str]) -> tuple[list[ActionLine], int]:
    """Actions on this SLA done before the period's end whose target's recovery was measured since the period
    began (bot.reviews.verification: once the whole period after the action has ended), by now."""
    rows, more = _cut(session, Action.team_id == agreement.team_id, Action.agreement_id == agreement.id,
                      Action.status == ActionStatus.DONE.value, Action.done_at < end,
                      Action.verification.is_not(None), Action.verified_at > start, Action.verified_at <= now)
    return _lines(session, rows, keys, min(end, now).date()), more


def previous_review(session: Session, agreement: Agreement, now: datetime, keys: dict[int, str]) -> Previous:
    """The actions of the SLA's last closed review, each with whether it is done now (slice H4 records them)."""
    review = session.exec(select(Review).where(Review.team_id == agreement.team_id,
                                               Review.agreement_id == agreement.id,
                                               Review.status == ReviewStatus.CLOSED.value, Review.closed_at <= now)
                          .order_by(Review.scheduled_for.desc())).first()
    if review is None:
        return Previous(None, [], 0)
    ids = [i for i in session.exec(select(ReviewNote.action_id).where(
        ReviewNote.review_id == review.id, ReviewNote.kind == ReviewNoteKind.ACTION.value,
        ReviewNote.action_id.is_not(None)).order_by(ReviewNote.id))]
    rows = list(session.exec(select(Action).where(Action.id.in_(ids[:MAX_LINES] or [-1])).order_by(Action.number)))
    label = f"the review of {review.scheduled_for.date().isoformat()}"
    return Previous(label, _lines(session, rows, keys, now.date()), max(len(ids) - MAX_LINES, 0))


def waivers_in_force(session: Session, agreement: Agreement, now: datetime) -> list[WaiverLine]:
    """Waivers given on this SLA's targets whose gap is still there as it was waived (a changed gap lapses it)."""
    rows = list(session.exec(select(Target, Waiver).join(Waiver, Waiver.target_id == Target.id)
                             .where(Target.agreement_id == agreement.id).order_by(Target.id, Waiver.id)))
    out, checked = [], {}
    for target, waiver in rows:
        if target.id not in checked:
            checked[target.id] = check_one(session, target, agreement, at=now)
        if checked[target.id].finding(waiver.gap_key) is not None:
            out.append(WaiverLine(target.key, waiver.rule, waiver.gap, waiver.reason,
                                  waiver.created_at.date().isoformat()))
    return out


def next_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length after [start, end): whole months when it is whole months."""
    if start.day == 1 and end.day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month
        index = end.year * 12 + end.month - 1 + months
        return end, date(index // 12, index % 12 + 1, 1)
    return end, end + (end - start)


def _renewals(session: Session, agreement: Agreement, start: date, end: date) -> tuple[list[str], int]:
    """Underpinning contracts beneath this SLA's targets that renew, or whose notice falls due, in [start, end)."""
    legs = (select(Target.agreement_id).join(TargetLink, TargetLink.leg_target_id == Target.id)
            .where(TargetLink.sla_target_id.in_(select(Target.id).where(Target.agreement_id == agreement.id))))
    rows = list(session.exec(select(Agreement).where(Agreement.id.in_(legs), Agreement.kind == AgreementKind.UC.value,
                                                     Agreement.renewal_date.is_not(None))
                       .order_by(Agreement.renewal_date, Agreement.name_key)))
    out = []
    for uc in rows:  # by name, never its contract reference: the pack goes to the customer (bot.agreements.terms)
        notice = uc.renewal_date - timedelta(days=uc.notice_days) if uc.notice_days else None
        if notice is not None and start <= notice < end:
            out.append(f"{uc.name}: notice of {uc.notice_days} days due by {notice.isoformat()} "
                       f"(renews on {uc.renewal_date.isoformat()})")
        elif start <= uc.renewal_date < end:
            out.append(f"{uc.name} renews on {uc.renewal_date.isoformat()}")
    return out[:MAX_LINES], max(len(out) - MAX_LINES, 0)


def _sla_review(session: Session, agreement: Agreement, start: date, end: date) -> str | None:
    due = session.exec(select(SlaReview).where(SlaReview.agreement_id == agreement.id, SlaReview.outcome.is_(None),
                                               SlaReview.due_on < end).order_by(SlaReview.due_on)).first()
    if due is not None:
        late = " (overdue)" if due.due_on < start else ""
        return f"The SLA's periodic review is due on {due.due_on.isoformat()}{late}."
    last = sla_review.last_recorded(session, agreement.id)  # when it falls: the one rule (a term's end brings it on)
    due = sla_review.due_date(agreement, last.due_on if last else None)
    if due is not None and start <= due < end:
        return f"The SLA's yearly review falls in {MONTH_NAMES[due.month - 1]} {due.year}."
    return None


def _burning(session: Session, agreement: Agreement, targets: list[Measured], now: datetime) -> list[str]:
    """Targets whose budget burns now: a burn-rate alert, or a period goal past its warning level."""
    out = []
    for state in periods.period_states(session, agreement.team_id, now, targets):
        key = next(t.key for t in targets if t.target_id == state.target_id)
        if state.subject == Subject.BUDGET and state.level == Level.WARNING:
            out.append(f"{key}: {state.summary}")
        elif state.subject != Subject.BUDGET and state.level in (Level.WARNING, Level.BREACHED) and not state.ended:
            out.append(f"{key}: {state.summary}")
    return out[:MAX_LINES]


def label_of(start: date, end: date) -> str:
    """"Oct 2026", "Jul–Sep 2026", or "1 Oct – 14 Oct 2026" (the end is exclusive)."""
    last = end - timedelta(days=1)
    if start.day == 1 and end.day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month
        if months == 1:
            return f"{start:%b %Y}"
        if start.year == last.year:
            return f"{start:%b}–{last:%b %Y}"
        return f"{start:%b %Y}–{last:%b %Y}"
    return f"{start.day} {start:%b} – {last.day} {last:%b %Y}"


def preview(session: Session, agreement: Agreement, targets: list[Measured], period_start: date, period_end: date,
            now: datetime) -> Preview:
    start, end = next_period(period_start, period_end)
    label = label_of(start, end)
    renewals, renewals_more = _renewals(session, agreement, start, end)
    risks_q = (ReviewNote.team_id == agreement.team_id, ReviewNote.agreement_id == agreement.id,
               ReviewNote.kind == ReviewNoteKind.RISK.value, ReviewNote.closed_at.is_(None))
    risks = list(session.exec(select(ReviewNote.text).where(*risks_q).order_by(ReviewNote.id).limit(MAX_LINES)))
    risks_more = 0
    if len(risks) == MAX_LINES:
        risks_more = session.exec(select(func.count()).select_from(ReviewNote).where(*risks_q)).one() - MAX_LINES
    expiry = None
    if agreement.end_date < end:
        expiry = f"The SLA ends on {agreement.end_date.isoformat()}" + (
            "." if agreement.end_date >= start else " (already passed).")
    return Preview(label=label, renewals=renewals, renewals_more=renewals_more,
                   sla_review=_sla_review(session, agreement, start, end), expiry=expiry, risks=risks,
                   risks_more=risks_more, burning=_burning(session, agreement, targets, now))
