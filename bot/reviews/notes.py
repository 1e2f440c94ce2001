"""What a review's thread records: decisions and remedial actions taken from its messages, and the known risks a
service manager enters for the next pack.

Who may record from the thread: the people the review is for (the arrangement's attendees, the contacts of the
support parties that attend, and whoever answered its reminder with "I'll attend") and the service managers
(ARRANGE_REVIEWS). A review is a meeting of those people; what they decided is theirs to write down, and anyone
else in the channel is watching, not deciding. Workspace admins are not added: being an admin of Slack says
nothing about the service.

A note is unique by its message and kind: the same message recorded twice as a decision is one decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import actions, agreements, audit, paging, service_map
from bot.breaches import routing  # a target's promise in words, said as breach alerts say it
from bot.paging import Page
from bot.errors import Command, DomainError, InvalidInput, NotFound, Person, PermissionDenied
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can, require
from models import (Action, ActionKind, ActionOrigin, Agreement, AgreementKind, PartyKind, Review, ReviewArrangement,
                    ReviewNote, ReviewNoteKind, ReviewRsvp, ReviewStatus, RsvpAnswer, Target)

NOTE_TEXT_LIMIT = 3000
NOT_A_REVIEW_THREAD = ("“Record in the review” works on the messages of a review's thread: the review pack the bot "
                       "posts in the review channel, and the replies under it. This message is not in one.")
NOT_A_PARTICIPANT = ("Only the review's attendees and the service managers record its decisions and actions. "
                     "Ask one of them, or a service manager, to add you to the review's attendees.")


@dataclass(frozen=True)
class Recorded:
    note: ReviewNote
    created: bool          # False: this message was already recorded as this kind, and nothing changed
    action: Action | None  # the remedial action, for kind action


# ---- finding the review a message belongs to -------------------------------------------------------------------

def review_of_message(session: Session, team_id: str, channel_id: str | None, message_ts: str | None,
                      thread_ts: str | None) -> Review | None:
    """The review whose thread this message is in (a reply), or whose pack it is (the thread's parent)."""
    if not channel_id or not message_ts:
        return None
    parents = {ts for ts in (thread_ts, message_ts) if ts}
    return session.exec(select(Review).where(Review.team_id == team_id, Review.channel_id == channel_id,
                                             Review.thread_ts.in_(parents)).order_by(Review.id.desc())).first()


def get_review(session: Session, team_id: str, review_id: int, *, lock: bool = False) -> Review:
    q = select(Review).where(Review.team_id == team_id, Review.id == review_id)
    row = session.exec(q.with_for_update() if lock else q).first()
    if row is None:
        raise NotFound("That review is not there any more.")
    return row


def arrangement_of(session: Session, review: Review) -> ReviewArrangement | None:
    return session.exec(select(ReviewArrangement).where(ReviewArrangement.agreement_id == review.agreement_id)).first()


def participants(session: Session, review: Review) -> set[str]:
    """The people the review is for: attendees named, the attending parties' contacts, and who said they'd come."""
    people: set[str] = set()
    arrangement = arrangement_of(session, review)
    if arrangement is not None:
        people.update(arrangement.attendee_user_ids)
        for party_id in arrangement.attendee_party_ids:
            for users in service_map.contacts_of(session, review.team_id, party_id).values():
                people.update(users)
    people.update(session.exec(select(ReviewRsvp.user_id).where(ReviewRsvp.review_id == review.id,
                                                                ReviewRsvp.answer == RsvpAnswer.ATTEND.value)))
    return people


def may_record(session: Session, actor: Actor, review: Review) -> bool:
    return can(actor, Capability.ARRANGE_REVIEWS) or actor.user_id in participants(session, review)


def require_open(review: Review) -> None:
    if review.status == ReviewStatus.CLOSED.value:
        when = review.closed_at.date().isoformat() if review.closed_at else "earlier"
        raise DomainError("This review was closed by ", Person(review.closed_by or "?"), f" on {when}: its minutes "
                          "are posted, and nothing more can be recorded in it. Record it in the next review.")
    if review.status == ReviewStatus.CANCELLED.value:
        raise DomainError("This review was cancelled (its arrangement changed), so nothing can be recorded in it.")


def require_may_record(session: Session, actor: Actor, review: Review) -> None:
    if not may_record(session, actor, review):
        raise PermissionDenied(NOT_A_PARTICIPANT)


# ---- what the form offers ----------------------------------------------------------------------------------------

def improvable_targets(session: Session, review: Review) -> list[tuple[int, str]]:
    """The SLA's targets, as (id, "T1 P1 resolution within 4h")."""
    agreement = session.get(Agreement, review.agreement_id)
    return [(t.id, f"{t.key} {routing.promise(t)}") for t in agreements.targets_of(session, agreement)]


def owner_parties(session: Session, team_id: str) -> list[tuple[int, str]]:
    return [(p.id, p.name) for kind in (PartyKind.SUPPORT_GROUP, PartyKind.SUPPLIER)
            for p in service_map.list_parties(session, team_id, kind)]


def existing(session: Session, review: Review, message_ts: str) -> list[ReviewNote]:
    return list(session.exec(select(ReviewNote).where(ReviewNote.team_id == review.team_id,
                                                      ReviewNote.agreement_id == review.agreement_id,
                                                      ReviewNote.message_ts == message_ts)
                             .order_by(ReviewNote.id)))


# ---- recording ---------------------------------------------------------------------------------------------------

def _clean(text: str | None) -> str:
    return (text or "").strip()[:NOTE_TEXT_LIMIT]


def record_note(session: Session, actor: Actor, review_id: int, *, kind: str | None, message_ts: str, text: str | None,
                owner_user_id: str | None = None, owner_party_id: int | None = None, due: date | None = None,
                target_id: int | None = None) -> Recorded:
    """A thread message recorded as a decision, or turned into a remedial action (once per message and kind)."""
    review = get_review(session, actor.team_id, review_id, lock=True)
    require_may_record(session, actor, review)
    require_open(review)
    if kind not in (ReviewNoteKind.DECISION.value, ReviewNoteKind.ACTION.value):
        raise InvalidInput({"kind": "Choose whether this is a decision or a remedial action."})
    words = _clean(text)
    if not words:
        raise InvalidInput({"text": "Say what was decided or what is to be done."})
    same = _note(session, review, kind, message_ts)
    if same is not None:
        return Recorded(same, False, session.get(Action, same.action_id) if same.action_id else None)
    action = None
    if kind == ReviewNoteKind.ACTION.value:
        allowed = {tid for tid, _label in improvable_targets(session, review)}
        if not allowed:  # the form shows no target to choose, and says so
            raise InvalidInput({"kind": "This SLA has no targets yet, so a remedial action would have none to "
                                        "improve: record this as a decision."})
        if target_id not in allowed:
            raise InvalidInput({"target": "Choose the SLA target this action should improve."})
        action = actions.add_action(session, actor, kind=ActionKind.REMEDIAL, title=words,
                                    owner_party_id=owner_party_id, owner_user_id=owner_user_id, due=due, agreement_id=review.agreement_id,
                                    target_id=target_id, permitted=True,
                                    detail=f"From the service review of {review.scheduled_for.date().isoformat()}",
                                    origin=ActionOrigin.REVIEW)
    note = ReviewNote(team_id=actor.team_id, agreement_id=review.agreement_id, review_id=review.id, kind=kind,
                      text=words, message_ts=message_ts, action_id=action.id if action else None,
                      created_at=actor.at(), created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(note)
    except IntegrityError:  # recorded at the same moment by someone else: theirs stands (and our action goes)
        if action is not None:  # its action.add is in the trail already (appended when it was made): say it went
            session.delete(action)
            audit.record(session, actor, "action.remove", "action", action.id, number=action.number,
                         reason="the message was recorded at the same moment by someone else")
        same = _note(session, review, kind, message_ts)
        return Recorded(same, False, session.get(Action, same.action_id) if same.action_id else None)
    if action is not None:
        action.origin_id = note.id  # its record links back to the thread message, through the note
        agreement = session.get(Agreement, review.agreement_id)
        action.origin_link = actions.message_link(agreement.permalink if agreement else None, review.channel_id,
                                                  message_ts)
        session.add(action)
    audit.record(session, actor, f"review.{kind}", "review_note", note.id, review=review.id,
                 action_number=action.number if action else None, after=audit.snapshot(note))
    return Recorded(note, True, action)


def _note(session: Session, review: Review, kind: str, message_ts: str) -> ReviewNote | None:
    return session.exec(select(ReviewNote).where(ReviewNote.team_id == review.team_id,
                                                 ReviewNote.agreement_id == review.agreement_id,
                                                 ReviewNote.kind == kind, ReviewNote.message_ts == message_ts)).first()


def notes_of(session: Session, review: Review) -> list[ReviewNote]:
    """The review's decisions and actions, in the order they were recorded."""
    return list(session.exec(select(ReviewNote).where(ReviewNote.review_id == review.id,
                                                      ReviewNote.kind.in_([ReviewNoteKind.DECISION.value,
                                                                           ReviewNoteKind.ACTION.value]))
                             .order_by(ReviewNote.id)))


def note_key_prefix(review_id: int) -> str:
    """The outbox keys of what the bot says in this review's thread (confirmations, minutes)."""
    return f"review-thread:{review_id}:"


def note_key(note: ReviewNote) -> str:
    return f"{note_key_prefix(note.review_id)}note:{note.id}"


# ---- risks: known for the coming period, kept by the service managers ---------------------------------------------

def sla(session: Session, team_id: str, name: str) -> Agreement:
    return agreements.by_name(session, team_id, name, AgreementKind.SLA)


def add_risk(session: Session, actor: Actor, agreement: Agreement, text: str | None) -> ReviewNote:
    require(actor, Capability.ARRANGE_REVIEWS)
    words = " ".join((text or "").split())[:NOTE_TEXT_LIMIT]
    if not words:
        raise InvalidInput({"text": "Say what the risk is."})
    note = ReviewNote(team_id=actor.team_id, agreement_id=agreement.id, kind=ReviewNoteKind.RISK.value, text=words,
                      created_at=actor.at(), created_by=actor.user_id)
    session.add(note)
    session.flush()
    audit.record(session, actor, "review.risk", "review_note", note.id, agreement=agreement.id,
                 after=audit.snapshot(note))
    return note


def open_risks(session: Session, team_id: str, agreement_id: int) -> list[ReviewNote]:
    """The known risks for the SLA's next pack: entered, and not closed."""
    return list(session.exec(select(ReviewNote).where(ReviewNote.team_id == team_id,
                                                      ReviewNote.agreement_id == agreement_id,
                                                      ReviewNote.kind == ReviewNoteKind.RISK.value,
                                                      ReviewNote.closed_at.is_(None)).order_by(ReviewNote.id)))


def open_risks_page(session: Session, team_id: str, agreement_id: int, offset: int, size: int) -> Page:
    """A page of `open_risks`, and how many there are."""
    return paging.read(session, select(ReviewNote).where(ReviewNote.team_id == team_id,
                                                         ReviewNote.agreement_id == agreement_id,
                                                         ReviewNote.kind == ReviewNoteKind.RISK.value,
                                                         ReviewNote.closed_at.is_(None)).order_by(ReviewNote.id),
                       offset, size)


def close_risk(session: Session, actor: Actor, note_id: int) -> tuple[ReviewNote, bool]:
    """The risk is no longer expected; (the risk, whether this call closed it: a second press changes nothing)."""
    require(actor, Capability.ARRANGE_REVIEWS)
    note = session.exec(select(ReviewNote).where(ReviewNote.team_id == actor.team_id, ReviewNote.id == note_id,
                                                 ReviewNote.kind == ReviewNoteKind.RISK.value)
                        .with_for_update()).first()
    if note is None:
        raise NotFound("That is not a known risk of this workspace; ", Command("review", "risks", "<SLA>"),
                       " lists them.")
    if note.closed_at is not None:
        return note, False
    note.closed_at = actor.at()
    session.add(note)
    audit.record(session, actor, "review.risk_closed", "review_note", note.id, before={"closed_at": None},
                 after={"closed_at": note.closed_at})
    return note, True


def target_label(session: Session, target_id: int | None) -> str | None:
    target = session.get(Target, target_id) if target_id else None
    return f"{target.key} {routing.promise(target)}" if target else None


__all__ = ["Recorded", "NOT_A_REVIEW_THREAD", "review_of_message", "get_review", "participants", "may_record",
           "require_open", "require_may_record", "improvable_targets", "owner_parties", "existing", "record_note",
           "notes_of", "note_key", "note_key_prefix", "sla", "add_risk", "open_risks", "close_risk", "target_label"]
