"""`POST /api/v1/alertmanager`: Prometheus Alertmanager's webhook receiver (payload version 4).

Alertmanager sends `Authorization: Bearer <token>` (its `http_config.authorization`), a workspace's API token.
Answers: 200 with what was done (outages opened and closed, repeats, alerts naming no known service), 401 for a
missing or unknown token, 422 naming the field of a malformed body (nothing stored), 413 for a huge body.
Alertmanager retries a delivery on 5xx only, so an alert for an unmapped service is answered 200 and listed:
sending it again could not help.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from pydantic import ValidationError
from pydantic.json_schema import models_json_schema
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.measurements.alertmanager import AlertmanagerWebhook, receive
from bot.slack_requests import Refused
from models import ApiToken

PATH = "/api/v1/alertmanager"
MAX_BODY_BYTES = 4 * 1024 * 1024  # Alertmanager's max_alerts bounds a group; a few MiB holds thousands of alerts


def authenticate(session: Session, authorization: str | None, now: datetime) -> str | None:
    """The workspace whose live API token this is, its last use noted; None when there is no such token.

    A stand-in until the API's own token check (bot/measurements/tokens.py) is merged: that one replaces it.
    """
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))).first()
    if row is None:
        return None
    row.last_used_at = now
    session.add(row)
    return row.team_id


async def _read(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise Refused(413, "body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refused(413, "body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def _unauthorized() -> JSONResponse:
    return JSONResponse({"detail": "A valid API token is needed: Authorization: Bearer <token>."}, status_code=401,
                        headers={"WWW-Authenticate": "Bearer"})


def _invalid(errors: list[dict]) -> JSONResponse:
    """422 naming each field, the way FastAPI does (`loc` is the path to the field in the body)."""
    detail = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in errors]
    return JSONResponse({"detail": detail}, status_code=422)


def alertmanager_routes(deps) -> list[Route]:
    def handle(authorization: str | None, raw: bytes) -> JSONResponse:
        now = deps.clock.now()
        with deps.db.session() as session:
            team_id = authenticate(session, authorization, now)
            if team_id is None:
                return _unauthorized()
            try:
                webhook = AlertmanagerWebhook.model_validate_json(raw)
            except ValidationError as err:
                return _invalid(err.errors(include_url=False, include_input=False))
            done = receive(session, team_id, webhook, now)
        return JSONResponse(done.as_json())

    async def alertmanager(request: Request) -> JSONResponse:
        try:
            raw = await _read(request)
        except Refused as refused:
            return JSONResponse({"detail": refused.reason}, status_code=refused.status)
        return await run_in_threadpool(handle, request.headers.get("authorization"), raw)

    return [Route(PATH, alertmanager, methods=["POST"])]


def openapi_paths_and_schemas() -> tuple[dict, dict]:
    """This endpoint for the API's OpenAPI document: its path item, and the schemas it refers to (for
    `components.schemas`), generated from the same models the endpoint validates with."""
    _, defs = models_json_schema([(AlertmanagerWebhook, "validation")], ref_template="#/components/schemas/{model}")
    schemas = defs["$defs"]
    path = {"post": {
        "summary": "Prometheus Alertmanager's webhook (payload version 4): firing opens an outage, resolved closes it",
        "operationId": "alertmanager_webhook",
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/AlertmanagerWebhook"}}}},
        "responses": {
            "200": {"description": "Done: outage ids opened and closed, repeats, alerts naming no known service"},
            "401": {"description": "A missing, unknown or revoked API token"},
            "413": {"description": "A body over 4 MiB"},
            "422": {"description": "A malformed body; `detail[].loc` names each field, and nothing is stored"},
        },
    }}
    return {PATH: path}, schemas
