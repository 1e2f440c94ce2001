"""422s that name the field, for a malformed body (pydantic) and for content the domain refuses alike.

Both come in FastAPI's documented shape, `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`, so the
OpenAPI document's 422 schema is true for both, plus `errors`, the same as `{"field path": "message"}`
for a person reading it: `{"ticket_events[3].priority": "Input should be 'P1', 'P2', 'P3' or 'P4'"}`.

A request with no valid token gets its 401 even when its body is malformed: FastAPI reads the body before it
checks the token, and an unknown caller learns nothing from the validation.
"""
from __future__ import annotations

import re

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from bot.api.auth import UNAUTHORISED, bearer, team_of
from bot.errors import InvalidInput
from models.measurements import TicketEventKind

_KINDS = {k.value for k in TicketEventKind}
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path(loc: tuple | list) -> str:
    """`("body", "ticket_events", 3, "opened", "priority")` -> `ticket_events[3].priority`. The event kind in a
    location is pydantic naming which of the event models it tried; the sender knows that from `kind`."""
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    out = ""
    for i, part in enumerate(parts):
        if isinstance(part, str) and part in _KINDS and i + 1 < len(parts):
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _loc(path: str) -> list:
    return ["body", *[(int(index) if index else name) for name, index in _PATH_PART.findall(path)]]


def unprocessable(detail: list[dict]) -> JSONResponse:
    errors: dict[str, str] = {}
    for d in detail:
        errors.setdefault(_path(d["loc"]), d["msg"])
    return JSONResponse({"detail": detail, "errors": errors}, status_code=422)


def refused(err: InvalidInput) -> JSONResponse:
    return unprocessable([{"loc": _loc(path), "msg": msg, "type": "value_error"} for path, msg in err.errors.items()])


async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    credentials: HTTPAuthorizationCredentials | None = await bearer(request)
    if await run_in_threadpool(team_of, request, credentials) is None:
        return JSONResponse({"detail": UNAUTHORISED.detail}, status_code=401, headers=UNAUTHORISED.headers)
    detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    return unprocessable(detail)
