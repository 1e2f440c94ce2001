"""`POST /api/v1/alertmanager`: Prometheus Alertmanager's webhook receiver (payload version 4).

Alertmanager sends the workspace's API token as `Authorization: Bearer <token>` (its `http_config.authorization`).
Answers: 200 with what was done (outages opened and closed, repeats, alerts naming no known service), 401 for a
missing, wrong or revoked token, 422 naming the field of a malformed body, with nothing stored, 413 for a body
over the API's limit (4 MiB). Alertmanager retries a delivery on 5xx only, so an alert for an unmapped service
is answered 200 and listed: sending it again could not help.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from bot.api.auth import Team
from bot.api.measurements import REFUSED
from bot.measurements.alertmanager import AlertmanagerWebhook, receive

router = APIRouter(prefix="/v1", tags=["alertmanager"])


class UnmappedAlert(BaseModel):
    fingerprint: str
    reason: str  # plain words: which label, which value


class AlertmanagerReceipt(BaseModel):
    opened: list[int]   # outage ids opened (a resolution whose firing never came opens and closes one)
    closed: list[int]   # outage ids closed
    repeats: int        # alerts already known: repeats, retries, the other Alertmanager of a pair
    unmapped: list[UnmappedAlert]


@router.post("/alertmanager", response_model=AlertmanagerReceipt, responses=REFUSED,
             summary="Prometheus Alertmanager's webhook (version 4): firing opens an outage, resolved closes it")
def post_alertmanager(request: Request, team_id: Team, webhook: AlertmanagerWebhook) -> AlertmanagerReceipt:
    deps = request.app.state.deps
    with deps.db.session() as session:
        done = receive(session, team_id, webhook, deps.clock.now())
    if done.opened or done.closed:
        deps.arrived(team_id)  # committed: its breach alert goes now (bot.courier), the answer does not wait
    return AlertmanagerReceipt(opened=done.opened, closed=done.closed, repeats=done.repeats,
                               unmapped=[UnmappedAlert(**u) for u in done.unmapped])
