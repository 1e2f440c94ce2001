"""The periodic review of an SLA itself (competency 6.5): once a financial year, is it still current and relevant?

When it is due: on the 1st of the SLA's own `review_month`, in the workspace's time zone. The drafters choose that
month; a new SLA's default is the month before the financial year starts (workspace setting
`financial_year_start`, read by bot.workspace.settings.default_review_month), so the SLA that comes out of the
review is in force for the whole new year. The first review is the first 1st of that month after the term starts,
each next one the first after the review before it; a term that ends first brings it forward to the 1st of the
month the term ends in, while there is still time to renegotiate.

Who is reminded: the service managers (the workspace admins where none is granted) and the customer's approvers,
weekly from the `sla_review_notice` setting (default 4 weeks) before the due date, until the review is recorded
(continue unchanged, renegotiate, or retire), overdue included. Each week is a bot.reminders row keyed
"sla_review:<agreement id>:<due date>:week:<n>"; sending one schedules the next, so there is one pending row per
SLA at a time.

Planning costs nothing per minute: an SLA's review is planned when it is agreed (`plan`, called by the listener
that records the agreement, in the same unit of work), and the daily job "sla_review.backstop"
(`backstop_candidates`) plans only what that missed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import agreements, audit, outbox, parsing, reminders, service_map
from bot.errors import Command, DomainError, InvalidInput, NotFound, Person, PermissionDenied
from bot.workspace import settings as workspace_settings
from bot.workspace.actor import Actor
from bot.workspace.permissions import SERVICE_MANAGER, Capability, can, sides
from models import (Agreement, AgreementKind, AgreementStatus, ContactRole, Member, Review, ReviewStatus,
                    RoleGrant, SlaReview, SlaReviewOutcome)

KIND = "sla_review"
REMIND_AT = time(9, 0)  # local time of each weekly reminder: the start of a working day
RECIPIENT = "managers+approvers"  # the row's recipient: the people are read when it is sent (roles change in a year)
IN_FORCE = (AgreementStatus.AGREED.value, AgreementStatus.ACTIVE.value)  # a renegotiated one stays so
OUTCOME_LABELS = {SlaReviewOutcome.CONTINUE: "continue unchanged", SlaReviewOutcome.RENEGOTIATE: "renegotiate",
                  SlaReviewOutcome.RETIRE: "retire"}


# ---- when -------------------------------------------------------------------------------------------
def _first_of_month_after(month: int, after: date) -> date:
    candidate = date(after.year, month, 1)
    return candidate if candidate > after else date(after.year + 1, month, 1)


def due_date(agreement: Agreement, after: date | None) -> date | None:
    """The review due after `after` (the last recorded review's due date), or the first one of the term; None when
    the term ends before another review could fall in it."""
    start = after or agreement.start_date
    due = _first_of_month_after(agreement.review_month, start)
    if due > agreement.end_date:  # the term ends first: review it while it can still be renegotiated
        due = agreement.end_date.replace(day=1)
    return due if due > start else None


def notice(session: Session, team_id: str) -> timedelta:
    # the setting is stored canonical ("4w"): whole days (bot.workspace.settings refuses anything else)
    return timedelta(minutes=parsing.parse_duration(workspace_settings.get(session, team_id, "sla_review_notice")).minutes)


def _local(day: date, tz: str) -> datetime:
    return datetime.combine(day, REMIND_AT, tzinfo=ZoneInfo(tz))


def week_time(review: SlaReview, window: timedelta, n: int, tz: str) -> datetime:
    """When week n's reminder goes: 09:00 local on the day the notice opens, and each week after (across a change
    of clocks too: the local time is kept, not the UTC one)."""
    return _local(review.due_on - window + timedelta(weeks=n), tz)


def _week_due_now(review: SlaReview, window: timedelta, now: datetime, tz: str) -> int:
    """The first week whose reminder time has not passed yet (a bot down for weeks sends one late, not each)."""
    opened = week_time(review, window, 0, tz)
    if now < opened:
        return 0
    n = (now - opened) // timedelta(weeks=1)
    return n if week_time(review, window, n, tz) >= now else n + 1


def key_prefix(review: SlaReview) -> str:
    return f"{KIND}:{review.agreement_id}:{review.due_on.isoformat()}:"


# ---- planning ---------------------------------------------------------------------------------------
def in_force(agreement: Agreement) -> bool:
    return (agreement.kind == AgreementKind.SLA.value and agreement.agreed_version is not None
            and agreement.status in IN_FORCE)


def open_review(session: Session, agreement_id: int) -> SlaReview | None:
    return session.exec(select(SlaReview).where(SlaReview.agreement_id == agreement_id, SlaReview.outcome.is_(None))
                        .order_by(SlaReview.due_on)).first()


def last_recorded(session: Session, agreement_id: int) -> SlaReview | None:
    return session.exec(select(SlaReview).where(SlaReview.agreement_id == agreement_id,
                                                SlaReview.outcome.is_not(None))
                        .order_by(SlaReview.due_on.desc())).first()


def plan(session: Session, agreement: Agreement, now: datetime, tz: str) -> SlaReview | None:
    """The SLA's next review and its next weekly reminder, once. A review whose date moved (a new term or review
    month) is planned again and its reminders cancelled; an SLA no longer in force has none."""
    current = open_review(session, agreement.id)
    if not in_force(agreement):  # retired or expired: what was only planned goes
        if current is not None:
            reminders.cancel(session, agreement.team_id, key_prefix(current))
            session.delete(current)
        return None
    last = last_recorded(session, agreement.id)
    wanted = due_date(agreement, last.due_on if last else None)
    if current is not None and current.due_on != wanted:
        reminders.cancel(session, agreement.team_id, key_prefix(current))
        session.delete(current)
        session.flush()
        current = None
    if wanted is None:
        return None
    if current is None:
        current = SlaReview(team_id=agreement.team_id, agreement_id=agreement.id, due_on=wanted, created_at=now)
        try:
            with session.begin_nested():
                session.add(current)
        except IntegrityError:  # planned at the same moment elsewhere (the backstop and an agreement): theirs
            current = open_review(session, agreement.id)
            if current is None or current.due_on != wanted:
                raise
    if not any(True for _ in reminders.pending(session, agreement.team_id, key_prefix(current))):
        window = notice(session, agreement.team_id)
        # Inside the notice already: this week's reminder goes now, unless it went (then next week's is the one).
        n = max(0, (now - week_time(current, window, 0, tz)) // timedelta(weeks=1))
        if reminders.get(session, agreement.team_id, f"{key_prefix(current)}week:{n}") is not None:
            n += 1
        schedule_week(session, current, n, window, now, tz)
    return current


def schedule_week(session: Session, review: SlaReview, n: int, window: timedelta, now: datetime, tz: str):
    due_at = max(week_time(review, window, n, tz), now)
    return reminders.schedule(session, review.team_id, f"{key_prefix(review)}week:{n}", KIND, due_at, RECIPIENT,
                              now, subject_id=review.id, context={"week": n, "tz": tz})


def backstop_candidates(session: Session, today: date) -> list[tuple[str, int]]:
    """What the daily backstop plans: (team, agreement id) of each SLA an agreement event left unplanned (a replica
    down as it was agreed, an SLA agreed before reviews existed), or whose notice opens within the week and which
    lost its pending reminder.

    Cheap, and once a day, not each minute: the first query is an anti-join on sla_review's agreement index that
    returns nothing when every agreement was planned as it happened (only SLAs whose term ends before another
    review come back, each day, to be found with none due); the second reads the open reviews due within the
    longest notice the setting allows (one row per SLA at most), and asks about reminders only for those whose
    notice opens within a week."""
    missing = session.exec(select(Agreement.team_id, Agreement.id).where(
        Agreement.kind == AgreementKind.SLA.value, Agreement.status.in_(IN_FORCE), Agreement.agreed_version.is_not(None),
        ~exists().where(SlaReview.agreement_id == Agreement.id, SlaReview.outcome.is_(None)))).all()
    horizon = today + timedelta(weeks=26 + 1)
    soon = session.exec(select(SlaReview).where(SlaReview.outcome.is_(None), SlaReview.due_on <= horizon)).all()
    out = [(team_id, agreement_id) for team_id, agreement_id in missing]
    notices: dict[str, timedelta] = {}
    for review in soon:
        window = notices.get(review.team_id) or notices.setdefault(review.team_id, notice(session, review.team_id))
        if review.due_on - window > today + timedelta(weeks=1):
            continue  # its first reminder is scheduled already; a later day's run looks again
        if not any(True for _ in reminders.pending(session, review.team_id, key_prefix(review))):
            out.append((review.team_id, review.agreement_id))
    return out


def plan_by_id(session: Session, team_id: str, agreement_id: int, now: datetime, tz: str) -> SlaReview | None:
    return plan(session, agreements.get(session, team_id, agreement_id), now, tz)


# ---- reminding --------------------------------------------------------------------------------------
def recipients(session: Session, agreement: Agreement) -> list[str]:
    """The service managers (the workspace admins while none is granted) and the customer's approvers."""
    managers = list(session.exec(select(RoleGrant.user_id).where(RoleGrant.team_id == agreement.team_id,
                                                                 RoleGrant.role == SERVICE_MANAGER)
                                 .order_by(RoleGrant.user_id)))
    if not managers:
        managers = list(session.exec(select(Member.user_id).where(Member.team_id == agreement.team_id,
                                                                  Member.is_admin == True)  # noqa: E712
                                     .order_by(Member.user_id))) or [agreement.created_by]
    approvers = service_map.contacts_of(session, agreement.team_id, agreement.counterparty_id)[ContactRole.APPROVER]
    return list(dict.fromkeys(managers + approvers))


def reminder_context(session: Session, agreement: Agreement, review: SlaReview, today: date) -> dict:
    party = service_map.get_party(session, agreement.team_id, agreement.counterparty_id)
    return {"name": agreement.name, "customer": party.name, "review_id": review.id, "due_on": review.due_on.isoformat(),
            "days_left": (review.due_on - today).days, "term_end": agreement.end_date.isoformat(),
            "version": agreement.agreed_version, "permalink": agreement.permalink}


@reminders.handles(KIND)
def send(session: Session, due: reminders.Due) -> bool:
    """One week's reminder, to each of the people; then the next week's is scheduled. Moot once recorded."""
    row = due.reminder
    review = session.get(SlaReview, row.subject_id) if row.subject_id else None
    review = review if review is not None and review.team_id == row.team_id else None  # the row's team's only
    agreement = session.get(Agreement, review.agreement_id) if review else None
    if review is None or review.outcome is not None or agreement is None or not in_force(agreement):
        return False
    tz = row.context.get("tz", "UTC")
    context = reminder_context(session, agreement, review, due.now.astimezone(ZoneInfo(tz)).date())
    context.update(late=due.late, due_at=row.due_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M"))
    for user_id in recipients(session, agreement):
        outbox.enqueue(session, row.team_id, f"{reminders.outbox_key(row)}:{user_id}", user_id,
                       "sla_review_reminder.yml.j2", context, due.now)
    window = notice(session, row.team_id)
    schedule_week(session, review, max(row.context.get("week", 0) + 1, _week_due_now(review, window, due.now, tz)),
                  window, due.now, tz)
    return True


# ---- recording the outcome --------------------------------------------------------------------------
@dataclass
class Recorded:
    review: SlaReview
    agreement: Agreement
    thread_key: str | None  # the outbox key of the note in the SLA's thread, when it has one
    next_due: date | None


def get_review(session: Session, team_id: str, review_id: int) -> SlaReview:
    review = session.get(SlaReview, review_id)
    if review is None or review.team_id != team_id:
        raise NotFound("That SLA review is no longer planned: its date moved. Look it up again with ",
                       Command("review", "sla", "<SLA>"), ".")
    return review


def may_record(session: Session, actor: Actor, agreement: Agreement) -> None:
    """Those who may agree to the SLA record its annual review: the table's "agree" sides (AGREEMENT_SIDES)."""
    if sides(actor, "agree", agreements.counterparty_roles(session, actor, agreement)):
        return
    raise PermissionDenied(f"Only a service manager or an approver of {agreement.name}'s customer can record its "
                           "annual review.")


def already(review: SlaReview) -> DomainError:
    label = OUTCOME_LABELS[SlaReviewOutcome(review.outcome)]
    return DomainError(f"The review due {review.due_on.isoformat()} was recorded already: {label}, by ",
                       Person(review.recorded_by), f" on {review.recorded_at.date().isoformat()}.")


def _may_retire(actor: Actor, chosen: SlaReviewOutcome) -> None:
    if chosen is SlaReviewOutcome.RETIRE and not can(actor, Capability.DRAFT_AGREEMENT):
        raise PermissionDenied("Only a service manager can retire an SLA. Choose renegotiate, or ask one of them.")


def check(session: Session, actor: Actor, review_id: int, chosen: SlaReviewOutcome) -> tuple[SlaReview, Agreement]:
    """Before the form opens: the review is still to record, and this person may record this outcome."""
    review = get_review(session, actor.team_id, review_id)
    agreement = agreements.get(session, actor.team_id, review.agreement_id)
    may_record(session, actor, agreement)
    if review.outcome is not None:
        raise already(review)
    _may_retire(actor, chosen)
    return review, agreement


def record(session: Session, actor: Actor, review_id: int, outcome: str, note: str) -> Recorded:
    """Record the review's outcome, once; cancel its reminders; renegotiate or retire; plan next year's."""
    try:
        chosen = SlaReviewOutcome(outcome)
    except ValueError:
        raise InvalidInput({"outcome": "Choose continue unchanged, renegotiate or retire."}) from None
    note = (note or "").strip()
    if chosen is not SlaReviewOutcome.CONTINUE and not note:
        done = "renegotiated" if chosen is SlaReviewOutcome.RENEGOTIATE else "retired"
        raise InvalidInput({"note": f"Say why the SLA should be {done}."})
    if len(note) > 2000:
        raise InvalidInput({"note": "Keep the reason under 2,000 characters."})
    _may_retire(actor, chosen)
    review = get_review(session, actor.team_id, review_id)
    agreement = agreements.lock(session, agreements.get(session, actor.team_id, review.agreement_id))
    may_record(session, actor, agreement)
    session.refresh(review)  # read afresh under the agreement's lock: a second press waits, then sees the first
    if review.outcome is not None:
        raise already(review)
    if chosen is SlaReviewOutcome.RETIRE:
        agreements.retire(session, actor, agreement)  # its own rule: a service manager retires
        _cancel_meetings(session, agreement)
    review.outcome, review.recorded_by, review.recorded_at, review.note = chosen.value, actor.user_id, actor.at(), note
    if chosen is SlaReviewOutcome.RENEGOTIATE:
        review.new_version = agreement.latest_version + 1  # the version the next proposal in its thread opens
    session.add(review)
    reminders.cancel(session, actor.team_id, key_prefix(review))
    audit.record(session, actor, "sla_review.record", "agreement", agreement.id, due_on=review.due_on.isoformat(),
                 outcome=chosen.value, note=note,
                 after=audit.snapshot(review, "outcome", "recorded_by", "recorded_at", "note", "new_version"))
    session.flush()
    following = plan(session, agreement, actor.at(), actor.org_tz)
    thread_key = None
    if agreement.channel_id and agreement.thread_ts:
        thread_key = f"{KIND}:{review.id}:outcome"
        outbox.enqueue(session, actor.team_id, thread_key, agreement.channel_id, "sla_review_outcome.yml.j2",
                       {"name": agreement.name, "agreement_id": agreement.id, "outcome": chosen.value,
                        "label": OUTCOME_LABELS[chosen], "user": actor.user_id, "note": note,
                        "due_on": review.due_on.isoformat(), "version": review.new_version,
                        "next_due": following.due_on.isoformat() if following else None},
                       actor.at(), thread_ts=agreement.thread_ts)
    return Recorded(review, agreement, thread_key, following.due_on if following else None)


def _cancel_meetings(session: Session, agreement: Agreement) -> None:
    """A retired SLA has no more review meetings: those still ahead, and their reminders, are cancelled."""
    ahead = session.exec(select(Review).where(Review.agreement_id == agreement.id,
                                              Review.status == ReviewStatus.SCHEDULED.value)).all()
    for meeting in ahead:
        reminders.cancel(session, agreement.team_id, f"review:{meeting.id}:")
        meeting.status = ReviewStatus.CANCELLED.value
        session.add(meeting)


# ---- where the SLA is shown ---------------------------------------------------------------------------
def status_line(session: Session, agreement: Agreement) -> str | None:
    """"Review due 2027-02-01", or "Reviewed 2026-01-20: continue unchanged" with the next one's due date; None
    when nothing is planned or recorded (not an SLA, or not agreed yet)."""
    if agreement.kind != AgreementKind.SLA.value:
        return None
    current = open_review(session, agreement.id) if in_force(agreement) else None
    return _line(last_recorded(session, agreement.id), current)


def status_lines(session: Session, rows: list[Agreement]) -> dict[int, str | None]:
    """`status_line` of each agreement of a page, in two queries whatever the page's length."""
    ids = [a.id for a in rows if a.kind == AgreementKind.SLA.value]
    if not ids:
        return {a.id: None for a in rows}
    last: dict[int, SlaReview] = {}
    for r in session.exec(select(SlaReview).where(SlaReview.agreement_id.in_(ids), SlaReview.outcome.is_not(None))
                          .order_by(SlaReview.due_on.desc())):
        last.setdefault(r.agreement_id, r)
    current: dict[int, SlaReview] = {}
    for r in session.exec(select(SlaReview).where(SlaReview.agreement_id.in_(ids), SlaReview.outcome.is_(None))
                          .order_by(SlaReview.due_on)):
        current.setdefault(r.agreement_id, r)
    return {a.id: _line(last.get(a.id), current.get(a.id) if in_force(a) else None) if a.id in ids else None
            for a in rows}


def _line(last: SlaReview | None, current: SlaReview | None) -> str | None:
    if last is not None:
        text = f"Reviewed {last.recorded_at.date().isoformat()}: {OUTCOME_LABELS[SlaReviewOutcome(last.outcome)]}"
        return text + (f"; next review due {current.due_on.isoformat()}" if current else "")
    return f"Review due {current.due_on.isoformat()}" if current else None
