"""`POST /api/v1/ticket-events`, `/outages`, `/metric-samples` (one item each) and `/batch` (any number of each).

Each request is one transaction: stored whole, or, if any item is refused, not at all (a 422 naming every bad
field). A resend of an item is answered `unchanged` and changes nothing; the same id with other content is
`corrected`.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from bot.api.auth import Team
from bot.api.errors import refused
from bot.audit.measurements import record_batch
from bot.errors import InvalidInput
from bot.measurements import ingest as ingesting
from bot.measurements.items import Batch, MetricSampleItem, OutageItem, TicketEvent
from bot.workspace.actor import Actor
from models.measurements import MeasurementSource

API_USER = "api"  # who the audit trail names for what senders send with an API token

router = APIRouter(prefix="/v1", tags=["measurements"])


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Unprocessable(BaseModel):
    detail: list[FieldError]
    errors: dict[str, str]  # the same, as {"ticket_events[3].priority": "..."}


class Unauthorised(BaseModel):  # and any other refusal that is one sentence (413)
    detail: str


REFUSED = {422: {"model": Unprocessable, "description": "A field is malformed or names something unknown; "
                                                        "nothing was stored."},
           401: {"model": Unauthorised, "description": "No valid API token."},
           413: {"model": Unauthorised, "description": "The body is over 4 MiB: send it in several batches."}}


class ItemResult(BaseModel):
    collection: str
    id: str
    outcome: ingesting.Outcome
    revision: int | None = None


class IngestReport(BaseModel):
    stored: int
    corrected: int
    unchanged: int
    items: list[ItemResult]


def _store(request: Request, team_id: str, batch: Batch, where: ingesting.Where):
    deps = request.app.state.deps
    for attempt in (1, 2):
        try:
            with deps.db.session() as session:
                results = ingesting.ingest(session, team_id, batch, source=MeasurementSource.API,
                                           now=deps.clock.now(), where=where)
                record_batch(session, Actor(team_id=team_id, user_id=API_USER, now=deps.clock.now()),
                             MeasurementSource.API.value, results)
            break
        except InvalidInput as err:  # the session has rolled back: nothing of the request is stored
            return refused(err)
        except IntegrityError:
            # The same new item stored by a request running at the same time (a sender's retry racing its first
            # try): once more, and this time it is found, and answered as the resend it is.
            if attempt == 2:
                raise
    counts = {o: sum(1 for r in results if r.outcome is o) for o in ingesting.Outcome}
    if counts[ingesting.Outcome.STORED] or counts[ingesting.Outcome.CORRECTED]:
        deps.arrived(team_id)  # committed: any breach alert it raises goes now (bot.courier), the answer does not wait
    return IngestReport(stored=counts[ingesting.Outcome.STORED], corrected=counts[ingesting.Outcome.CORRECTED],
                        unchanged=counts[ingesting.Outcome.UNCHANGED],
                        items=[ItemResult(collection=r.collection, id=r.id, outcome=r.outcome, revision=r.revision)
                               for r in results])


@router.post("/ticket-events", response_model=IngestReport, responses=REFUSED,
             summary="One ticket event: opened, responded, assigned, paused, resumed, resolved or reopened")
def post_ticket_event(request: Request, team_id: Team, event: Annotated[TicketEvent, Body()]):
    return _store(request, team_id, Batch(ticket_events=[event]), ingesting.alone)


@router.post("/outages", response_model=IngestReport, responses=REFUSED,
             summary="One outage window; send it again with its end when it is over")
def post_outage(request: Request, team_id: Team, outage: OutageItem):
    return _store(request, team_id, Batch(outages=[outage]), ingesting.alone)


@router.post("/metric-samples", response_model=IngestReport, responses=REFUSED, summary="One reading of a metric")
def post_metric_sample(request: Request, team_id: Team, sample: MetricSampleItem):
    return _store(request, team_id, Batch(metric_samples=[sample]), ingesting.alone)


@router.post("/batch", response_model=IngestReport, responses=REFUSED,
             summary="Ticket events, outages and metric samples together, stored all or none")
def post_batch(request: Request, team_id: Team, batch: Batch):
    return _store(request, team_id, batch, ingesting.in_batch)
