"""Closing a review: who attended, what was decided and done, and the minutes as a Markdown document.

Only service managers (ARRANGE_REVIEWS) close a review, once: the minutes are the record of the meeting, and a
second close (a double submit, or two people at once) changes nothing and says who closed it.

The minutes are rendered from `messages/documents/review_minutes.md.j2`, which an organisation replaces by putting
its own `review_minutes.md.j2` in its TEMPLATES_DIR (as it does the SLA's template). Everything a person typed is
Markdown-escaped on the way out (the template's values cannot make headings, links or tables); a broken
organisation template is said so, and the built-in one used for that review.
"""
from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import BaseLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlmodel import Session, select

from bot import audit, satisfaction
from bot.errors import DomainError, NotFound, Person
from bot.reviews import notes
from bot.reviews.pack_preview import label_of
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import (Action, Agreement, Member, Party, Review, ReviewFormat, ReviewNoteKind, ReviewRsvp, ReviewStatus,
                    RsvpAnswer)

SHIPPED = Path(__file__).resolve().parents[2] / "messages" / "documents" / "review_minutes.md.j2"
ORGANISATION_FILE = "review_minutes.md.j2"
SHOWN_IN_FORM = 10  # decisions and actions listed in the close form; the rest are "and N more"


class AlreadyClosed(DomainError):
    """A second close: nothing changed."""


@dataclass(frozen=True)
class Closed:
    review: Review
    agreement_name: str
    minutes: str           # the Markdown document
    filename: str
    title: str
    attended: list[str]    # user ids
    when: str              # the review's time, in the arrangement's zone
    closed_on: str         # when it was closed, in the same zone
    decisions: int
    actions: int
    warning: str | None    # the organisation's template was broken: the built-in one was used


# ---- which review, and what the form shows ----------------------------------------------------------------------

def open_review(session: Session, team_id: str, agreement: Agreement, now: datetime) -> Review:
    """The SLA's review still open for closing: the latest one that has begun, else the next one with a pack."""
    rows = list(session.exec(select(Review).where(Review.team_id == team_id, Review.agreement_id == agreement.id,
                                                  Review.status == ReviewStatus.SCHEDULED.value)
                             .order_by(Review.scheduled_for)))
    begun = [r for r in rows if r.scheduled_for <= now]
    if begun:
        return begun[-1]
    with_pack = [r for r in rows if r.thread_ts]
    if with_pack:
        return with_pack[0]
    raise NotFound(f"{agreement.name} has no open review to close: none has begun, and no pack has been posted.")


def expected(session: Session, review: Review) -> list[str]:
    """Who is expected: those who answered "I'll attend", else the arrangement's attendees."""
    said_yes = list(session.exec(select(ReviewRsvp.user_id).where(ReviewRsvp.review_id == review.id,
                                                                  ReviewRsvp.answer == RsvpAnswer.ATTEND.value)
                                 .order_by(ReviewRsvp.id)))
    if said_yes:
        return said_yes
    arrangement = notes.arrangement_of(session, review)
    return list(arrangement.attendee_user_ids) if arrangement else []


def _zone(session: Session, review: Review) -> ZoneInfo:
    arrangement = notes.arrangement_of(session, review)
    try:
        return ZoneInfo(arrangement.timezone) if arrangement else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _note_lines(session: Session, review: Review) -> tuple[list[dict], list[dict]]:
    names = _names(session, review.team_id)
    decisions, actions = [], []
    for note in notes.notes_of(session, review):
        if note.kind == ReviewNoteKind.DECISION.value:
            decisions.append({"text": note.text, "by": names.get(note.created_by) or note.created_by})
            continue
        action = session.get(Action, note.action_id) if note.action_id else None
        if action is None:  # the action was removed since: the note still says what was meant
            actions.append({"number": None, "title": note.text, "owner": "", "due": "", "target": "", "status": ""})
            continue
        party = session.get(Party, action.owner_party_id) if action.owner_party_id else None
        owner = ", ".join(x for x in (party.name if party else "", names.get(action.owner_user_id or "")
                                      or (action.owner_user_id or "")) if x)
        actions.append({"number": action.number, "title": action.title, "owner": owner, "due": action.due.isoformat(),
                        "target": notes.target_label(session, action.target_id) or "", "status": action.status,
                        "owner_user_id": action.owner_user_id})
    return decisions, actions


def form_heading(session: Session, review: Review) -> dict:
    """Which review, in words: the SLA's name and the review's time in the arrangement's zone."""
    agreement = session.get(Agreement, review.agreement_id)
    return {"agreement": agreement.name,
            "when": review.scheduled_for.astimezone(_zone(session, review)).strftime("%Y-%m-%d %H:%M %Z")}


def form(session: Session, actor: Actor, review_id: int) -> dict:
    """What the close form shows: the review, the attendance to confirm, the decisions and actions recorded."""
    require(actor, Capability.ARRANGE_REVIEWS)
    review = notes.get_review(session, actor.team_id, review_id)
    _refuse_closed(review)
    notes.require_open(review)
    decisions, actions = _note_lines(session, review)
    return {**form_heading(session, review), "review_id": review.id, "attendees": expected(session, review),
            "decisions": decisions[:SHOWN_IN_FORM],
            "more_decisions": max(0, len(decisions) - SHOWN_IN_FORM), "actions": actions[:SHOWN_IN_FORM],
            "more_actions": max(0, len(actions) - SHOWN_IN_FORM)}


def _refuse_closed(review: Review) -> None:
    if review.status == ReviewStatus.CLOSED.value:
        when = review.closed_at.date().isoformat() if review.closed_at else "earlier"
        raise AlreadyClosed("This review is already closed (by ", Person(review.closed_by or "?"),
                            f" on {when}); its minutes are in its thread. Nothing was changed.")


# ---- closing -------------------------------------------------------------------------------------------------------

def close_review(session: Session, actor: Actor, review_id: int, attended: list[str], *,
                 templates_dir: Path | None) -> Closed:
    """Close the review once: attendance, status, and the minutes document (kept on the review)."""
    require(actor, Capability.ARRANGE_REVIEWS)
    review = notes.get_review(session, actor.team_id, review_id, lock=True)
    _refuse_closed(review)
    notes.require_open(review)
    was = audit.snapshot(review, "status", "closed_at", "closed_by", "attended")
    people = list(dict.fromkeys(u for u in attended if u))
    review.status, review.closed_at, review.closed_by, review.attended = (ReviewStatus.CLOSED.value, actor.at(),
                                                                          actor.user_id, people)
    agreement = session.get(Agreement, review.agreement_id)
    context = minutes_context(session, review, agreement)
    text, warning = render_minutes(context, templates_dir)
    review.minutes = text
    session.add(review)
    audit.record(session, actor, "review.close", "review", review.id, attended=people, **audit.change(was, review))
    # Issue 17: the customer's attendees are asked to rate the review and its period (DMs through the outbox).
    zone = _zone(session, review)
    satisfaction.ask_after_review(session, review, agreement.counterparty_id,
                                  label_of(review.period_start, review.period_end), actor.at(), zone.key)
    day = review.scheduled_for.astimezone(zone).date().isoformat()
    return Closed(review=review, agreement_name=agreement.name, minutes=text, warning=warning,
                  when=context["date"], closed_on=context["closed_on"],
                  filename=f"{_slug(agreement.name)}-review-{day}-minutes.md",
                  title=f"Minutes of the {agreement.name} review, {day}", attended=people,
                  decisions=len(context["decisions"]), actions=len(context["actions"]))


def minutes_context(session: Session, review: Review, agreement: Agreement) -> dict:
    """What the minutes template can use (the organisation's own template gets the same names)."""
    names = _names(session, review.team_id)
    zone = _zone(session, review)
    party = session.get(Party, agreement.counterparty_id)
    decisions, actions = _note_lines(session, review)
    expected_people = expected(session, review)
    try:
        fmt = ReviewFormat(review.format).label
    except ValueError:
        fmt = review.format
    return {
        "sla": agreement.name, "customer": party.name if party else "",
        "date": review.scheduled_for.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"), "format": fmt,
        "period_start": review.period_start.isoformat(),
        "period_end": review.period_end.isoformat(),  # exclusive
        "closed_by": names.get(review.closed_by or "") or review.closed_by or "",
        "closed_on": review.closed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if review.closed_at else "",
        "attended": [names.get(u) or u for u in review.attended],
        "absent": [names.get(u) or u for u in expected_people if u not in review.attended],
        "decisions": decisions, "actions": actions,
        "risks": [r.text for r in notes.open_risks(session, review.team_id, agreement.id)],
    }


def _names(session: Session, team_id: str) -> dict[str, str]:
    return {m.user_id: m.name for m in session.exec(select(Member).where(Member.team_id == team_id)) if m.name}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "sla"


# ---- the document ------------------------------------------------------------------------------------------------

class Trusted(str):
    """Markdown a template may emit as it is (nothing a person typed)."""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def markdown_escape(value: object) -> str:
    """A value as literal text on one line: a person's words cannot start a heading, a link, a list or a table."""
    if value is None:
        return ""
    if isinstance(value, Trusted):
        return str(value)
    text = " ".join(str(value).split())
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", re.sub(r"^-", r"\\-", text))


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=BaseLoader(), undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                                lstrip_blocks=True, keep_trailing_newline=True, finalize=markdown_escape)


def _render(source: str, file: str, context: dict) -> str:
    template = _environment().from_string(source)
    template.filename = file
    return template.render(**context)


def render_minutes(context: dict, templates_dir: Path | None) -> tuple[str, str | None]:
    """The minutes, from the organisation's template if it has one that works; (text, a warning or None)."""
    shipped = SHIPPED.read_text(encoding="utf-8")
    own = templates_dir / ORGANISATION_FILE if templates_dir is not None else None
    if own is None or not own.is_file():
        return _render(shipped, SHIPPED.name, context), None
    try:
        return _render(own.read_text(encoding="utf-8"), own.name, context), None
    except TemplateSyntaxError as err:
        problem = f"{own.name}, line {err.lineno}: {err.message or 'syntax error'}"
    except (TemplateError, TypeError, ValueError, AttributeError, KeyError) as err:
        line = next((f.lineno for f in reversed(traceback.extract_tb(err.__traceback__))
                     if f.filename in ("<template>", own.name)), None)
        problem = f"{own.name}{f', line {line}' if line else ''}: {err or type(err).__name__}"
    return _render(shipped, SHIPPED.name, context), f"Your minutes template {problem}; the built-in one was used."


__all__ = ["AlreadyClosed", "Closed", "open_review", "expected", "form_heading", "form", "close_review",
           "minutes_context",
           "render_minutes", "markdown_escape"]
