"""The HTTP API senders use: FastAPI, mounted at `/api` beside Bolt's `/slack/events`.

Its OpenAPI document, `/api/openapi.json`, is generated from the same pydantic models the routes validate
against (`bot.measurements.items`), so it describes exactly what the server accepts. Routes are sync functions:
FastAPI runs them in its thread pool, away from the event loop that answers Slack.

A new route module: `router = APIRouter(prefix="/v1")`, each route taking `team_id: bot.api.auth.Team` (the
workspace of the request's bearer token; a 401 without one), and one line in ROUTERS. To store what it
receives: `bot.measurements.ingest.ingest(session, team_id, Batch(outages=[OutageItem(...)]), source=...,
now=deps.clock.now())` inside `deps.db.session()`, with `deps = request.app.state.deps`.
"""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from bot.api import alertmanager, measurements
from bot.api.auth import TokenFirst
from bot.api.errors import on_validation_error
from bot.api.limits import BodySizeLimit

ROUTERS = (measurements.router, alertmanager.router)


def create_api(deps) -> FastAPI:
    api = FastAPI(title="slm-bot", version="1", openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  servers=[{"url": "/api"}], root_path_in_servers=False,  # mounted at /api (bot/app.py)
                  description="Measurements in: ticket events, outages and metric samples, measured against every "
                              "agreed target. Authenticate with `Authorization: Bearer <token>` "
                              "(`/slm token new <name>` in Slack).")
    api.state.deps = deps
    api.add_exception_handler(RequestValidationError, on_validation_error)
    for router in ROUTERS:
        api.include_router(router)
    api.add_middleware(BodySizeLimit)
    api.add_middleware(TokenFirst, deps=deps)  # added last, so it runs first: no token, no body read
    return api
