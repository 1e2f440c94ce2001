"""Retention: the nightly purge of what each workspace keeps no longer (`retain_measurements`, `retain_closed` in
`/slm settings`, bot.workspace.settings).

Per workspace, two cut-offs: now minus each setting, and never later than the start of the oldest period an open
(scheduled) review looks back on, so nothing a review still has to show goes. Each kind is deleted in bounded
batches, a transaction each (no long lock, no giant transaction); each batch appends a `retention.batch` audit record
(the kind, how many, the cut-offs) in its own transaction, so whatever was deleted is recorded even if a later kind
fails, and one `retention.purge` record per run per workspace sums up what went. A row is chosen by what makes it removable, and deleted by id under the same test
again, so two replicas purging at once delete each row once and the second finds nothing to do.

What is never removed here: the audit trail (it is the evidence, hash-chained); agreements, their versions and
sign-offs (a contract's evidence: what was agreed outlives these settings); an open outage, an open ticket or a
ticket an unresolved breach alert is about; an open action or one done and not yet verified; a scheduled review.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import aliased

from bot import audit
from bot.workspace import settings as workspace_settings
from bot.workspace.actor import Actor
from models import (
    Action,
    ActionStatus,
    Breach,
    BreachState,
    CallbackDelivery,
    Complaint,
    ComplaintStatus,
    ContractReview,
    DeliveryStatus,
    DisputeStatus,
    MetricSample,
    Outage,
    Outbox,
    OutboxStatus,
    Review,
    SatisfactionAsk,
    ReviewStatus,
    Service,
    SupplierDispute,
    Ticket,
    TicketEvent,
)

log = logging.getLogger(__name__)

BATCH = 500  # rows per transaction: short enough that no purge holds a lock anyone notices
BOT = "slm-bot"


@dataclass(frozen=True)
class Cutoffs:
    measurements: datetime  # outages, tickets and their events, metric samples before this go
    closed: datetime        # closed records before this go


def cutoffs(session, team_id: str, now: datetime) -> Cutoffs:
    """Now minus each setting, held back to the start of the oldest period an open review looks back on."""
    def back(key: str) -> datetime:
        months = workspace_settings.retention_months(workspace_settings.get(session, team_id, key))
        return now - relativedelta(months=months)
    measurements, closed = back("retain_measurements"), back("retain_closed")
    oldest_open = session.execute(select(func.min(Review.period_start)).where(
        Review.team_id == team_id, Review.status == ReviewStatus.SCHEDULED.value)).scalar()
    if oldest_open is not None:
        held = datetime(oldest_open.year, oldest_open.month, oldest_open.day, tzinfo=now.tzinfo)
        measurements, closed = min(measurements, held), min(closed, held)
    return Cutoffs(measurements=measurements, closed=closed)


def _ticket_gone(team_id: str, cut: Cutoffs):
    """A ticket resolved before the cut-off that no unresolved breach alert is about."""
    return and_(Ticket.team_id == team_id, Ticket.resolved_at.is_not(None), Ticket.resolved_at < cut.measurements,
                ~exists().where(Breach.ticket_id == Ticket.id, Breach.state != BreachState.RESOLVED.value))


def _events(team_id, cut):
    return TicketEvent, and_(TicketEvent.team_id == team_id,
                             TicketEvent.ticket_id.in_(select(Ticket.id).where(_ticket_gone(team_id, cut))))


def _tickets(team_id, cut):
    return Ticket, _ticket_gone(team_id, cut)


def _outages(team_id, cut):  # Alertmanager's alerts are outages (source "alertmanager"): one rule for both
    return Outage, and_(Outage.team_id == team_id, Outage.ended_at.is_not(None), Outage.ended_at < cut.measurements)


def _samples(team_id, cut):
    return MetricSample, and_(MetricSample.team_id == team_id, MetricSample.at < cut.measurements)


def _breaches(team_id, cut):
    return Breach, and_(Breach.team_id == team_id, Breach.state == BreachState.RESOLVED.value,
                        Breach.resolved_at < cut.closed)


def _actions(team_id, cut):
    """Done and verified (its effect measured), or cancelled: an open or unverified action is still followed up."""
    last_move = func.coalesce(Action.verified_at, Action.updated_at, Action.done_at)
    return Action, and_(Action.team_id == team_id, last_move < cut.closed,
                        or_(and_(Action.status == ActionStatus.DONE.value, Action.verified_at.is_not(None)),
                            Action.status == ActionStatus.CANCELLED.value))


def _reviews(team_id, cut):
    """Closed (minutes posted) or cancelled reviews; their answers and notes go with them (ON DELETE CASCADE)."""
    return Review, and_(Review.team_id == team_id, or_(
        and_(Review.status == ReviewStatus.CLOSED.value, Review.closed_at < cut.closed),
        and_(Review.status == ReviewStatus.CANCELLED.value, Review.scheduled_for < cut.closed)))


def _delivered(team_id, cut):
    """Messages sent long ago that no message still waiting follows (an update or a reply reads its parent's ts)."""
    waiting = aliased(Outbox)
    return Outbox, and_(Outbox.team_id == team_id, Outbox.status == OutboxStatus.SENT.value,
                        Outbox.sent_at < cut.closed,
                        ~exists().where(waiting.team_id == Outbox.team_id, waiting.parent_key == Outbox.key,
                                        waiting.status != OutboxStatus.SENT.value))


def _ratings(team_id, cut):
    """Issue 17: satisfaction asks and ratings (comments with them) decided before the closed records' cut-off."""
    return SatisfactionAsk, and_(SatisfactionAsk.team_id == team_id, SatisfactionAsk.created_at < cut.closed)
def _complaints(team_id, cut):
    """Closed complaints (issue 17): the customer's words go with them; an open or answered one is still followed."""
    return Complaint, and_(Complaint.team_id == team_id, Complaint.status == ComplaintStatus.CLOSED.value,
                           Complaint.closed_at < cut.closed)


def _disputes(team_id, cut):
    """Closed supplier disputes (issue 17); an open one is still followed."""
    return SupplierDispute, and_(SupplierDispute.team_id == team_id,
                                 SupplierDispute.status == DisputeStatus.CLOSED.value,
                                 SupplierDispute.closed_at < cut.closed)


def _contract_reviews(team_id, cut):
    """What a contract's review decided (issue 17), recorded before the cut-off: the next review's due date lives on
    in contract_care, and the audit trail keeps the decision."""
    return ContractReview, and_(ContractReview.team_id == team_id, ContractReview.created_at < cut.closed)


def _callbacks(team_id, cut):
    """Priority callbacks delivered (or given up on) long ago (issue 17); a pending one is still to be sent."""
    done = func.coalesce(CallbackDelivery.sent_at, CallbackDelivery.next_at)
    return CallbackDelivery, and_(CallbackDelivery.team_id == team_id,
                                  CallbackDelivery.status != DeliveryStatus.PENDING.value, done < cut.closed)


# In this order: a ticket's events before the ticket (counted apart), the rest independent of each other.
KINDS: dict[str, Callable] = {
    "ticket_events": _events, "tickets": _tickets, "outages": _outages, "metric_samples": _samples,
    "breach_alerts": _breaches, "actions": _actions, "reviews": _reviews, "delivered_messages": _delivered,
    "satisfaction_ratings": _ratings,
    "complaints": _complaints, "supplier_disputes": _disputes, "contract_reviews": _contract_reviews,
    "delivered_callbacks": _callbacks,
}


# Which setting's cut-off each kind is purged by.
SETTING_OF = {"ticket_events": "retain_measurements", "tickets": "retain_measurements", "outages": "retain_measurements",
              "metric_samples": "retain_measurements", "breach_alerts": "retain_closed", "actions": "retain_closed",
              "reviews": "retain_closed", "delivered_messages": "retain_closed",
              "satisfaction_ratings": "retain_closed", "complaints": "retain_closed",
              "supplier_disputes": "retain_closed", "contract_reviews": "retain_closed",
              "delivered_callbacks": "retain_closed"}
PURGE_TIME = "03:40 UTC"  # when bot.jobs runs the purge, for what we tell a person lowering a setting


def would_remove(session, team_id: str, now: datetime, key: str) -> tuple[datetime, dict[str, int]]:
    """What the purge would remove now under this workspace's settings as they stand (in `session`), for the kinds
    the setting `key` governs: its cut-off and a count per kind (a COUNT through the indexed times, no rows read)."""
    cut = cutoffs(session, team_id, now)
    counts = {}
    for kind, which in KINDS.items():
        if SETTING_OF[kind] == key:
            table, where = which(team_id, cut)
            counts[kind] = session.execute(select(func.count()).select_from(table).where(where)).scalar()
    return (cut.measurements if key == "retain_measurements" else cut.closed), counts


def _purge_kind(db, actor: Actor, cut: Cutoffs, kind: str, which: Callable) -> int:
    team_id, removed = actor.team_id, 0
    while True:
        with db.session() as session:
            table, where = which(team_id, cut)
            # On PostgreSQL the batch is locked as it is chosen, skipping rows another replica's purge holds: two
            # purges never wait on each other's rows (no deadlock), and the second finds nothing left to do.
            ids = list(session.execute(select(table.id).where(where).order_by(table.id).limit(BATCH)
                                       .with_for_update(skip_locked=True, of=table)).scalars())
            if not ids:
                return removed
            # The test again with the ids: a row another replica changed (a ticket reopened) meanwhile stays.
            gone = session.execute(delete(table).where(table.id.in_(ids), where),
                                   execution_options={"synchronize_session": False}).rowcount
            if gone:  # in the delete's own commit: nothing is ever deleted unrecorded
                audit.record(session, actor, "retention.batch", "workspace", None, kind=kind, removed=gone,
                             **_cutoffs_detail(cut))
            removed += gone
        if len(ids) < BATCH:
            return removed


def teams(db) -> list[str]:
    """The workspaces that have anything the purge could remove."""
    with db.session() as session:
        found: set[str] = set()
        for table in (Service, Action, Review, Outbox):
            found.update(session.execute(select(table.team_id).distinct()).scalars())
    return sorted(found)


def _cutoffs_detail(cut: Cutoffs) -> dict[str, str]:
    return {"measurements_before": cut.measurements.isoformat(), "closed_before": cut.closed.isoformat()}


def purge_team(db, team_id: str, now: datetime) -> dict[str, int]:
    """Remove what this workspace keeps no longer, and say so in its audit trail; what was removed, per kind."""
    with db.session() as session:
        cut = cutoffs(session, team_id, now)
    actor = Actor(team_id=team_id, user_id=BOT, now=now)
    removed = {kind: _purge_kind(db, actor, cut, kind, which) for kind, which in KINDS.items()}
    removed = {kind: n for kind, n in removed.items() if n}
    with db.session() as session:
        audit.record(session, actor, "retention.purge", "workspace", None, removed=removed or "nothing",
                     **_cutoffs_detail(cut))
    if removed:
        log.info("retention: %s removed %s", team_id, removed)
    return removed


def purge(db, now: datetime) -> dict[str, dict[str, int]]:
    """Every workspace, each on its own: one workspace's trouble is logged and holds back no other."""
    results = {}
    for team_id in teams(db):
        try:
            results[team_id] = purge_team(db, team_id, now)
        except Exception:  # noqa: BLE001 - logged; tomorrow's run tries again
            log.exception("the retention purge of %s failed; the others go on", team_id)
    return results
