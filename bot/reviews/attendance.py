"""Who comes to a review: the attendees, their answers to the reminder ("I'll attend" / "Can't attend"), snoozes,
and what the reminder and the channel's notice show.

An answer is a `ReviewRsvp` row (the last one counts; the same answer again changes nothing). Each change edits the
DM it was given on, and the channel's notice, in place, through the outbox: the notice's edits are numbered by a
count kept on the notice's reminder row, taken under a row lock, so two people answering at once make two edits,
each with both answers known to the later one.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import home_refresh, outbox, reminders, service_map
from bot.errors import DomainError, NotFound, PermissionDenied
from bot.reviews.reminder_keys import ATTENDEE, key_prefix, notice_key
from models import (Agreement, OutboxKind, Reminder, ReminderStatus, Review, ReviewArrangement, ReviewFormat,
                    ReviewRsvp, ReviewStatus, RsvpAnswer)

REMINDER_TEMPLATE, NOTICE_TEMPLATE = "review_reminder.yml.j2", "review_notice.yml.j2"
SNOOZES = ("hour", "day")


def arrangement_of(session: Session, review: Review) -> ReviewArrangement | None:
    return session.exec(select(ReviewArrangement).where(ReviewArrangement.agreement_id == review.agreement_id)).first()


def attendees(session: Session, review: Review, arrangement: ReviewArrangement | None) -> list[str]:
    """The people reminded: those named, then every contact of the parties named (the customer's, the groups' and
    the suppliers'), each once."""
    if arrangement is None:
        return []
    people = list(arrangement.attendee_user_ids or [])
    for party_id in arrangement.attendee_party_ids or []:
        for users in service_map.contacts_of(session, review.team_id, party_id).values():
            people.extend(users)
    return list(dict.fromkeys(people))


def answers(session: Session, review_id: int) -> dict[str, str]:
    rows = session.exec(select(ReviewRsvp).where(ReviewRsvp.review_id == review_id).order_by(ReviewRsvp.id))
    return {r.user_id: r.answer for r in rows}


def answer_of(session: Session, review_id: int, user_id: str) -> str | None:
    return answers(session, review_id).get(user_id)


# ---- what the messages show ----------------------------------------------------------------------------------------
def _moment(at: datetime | None, zone: str) -> dict | None:
    """A moment for a template: its epoch (Slack shows it in each reader's zone) and a fallback in the review's."""
    if at is None:
        return None
    local = at.astimezone(ZoneInfo(zone))
    return {"epoch": int(at.timestamp()), "text": local.strftime("%a %d %b %Y %H:%M ") + (local.tzname() or zone)}


def _agenda(agreement: Agreement, review: Review) -> tuple[str | None, bool]:
    """Where the agenda is: the review's thread once its pack is posted, else the SLA's own message."""
    if review.thread_ts and agreement.permalink and "/archives/" in agreement.permalink:
        site = agreement.permalink.split("/archives/")[0]
        return f"{site}/archives/{review.channel_id}/p{review.thread_ts.replace('.', '')}", True
    return agreement.permalink, False


def _review_context(session: Session, review: Review) -> dict:
    agreement = session.get(Agreement, review.agreement_id)
    arrangement = arrangement_of(session, review)
    zone = arrangement.timezone if arrangement else "UTC"
    link, in_thread = _agenda(agreement, review)
    return {"review_id": review.id, "agreement": agreement.name, "when": _moment(review.scheduled_for, zone),
            "format": ReviewFormat(review.format).label, "agenda": link, "agenda_is_thread": in_thread,
            "channel": review.channel_id}


def reminder_context(session: Session, review: Review, row: Reminder, now: datetime, *, late: bool = False,
                     due_at: datetime | None = None, revision: int | None = None,
                     snoozed_until: datetime | None = None) -> dict:
    """An attendee's DM: the review, their answer so far, and buttons that name this message (reminder, revision)."""
    shown = _review_context(session, review)
    arrangement = arrangement_of(session, review)
    zone = arrangement.timezone if arrangement else "UTC"
    return {**shown, "value": f"{row.id}:{revision or row.revision}", "late": late,
            "due": _moment(due_at, zone) if late else None, "answer": answer_of(session, review.id, row.recipient),
            "snoozed_until": _moment(snoozed_until, zone)}


def notice_context(session: Session, review: Review, now: datetime, *, late: bool = False,
                   due_at: datetime | None = None) -> dict:
    """The review channel's notice, with who answered what."""
    shown = _review_context(session, review)
    arrangement = arrangement_of(session, review)
    said = answers(session, review.id)
    invited = attendees(session, review, arrangement)
    everyone = invited + [u for u in said if u not in invited]
    return {**shown, "late": late, "due": _moment(due_at, arrangement.timezone if arrangement else "UTC") if late else None,
            "coming": [u for u in everyone if said.get(u) == RsvpAnswer.ATTEND.value],
            "cannot": [u for u in everyone if said.get(u) == RsvpAnswer.CANNOT.value],
            "unanswered": [u for u in everyone if u not in said]}


def lock_notice(session: Session, reminder_id: int) -> Reminder | None:
    """The notice's row, locked until this unit of work ends (PostgreSQL; SQLite's writers take turns anyway)."""
    return session.exec(select(Reminder).where(Reminder.id == reminder_id).with_for_update()
                        .execution_options(populate_existing=True)).first()


# ---- pressing the buttons ------------------------------------------------------------------------------------------
def _pressed(session: Session, team_id: str, user_id: str, value: str) -> tuple[Reminder, int, Review]:
    """The reminder a button names ("<reminder id>:<revision>"), if it is this person's, and its live review."""
    reminder_id, _, revision = (value or "").partition(":")
    row = session.get(Reminder, int(reminder_id)) if reminder_id.isdigit() else None
    if row is None or row.team_id != team_id or row.kind != ATTENDEE:
        raise NotFound("That reminder is gone.")
    if row.recipient != user_id:
        raise PermissionDenied("That reminder is someone else's.")
    review = session.get(Review, row.subject_id)
    if review is None or review.status == ReviewStatus.CANCELLED.value:
        raise DomainError("That review was called off.")
    if review.status == ReviewStatus.CLOSED.value:
        raise DomainError("That review is closed.")
    return row, int(revision) if revision.isdigit() else row.revision, review


# The key suffix of an attendee's reminder posted in the review's channel because Slack refused their DM (a person
# of another organisation the bot shares no channel with: bot/reviews/reminding.py `_dm_refused`).
IN_CHANNEL = ":in-channel"


def message_key(row: Reminder, revision: int) -> str:
    """The outbox key of the DM a reminder sent at that revision (bot.reminders.outbox_key, as it was then)."""
    return f"reminder:{row.key}:r{revision}"[:200]


def _edit_dm(session: Session, row: Reminder, revision: int, review: Review, now: datetime, *,
             snoozed_until: datetime | None = None) -> None:
    if snoozed_until is None and row.revision > revision and row.status == ReminderStatus.PENDING.value:
        snoozed_until = row.snoozed_until  # an answer on a snoozed message keeps saying when it comes back
    edits = int(row.context.get("edits", 0)) + 1
    row.context = {**row.context, "edits": edits}  # a new dict: the JSON column sees the change
    session.add(row)
    shown = reminder_context(session, review, row, now, revision=revision, snoozed_until=snoozed_until)
    parent = message_key(row, revision)
    outbox.enqueue(session, row.team_id, f"{parent}:edit{edits}", row.recipient, REMINDER_TEMPLATE, {"ctx": shown},
                   now, kind=OutboxKind.UPDATE, parent_key=parent)
    copy = outbox.get(session, row.team_id, parent + IN_CHANNEL)  # Slack refused the DM: the channel's copy is theirs
    if copy is not None:
        outbox.enqueue(session, row.team_id, f"{parent}{IN_CHANNEL}:edit{edits}", copy.channel, REMINDER_TEMPLATE,
                       {"ctx": {**shown, "for_user": row.recipient}}, now, kind=OutboxKind.UPDATE,
                       parent_key=parent + IN_CHANNEL)


def _edit_notice(session: Session, review: Review, now: datetime) -> None:
    """The channel's notice shows the answers: edited if it went out; one not yet sent will show them when it goes."""
    found = reminders.get(session, review.team_id, notice_key(review.id))
    row = lock_notice(session, found.id) if found is not None else None
    if row is None or row.status != ReminderStatus.SENT.value:
        return
    edits = int(row.context.get("edits", 0)) + 1
    row.context = {**row.context, "edits": edits}
    session.add(row)
    parent = reminders.outbox_key(row)
    outbox.enqueue(session, row.team_id, f"{parent}:edit{edits}", row.recipient, NOTICE_TEMPLATE,
                   {"ctx": notice_context(session, review, now)}, now, kind=OutboxKind.UPDATE, parent_key=parent)


def _rsvp(session: Session, review_id: int, user_id: str) -> ReviewRsvp | None:
    return session.exec(select(ReviewRsvp).where(ReviewRsvp.review_id == review_id, ReviewRsvp.user_id == user_id)
                        .with_for_update().execution_options(populate_existing=True)).first()


def answer(session: Session, team_id: str, user_id: str, value: str, said: RsvpAnswer, now: datetime) -> bool:
    """Record someone's answer from the reminder's button; True if it changed anything (the DM and the channel's
    notice are then edited through the outbox, under this review's key prefix)."""
    row, revision, review = _pressed(session, team_id, user_id, value)
    if review.scheduled_for <= now:
        raise DomainError("That review has already begun.")
    rsvp = _rsvp(session, review.id, user_id)
    if rsvp is None:  # the first answer; a double click's other half may be inserting it too
        try:
            with session.begin_nested():
                session.add(ReviewRsvp(team_id=team_id, review_id=review.id, user_id=user_id, answer=said.value,
                                       answered_at=now))
        except IntegrityError:  # theirs is in: this press is a change of answer, or the same answer again
            rsvp = _rsvp(session, review.id, user_id)
    if rsvp is not None:
        if rsvp.answer == said.value:
            return False
        rsvp.answer, rsvp.answered_at = said.value, now
        session.add(rsvp)
        session.flush()
    _edit_dm(session, row, revision, review, now)
    _edit_notice(session, review, now)
    home_refresh.refresh(session, team_id, [user_id], now)
    return True


def snooze(session: Session, team_id: str, user_id: str, value: str, how: str, now: datetime) -> datetime:
    """Send this reminder again in an hour, or tomorrow at this time (in the review's zone); returns when. The same
    message's button pressed again changes nothing: the reminder has moved on to its next revision."""
    row, revision, review = _pressed(session, team_id, user_id, value)
    if row.revision != revision or row.status == ReminderStatus.PENDING.value:
        return row.due_at  # snoozed from this message already
    if how == "hour":
        until = now + timedelta(hours=1)
    else:
        arrangement = arrangement_of(session, review)
        zone = ZoneInfo(arrangement.timezone if arrangement else "UTC")
        local = now.astimezone(zone)
        until = (local.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone).astimezone(now.tzinfo)
    if not reminders.snooze(session, row, until):
        raise DomainError("That reminder was called off.")
    _edit_dm(session, row, revision, review, now, snoozed_until=until)
    return until


def delivery_prefix(review_id: int) -> str:
    """The outbox keys of a review's reminders and their edits: what a button's listener sends at once."""
    return f"reminder:{key_prefix(review_id)}"
