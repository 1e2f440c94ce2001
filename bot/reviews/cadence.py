"""The review cadence of an SLA, agreed between the two sides: how often, how, with whom, and when reminders go.

The service manager proposes; the customer's approver accepts or counters; a counter waits for the service manager,
who accepts it or counters in turn. Whoever the arrangement waits for is the only one who may answer it. Each
proposal or counter is a new revision, and every answer names the revision it answers, so a button left on an older
proposal changes nothing and says so, and an answer given twice is recorded once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot import agreements, audit, service_map, text
from bot.cover import live_links
from bot.errors import DomainError, InvalidInput, PermissionDenied, Person
from bot.parsing import ParseError
from bot.parsing.recurrence import Recurrence, occurrences, parse_offsets, parse_recurrence
from bot.workspace.actor import Actor
from bot.workspace.permissions import COUNTERPARTY, Capability, can, require, sides
from models import Agreement, AgreementKind, Party, Target
from models.reviews import ArrangementStatus, ReviewArrangement, ReviewFormat
from models.service_map import ContactRole

DEFAULT_OFFSETS = "5 working days, 1 day"
MAX_ATTENDEES = 50


@dataclass
class CadenceInput:
    """What the form says. `None`/empty lists for a counter mean "as proposed"."""

    frequency: str | None
    format: str | None
    attendee_user_ids: list[str] = field(default_factory=list)
    attendee_party_ids: list[int] = field(default_factory=list)
    reminders: str | None = DEFAULT_OFFSETS
    channel_id: str | None = None
    why: str | None = None


class StaleAnswer(DomainError):
    """A button or form that answers an older revision: nothing changes."""


@dataclass
class Answered:
    arrangement: ReviewArrangement
    changed: bool  # False: it was already so (a second press)
    agreed: bool   # the arrangement is now agreed


# ---- reading -------------------------------------------------------------------------------------------
def of(session: Session, agreement: Agreement) -> ReviewArrangement | None:
    return session.exec(select(ReviewArrangement).where(ReviewArrangement.agreement_id == agreement.id)).first()


def get(session: Session, team_id: str, arrangement_id: int) -> ReviewArrangement:
    row = session.get(ReviewArrangement, arrangement_id)
    if row is None or row.team_id != team_id:
        raise DomainError("That review arrangement is gone.")
    return row


def waits_for(arrangement: ReviewArrangement) -> str | None:
    """Whose answer the arrangement waits for: "approver", "service manager", or None once agreed."""
    return {ArrangementStatus.PROPOSED.value: "approver",
            ArrangementStatus.COUNTERED.value: "service manager"}.get(arrangement.status)


def support_parties(session: Session, agreement: Agreement) -> list[Party]:
    """The support groups and suppliers whose OLA or contract targets sit beneath the SLA's targets."""
    seen: dict[int, Party] = {}
    for target in agreements.targets_of(session, agreement):
        for ln in live_links(session, target):
            leg = session.get(Target, ln.leg_target_id)
            party = session.get(Party, session.get(Agreement, leg.agreement_id).counterparty_id)
            seen.setdefault(party.id, party)
    return list(seen.values())


def people_of(session: Session, team_id: str, party_ids: list[int]) -> list[str]:
    people: list[str] = []
    for party_id in party_ids:
        for users in service_map.contacts_of(session, team_id, party_id).values():
            people += users
    return list(dict.fromkeys(people))


def defaults(session: Session, agreement: Agreement) -> CadenceInput:
    """What the form offers first: the arrangement as it stands, or the customer and the support parties, with
    their contacts, meeting monthly in the SLA's channel."""
    current = of(session, agreement)
    if current is not None:
        return CadenceInput(current.description, current.format, list(current.attendee_user_ids),
                            list(current.attendee_party_ids), ", ".join(current.reminder_offsets), current.channel_id)
    parties = [agreement.counterparty_id] + [p.id for p in support_parties(session, agreement)]
    parties = list(dict.fromkeys(parties))
    return CadenceInput("monthly", ReviewFormat.MEETING.value, people_of(session, agreement.team_id, parties), parties,
                        DEFAULT_OFFSETS, agreement.channel_id)


# ---- checking what was typed ----------------------------------------------------------------------------
@dataclass
class _Checked:
    recurrence: Recurrence
    format: str
    users: list[str]
    parties: list[int]
    offsets: list[str]
    channel_id: str


def _check(session: Session, actor: Actor, agreement: Agreement, data: CadenceInput, *, why_needed: bool) -> _Checked:
    errors: dict[str, str] = {}
    recurrence = offsets = None
    zone = actor.org_tz or "UTC"
    try:
        recurrence = parse_recurrence(data.frequency, zone, actor.at().astimezone(ZoneInfo(zone)).date())
    except ParseError as err:
        errors["frequency"] = str(err)
    fmt = data.format
    if fmt not in {f.value for f in ReviewFormat}:
        errors["format"] = "Choose how the review is held: a meeting, a call, or a review in a Slack thread."
    try:
        offsets = parse_offsets(data.reminders)
    except ParseError as err:
        errors["reminders"] = str(err)
    parties: list[int] = []
    for party_id in data.attendee_party_ids:
        party = session.get(Party, party_id)
        if party is None or party.team_id != actor.team_id:
            errors["parties"] = "One of those parties is no longer on the map; choose again."
        else:
            parties.append(party.id)
    users = list(dict.fromkeys(u for u in data.attendee_user_ids if u))
    if not users and not parties:
        errors["users"] = "Choose who attends: people, parties, or both."
    elif len(users) > MAX_ATTENDEES:
        errors["users"] = f"At most {MAX_ATTENDEES} people; invite a party instead and its contacts come."
    channel = data.channel_id or agreement.channel_id
    if not channel:
        errors["channel"] = "Choose the channel where reviews are announced and discussed."
    why = text.line(data.why)
    if why_needed and not why:
        errors["why"] = "Say why; the other side reads it in the thread."
    elif len(why) > 2000:
        errors["why"] = f"Keep the reason under 2000 characters (it has {len(why)})."
    if errors:
        raise InvalidInput(errors)
    return _Checked(recurrence, fmt, users, list(dict.fromkeys(parties)), offsets, channel)


def _apply(row: ReviewArrangement, checked: _Checked, actor: Actor, status: ArrangementStatus, note: str) -> None:
    zone = ZoneInfo(checked.recurrence.timezone)
    row.rrule, row.timezone, row.description = checked.recurrence.rrule, checked.recurrence.timezone, \
        checked.recurrence.description
    row.dtstart = checked.recurrence.dtstart_local.replace(tzinfo=zone)
    row.format, row.channel_id = checked.format, checked.channel_id
    row.attendee_user_ids, row.attendee_party_ids = checked.users, checked.parties
    row.reminder_offsets = checked.offsets
    row.status, row.note = status.value, note
    row.proposed_by, row.proposed_at = actor.user_id, actor.at()
    row.agreed_by = row.agreed_at = None


def _sla(agreement: Agreement) -> None:
    if agreement.kind != AgreementKind.SLA.value:
        raise DomainError(f"{agreement.name} is not an SLA: reviews are agreed with customers, on SLAs.")


def _is_approver(session: Session, actor: Actor, agreement: Agreement) -> bool:
    return COUNTERPARTY in sides(actor, "agree", agreements.counterparty_roles(session, actor, agreement))


def who_may(session: Session, agreement: Agreement, arrangement: ReviewArrangement) -> str:
    """Who may answer now, in words (a refusal names them)."""
    if waits_for(arrangement) == "approver":
        party = session.get(Party, agreement.counterparty_id)
        return f"an approver of {party.name}"
    return "a service manager"


def approvers(session: Session, agreement: Agreement) -> list[str]:
    return service_map.contacts_of(session, agreement.team_id, agreement.counterparty_id)[ContactRole.APPROVER]


# ---- proposing, countering, accepting ---------------------------------------------------------------------
def _lock(session: Session, agreement: Agreement) -> ReviewArrangement | None:
    agreements.lock(session, agreement)  # proposals and answers on one SLA take turns
    return of(session, agreement)


def propose(session: Session, actor: Actor, agreement: Agreement, data: CadenceInput) -> ReviewArrangement:
    """The service manager's proposal: a new revision, waiting for the customer's approver."""
    require(actor, Capability.ARRANGE_REVIEWS)
    _sla(agreement)
    checked = _check(session, actor, agreement, data, why_needed=False)
    row = _lock(session, agreement)
    if row is None:
        row = ReviewArrangement(team_id=actor.team_id, agreement_id=agreement.id, created_at=actor.at(),
                                created_by=actor.user_id, revision=1, rrule="", dtstart=actor.at(), timezone="UTC",
                                description="", channel_id="", proposed_by=actor.user_id, proposed_at=actor.at())
    else:
        row.revision += 1
    _apply(row, checked, actor, ArrangementStatus.PROPOSED, text.line(data.why))
    session.add(row)
    session.flush()
    audit.record(session, actor, "review.cadence.propose", "review_arrangement", row.id, agreement=agreement.id,
                 revision=row.revision, rrule=row.rrule, timezone=row.timezone, format=row.format,
                 after=audit.snapshot(row))
    return row


def _answerable(session: Session, actor: Actor, agreement: Agreement, revision: int) -> ReviewArrangement:
    row = _lock(session, agreement)
    if row is None:
        raise DomainError(f"Nothing has been proposed for the reviews of {agreement.name}.")
    if row.revision != revision:
        raise StaleAnswer(f"This proposal was replaced: the reviews of {agreement.name} are now at revision "
                          f"{row.revision} ({row.description}). Answer the latest one in the thread.")
    return row


def _may_answer(session: Session, actor: Actor, agreement: Agreement, row: ReviewArrangement) -> None:
    allowed = (_is_approver(session, actor, agreement) if waits_for(row) == "approver"
               else can(actor, Capability.ARRANGE_REVIEWS))
    if not allowed:
        names: list = []
        people = approvers(session, agreement) if waits_for(row) == "approver" else []
        for i, user in enumerate(people[:5]):
            names += [", " if i else " (", Person(user)]
        raise PermissionDenied(f"Only {who_may(session, agreement, row)}", *names, ")" if names else "",
                               f" can answer this proposal for the reviews of {agreement.name}.")


def accept(session: Session, actor: Actor, agreement: Agreement, revision: int) -> Answered:
    """The side the arrangement waits for accepts it; accepting what is already agreed changes nothing."""
    row = _answerable(session, actor, agreement, revision)
    if row.status == ArrangementStatus.AGREED.value:
        return Answered(row, changed=False, agreed=True)
    _may_answer(session, actor, agreement, row)
    row.status, row.agreed_by, row.agreed_at = ArrangementStatus.AGREED.value, actor.user_id, actor.at()
    session.add(row)
    session.flush()
    audit.record(session, actor, "review.cadence.accept", "review_arrangement", row.id, agreement=agreement.id,
                 revision=row.revision, description=row.description, format=row.format,
                 after=audit.snapshot(row, "status", "agreed_by", "agreed_at"))
    return Answered(row, changed=True, agreed=True)


def check_may_counter(session: Session, actor: Actor, agreement: Agreement, revision: int) -> ReviewArrangement:
    """Before the counter form opens: refused now rather than after it is filled."""
    row = _answerable(session, actor, agreement, revision)
    if row.status == ArrangementStatus.AGREED.value:
        raise StaleAnswer(f"The reviews of {agreement.name} are agreed already ({row.description}). To change them, "
                          "the service manager proposes again.")
    _may_answer(session, actor, agreement, row)
    return row


def counter(session: Session, actor: Actor, agreement: Agreement, revision: int, data: CadenceInput) -> Answered:
    """The side the arrangement waits for proposes something else, with why: a new revision, for the other side."""
    row = check_may_counter(session, actor, agreement, revision)
    checked = _check(session, actor, agreement, data, why_needed=True)
    answered_by_approver = waits_for(row) == "approver"
    row.revision += 1
    _apply(row, checked, actor, ArrangementStatus.COUNTERED if answered_by_approver else ArrangementStatus.PROPOSED,
           text.line(data.why))
    session.add(row)
    session.flush()
    audit.record(session, actor, "review.cadence.counter", "review_arrangement", row.id, agreement=agreement.id,
                 revision=row.revision, rrule=row.rrule, timezone=row.timezone, format=row.format, why=row.note,
                 after=audit.snapshot(row))
    return Answered(row, changed=True, agreed=False)


def standing(arrangement: ReviewArrangement | None) -> str:
    """One line for wherever the SLA is shown."""
    if arrangement is None or arrangement.status != ArrangementStatus.AGREED.value:
        return "review cadence not agreed"
    return f"Reviewed: {arrangement.description}, {ReviewFormat(arrangement.format).label.lower()}"


def next_after(arrangement: ReviewArrangement, after: datetime, count: int = 1) -> list[datetime]:
    return occurrences(recurrence_of(arrangement), after, count)


def recurrence_of(arrangement: ReviewArrangement) -> Recurrence:
    zone = ZoneInfo(arrangement.timezone)
    local = arrangement.dtstart.astimezone(zone).replace(tzinfo=None)
    return Recurrence(arrangement.rrule, local, arrangement.timezone, arrangement.description)
