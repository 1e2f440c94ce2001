"""A review's reminders: every attendee's DM at each agreed offset, the review channel's notice, the pack the day
before, and at the review's time the planning of the next one. Each is a bot.reminders row, keyed
"review:<review id>:...", so moving or cancelling a review cancels them by that prefix (`cancel_review`).

A review planned at short notice (some offsets already past when it is scheduled): the offsets still ahead go at
their time; of those already past, only the nearest one goes, at once, so every attendee hears of the review as
soon as it exists, and once; the earlier ones are skipped. The channel's notice goes with the first attendee
reminder (at once, if that one is). A review already begun, or cancelled, schedules nothing but the planning of the
next review.

When a reminder falls due its handler here queues the message through the outbox, or finds it moot (the review was
cancelled or closed, or has begun; the attendee said they cannot come) and sends nothing.
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot import home_refresh, outbox, reminders
from bot.reviews import attendance
from bot.reviews.reminder_keys import (ATTENDEE, NEXT, NOTICE, PACK, attendee_key, key_prefix, next_key, notice_key,
                                       pack_key)
from bot.reviews.offsets import DAY, Offset, due_before, parse_offset, working_days
from models import Agreement, AgreementStatus, Reminder, Review, ReviewArrangement, ReviewStatus, RsvpAnswer

log = logging.getLogger(__name__)

REMINDER_TEMPLATE, NOTICE_TEMPLATE = attendance.REMINDER_TEMPLATE, attendance.NOTICE_TEMPLATE


def _offsets(arrangement: ReviewArrangement) -> list[Offset]:
    """The arrangement's offsets, each once; one that does not read is logged and left out (the arrangement's form
    refuses those, so this is an old row or a hand edit)."""
    read = set()
    for text in arrangement.reminder_offsets or []:
        try:
            read.add(parse_offset(text))
        except ValueError:
            log.warning("review arrangement %s: reminder offset %r does not read; left out", arrangement.id, text)
    return sorted(read, key=str)


def reminder_times(session: Session, review: Review, arrangement: ReviewArrangement,
                   now: datetime) -> list[tuple[Offset, datetime]]:
    """Which attendee reminders go, and when: the offsets still ahead at their time, and the nearest of those already
    past at `now` (the short-notice rule of this module's docstring); earliest first."""
    if review.scheduled_for <= now:
        return []
    zone = ZoneInfo(arrangement.timezone)
    is_working = working_days(session, session.get(Agreement, review.agreement_id))
    times = sorted(((o, due_before(review.scheduled_for, o, zone, is_working)) for o in _offsets(arrangement)),
                   key=lambda pair: pair[1])
    ahead = [(o, at) for o, at in times if at > now]
    past = [(o, now) for o, at in times if at <= now][-1:]
    return past + ahead


def schedule_review(session: Session, review: Review, arrangement: ReviewArrangement, now: datetime) -> None:
    """Schedule every reminder of this review (once: scheduling again adds nothing)."""
    team = review.team_id
    if review.status == ReviewStatus.SCHEDULED.value and review.scheduled_for > now:
        times = reminder_times(session, review, arrangement, now)
        for user_id in attendance.attendees(session, review, arrangement):
            for offset, at in times:
                reminders.schedule(session, team, attendee_key(review.id, user_id, offset), ATTENDEE, at, user_id,
                                   now, subject_id=review.id, context={"offset": str(offset)})
        the_day_before = max(now, due_before(review.scheduled_for, Offset(1, DAY), ZoneInfo(arrangement.timezone),
                                             lambda _day: True))
        reminders.schedule(session, team, notice_key(review.id), NOTICE, times[0][1] if times else the_day_before,
                           review.channel_id, now, subject_id=review.id)
        reminders.schedule(session, team, pack_key(review.id), PACK, the_day_before, review.channel_id, now,
                           subject_id=review.id)
        home_refresh.refresh(session, team, attendance.attendees(session, review, arrangement), now)
    reminders.schedule(session, team, next_key(review.id), NEXT, review.scheduled_for, review.channel_id, now,
                       subject_id=review.id, context={"arrangement_id": arrangement.id})


def cancel_review(session: Session, review: Review) -> int:
    """Cancel every reminder of this review still to go (it moved, or was called off)."""
    return reminders.cancel(session, review.team_id, key_prefix(review.id))


# An SLA in these has no more reviews: its reviews' reminders are moot, and none is planned after them (retired by
# any path, not only by its annual review's outcome; or expired at its end date).
ENDED = (AgreementStatus.EXPIRED.value, AgreementStatus.RETIRED.value)


def agreement_ended(session: Session, team_id: str, agreement_id: int) -> bool:
    """The SLA is gone (deleted), retired or expired: nothing more is reviewed."""
    agreement = session.get(Agreement, agreement_id)
    return agreement is None or agreement.team_id != team_id or agreement.status in ENDED


def _live_review(session: Session, reminder: Reminder, now: datetime) -> Review | None:
    """The review this reminder is for, while a reminder of it still means something."""
    review = session.get(Review, reminder.subject_id) if reminder.subject_id else None
    if review is None or review.team_id != reminder.team_id or review.status != ReviewStatus.SCHEDULED.value:
        return None
    if agreement_ended(session, review.team_id, review.agreement_id):
        return None
    return review if review.scheduled_for > now else None


@reminders.handles(ATTENDEE)
def _remind_attendee(session: Session, due: reminders.Due) -> bool:
    row = due.reminder
    review = _live_review(session, row, due.now)
    if review is None or attendance.answer_of(session, review.id, row.recipient) == RsvpAnswer.CANNOT.value:
        return False  # moot: nothing to remind of, or they already said they cannot come
    shown = attendance.reminder_context(session, review, row, due.now, late=due.late, due_at=row.due_at)
    outbox.enqueue(session, row.team_id, reminders.outbox_key(row), row.recipient, REMINDER_TEMPLATE,
                   {"ctx": shown}, due.now)
    return True


@reminders.handles(NOTICE)
def _notify_channel(session: Session, due: reminders.Due) -> bool:
    row = due.reminder
    review = _live_review(session, row, due.now)
    if review is None:
        return False
    # Taken as an RSVP takes it: an answer given while this notice is being queued is either in it, or updates it.
    attendance.lock_notice(session, row.id)
    shown = attendance.notice_context(session, review, due.now, late=due.late, due_at=row.due_at)
    outbox.enqueue(session, row.team_id, reminders.outbox_key(row), row.recipient, NOTICE_TEMPLATE,
                   {"ctx": shown}, due.now)
    return True


# ---- reaching a person of another organisation (Slack Connect, issue 16) ----------------------------------------
IN_CHANNEL = attendance.IN_CHANNEL


@outbox.on_refused("reminder:review:")
def _dm_refused(session: Session, held: outbox.Claim, error: str, now: datetime) -> None:
    """An attendee's DM that Slack refused goes to the review's channel instead, naming them, at once.

    Slack lets an app DM a person of another organisation only while they are in a channel together (conversations.
    open's `invalid_user_combination`: "All external people must already be in at least one channel together"; a
    post to their user id is then `channel_not_found`). A customer's own person is met in the Slack Connect channel
    the review is held in, so the DM is tried first (their reminder stays theirs, and their answer edits it); when
    Slack refuses it, the reminder is posted in that shared channel with a mention, which reaches them there (its
    buttons answer for them alone: attendance checks whose reminder it is). Once: the key makes it so."""
    if not held.channel.startswith(("U", "W")) or held.key.endswith(IN_CHANNEL) or held.kind != "message":
        return  # a channel's own post (the notice), an edit, or already the channel's copy
    parts = held.key.split(":")  # reminder:review:<id>:...
    review = session.get(Review, int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else None
    if review is None or review.team_id != held.team_id or not review.channel_id:
        return
    context = {**held.context, "ctx": {**held.context.get("ctx", {}), "for_user": held.channel}}
    outbox.enqueue(session, held.team_id, held.key + IN_CHANNEL, review.channel_id, held.template, context, now)
