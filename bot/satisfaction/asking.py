"""Who is asked to rate what, and when (issue 17): after a ticket under an SLA is resolved, and after a service
review closes.

**Tickets.** The sweep (`ask_after_tickets`, a scheduled job each minute, never the API's request) reads the tickets
resolved in the last LOOKBACK that have no row here yet (an anti-join through the index on `ticket.resolved_at`: its
cost follows what was resolved lately, not what is stored) and decides each once, in a transaction of its own,
writing one `SatisfactionAsk` row whatever it decides:

1. no SLA in force measures the ticket (its service and priority, on the day it opened): `no_sla`, nobody asked;
2. its `requester` is not a Slack user id (an e-mail address, or nothing): `not_slack_user`, nobody asked. The bot
   does not look an address up in Slack: that needs the `users:read.email` scope, which the bot does not ask for,
   and an address of the customer's own mail system need not be the address of anyone in this workspace; a ticket
   tool that knows the person's Slack id sends it as `requester`;
3. outside the organisation's sample (`satisfaction_sample`, default 100%): `sampled_out`. The choice is by the
   ticket, SHA-256 of "<workspace>:<ticket reference>" modulo 100, below the percentage: the same ticket sent again,
   corrected or replayed is chosen the same way;
4. the person was asked about another ticket within `satisfaction_ask_every` (default 1 month): `asked_recently`;
5. otherwise `asked`: the DM is queued through the once-only outbox under `satisfaction:<ask id>`.

A ticket reopened and resolved again finds its row and is not asked again; a ticket resolved more than LOOKBACK ago
(history imported from CSV) is never asked about. Two sweeps at once write the row once (unique key): the other's
insert fails and it moves on.

**Reviews.** When a review closes (`bot.reviews.closing`), each person who attended and is a contact of the SLA's
customer is asked to rate the review and the period it looked back on, once (`review:<review id>:<user>`). These do
not count towards the once-a-period limit, which is about tickets.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, outbox, service_map
from bot.measurements.in_force import Measured, measured
from bot.workspace import settings as workspace_settings
from bot.service_map.records import SLACK_USER
from models import Agreement, AskKind, AskOutcome, Review, SatisfactionAsk, Ticket, WorkspaceUninstall

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=7)
SWEEP_BATCH = 500
TEMPLATE = "satisfaction_ask.yml.j2"
TICKET_KINDS = ("response", "resolution")


def message_key(ask_id: int) -> str:
    """The outbox key of an ask's DM; its edits follow it (`<key>:edit<n>`)."""
    return f"satisfaction:{ask_id}"


def sampled(team_id: str, ticket_ref: str, percent: int) -> bool:
    """Whether this ticket is in the sample: by its reference, so the same ticket is always chosen the same way."""
    digest = hashlib.sha256(f"{team_id}:{ticket_ref}".encode("utf-8")).hexdigest()
    return int(digest, 16) % 100 < percent


def ask_every(session: Session, team_id: str) -> relativedelta:
    count, unit = workspace_settings.get(session, team_id, "satisfaction_ask_every").split()
    unit = unit.rstrip("s")
    return relativedelta(**{f"{unit}s": int(count)})


def sample_percent(session: Session, team_id: str) -> int:
    return int(workspace_settings.get(session, team_id, "satisfaction_sample").rstrip("%"))


# ---- tickets ------------------------------------------------------------------------------------------------------
def due_tickets(session: Session, now: datetime, limit: int = SWEEP_BATCH) -> list[int]:
    """Tickets resolved within LOOKBACK, not yet decided, of workspaces that have the bot installed."""
    q = (select(Ticket.id).where(Ticket.resolved_at.is_not(None), Ticket.resolved_at >= now - LOOKBACK,
                                 Ticket.resolved_at <= now,
                                 ~exists().where(SatisfactionAsk.ticket_id == Ticket.id),
                                 Ticket.team_id.not_in(select(WorkspaceUninstall.team_id)))
         .order_by(Ticket.resolved_at, Ticket.id).limit(limit))
    return list(session.exec(q))


def sla_of(session: Session, ticket: Ticket, targets: list[Measured] | None = None) -> int | None:
    """The SLA in force whose response or resolution targets measure this ticket (the first by name), or None.
    `targets`: the workspace's targets in force, read once by a sweep for all its tickets."""
    opened = ticket.opened_at.date()
    for t in measured(session, ticket.team_id) if targets is None else targets:
        if (t.kind in TICKET_KINDS and t.level == ticket.priority and ticket.service_id in t.service_ids
                and t.applies_on(opened)):
            return t.agreement_id
    return None


def _asked_within(session: Session, team_id: str, user_id: str, since: datetime) -> bool:
    return session.exec(select(SatisfactionAsk.id).where(
        SatisfactionAsk.team_id == team_id, SatisfactionAsk.user_id == user_id,
        SatisfactionAsk.kind == AskKind.TICKET.value, SatisfactionAsk.outcome == AskOutcome.ASKED.value,
        SatisfactionAsk.created_at > since)).first() is not None


def decide_ticket(session: Session, ticket_id: int, now: datetime, *,
                  targets: dict[str, list[Measured]] | None = None) -> SatisfactionAsk | None:
    """Decide one resolved ticket (in the caller's transaction): its row, or None when it was decided already.
    `targets`: each workspace's targets in force, filled as it is first needed (a sweep's tickets share it)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.resolved_at is None:
        return None
    key = f"ticket:{ticket.id}"
    if session.exec(select(SatisfactionAsk.id).where(SatisfactionAsk.team_id == ticket.team_id,
                                                     SatisfactionAsk.key == key)).first() is not None:
        return None
    team = ticket.team_id
    if targets is not None and team not in targets:
        targets[team] = measured(session, team)
    agreement_id = sla_of(session, ticket, targets[team] if targets is not None else None)
    requester = (ticket.requester or "").strip()
    if agreement_id is None:
        outcome = AskOutcome.NO_SLA
    elif not SLACK_USER.fullmatch(requester):
        outcome = AskOutcome.NOT_SLACK_USER
    elif not sampled(team, ticket.external_id, sample_percent(session, team)):
        outcome = AskOutcome.SAMPLED_OUT
    elif _asked_within(session, team, requester, now - ask_every(session, team)):
        outcome = AskOutcome.ASKED_RECENTLY
    else:
        outcome = AskOutcome.ASKED
    asked = outcome is AskOutcome.ASKED
    subject = " ".join(x for x in (ticket.external_id, " ".join((ticket.title or "").split())) if x)[:300]
    row = SatisfactionAsk(team_id=team, key=key, kind=AskKind.TICKET.value, outcome=outcome.value,
                          ticket_id=ticket.id, agreement_id=agreement_id, subject=subject,
                          user_id=requester if asked else None, rated_for=ticket.resolved_at, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another sweep decided it a moment ago
        return None
    audit.record(session, audit.by_the_bot(team, now), "satisfaction.ask", "satisfaction_ask", row.id,
                 after=audit.snapshot(row, "key", "outcome", "ticket_id", "agreement_id", "user_id"))
    if asked:
        _queue_ask(session, row, now)
    return row


def ask_after_tickets(db, now: datetime) -> int:
    """The sweep: decide every ticket resolved lately and not yet decided; how many were asked."""
    asked, targets = 0, {}
    while True:
        with db.session() as session:
            ids = due_tickets(session, now)
        failed = 0
        for ticket_id in ids:
            try:
                with db.session() as session:
                    row = decide_ticket(session, ticket_id, now, targets=targets)
                    asked += row is not None and row.outcome == AskOutcome.ASKED.value
            except Exception:  # noqa: BLE001 - one ticket's trouble holds back no other; the next sweep tries again
                failed += 1
                log.exception("could not decide whether to ask for a rating of ticket %s", ticket_id)
        # A batch not full, or one where every ticket failed (they would come back first): the next minute's turn.
        if len(ids) < SWEEP_BATCH or failed == len(ids):
            return asked


# ---- reviews ------------------------------------------------------------------------------------------------------
def customer_attendees(session: Session, review: Review, customer_id: int | None) -> list[str]:
    """Those who attended the review and are contacts of the SLA's customer, each once."""
    if customer_id is None:
        return []
    contacts = {u for users in service_map.contacts_of(session, review.team_id, customer_id).values() for u in users}
    return [u for u in dict.fromkeys(review.attended or []) if u in contacts]


def ask_after_review(session: Session, review: Review, customer_id: int | None, period_label: str,
                     now: datetime, tz: str = "UTC") -> list[SatisfactionAsk]:
    """Ask the customer's attendees of a review just closed to rate it and its period (once each). The rating is
    for the moment the period starts in `tz`, the review's own zone (the one its pack counts the period in): in
    America/New_York a November review's rating is for 1 November 04:00 UTC, inside November's figure, not October's."""
    out = []
    start = review.period_start
    rated_for = datetime(start.year, start.month, start.day, tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))
    for user_id in customer_attendees(session, review, customer_id):
        key = f"review:{review.id}:{user_id}"
        if session.exec(select(SatisfactionAsk.id).where(SatisfactionAsk.team_id == review.team_id,
                                                         SatisfactionAsk.key == key)).first() is not None:
            continue
        row = SatisfactionAsk(team_id=review.team_id, key=key, kind=AskKind.REVIEW.value,
                              outcome=AskOutcome.ASKED.value, review_id=review.id, agreement_id=review.agreement_id,
                              subject=f"the service review of {review.scheduled_for.date().isoformat()} and "
                                      f"{period_label}"[:300],
                              user_id=user_id, rated_for=rated_for, created_at=now)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        audit.record(session, audit.by_the_bot(review.team_id, now), "satisfaction.ask", "satisfaction_ask", row.id,
                     after=audit.snapshot(row, "key", "outcome", "review_id", "agreement_id", "user_id"))
        _queue_ask(session, row, now)
        out.append(row)
    return out


# ---- the DM -------------------------------------------------------------------------------------------------------
def context(row: SatisfactionAsk, agreement_name: str) -> dict:
    """What the DM shows: what is rated, the rating so far, whether a comment was left (never the comment)."""
    return {"ask_id": row.id, "kind": row.kind, "subject": row.subject, "agreement": agreement_name,
            "rating": row.rating, "commented": bool(row.comment)}


def _queue_ask(session: Session, row: SatisfactionAsk, now: datetime) -> None:
    agreement = session.get(Agreement, row.agreement_id) if row.agreement_id else None
    outbox.enqueue(session, row.team_id, message_key(row.id), row.user_id, TEMPLATE,
                   {"ctx": context(row, agreement.name if agreement else "")}, now)

