"""Who is sending: the workspace an API token speaks for (`Authorization: Bearer <token>`).

Every route under `/api/v1/` depends on `authenticated_team`; the team it returns is the only workspace that
request may read or write. A missing, unknown or revoked token is a 401 with `WWW-Authenticate: Bearer`,
and nothing else is said about it.

`TokenFirst` checks the token before a byte of the body is read: a stranger cannot make the server take in,
parse and validate megabytes of JSON only to be told 401 at the end. The team it finds rides on the request
(`request.state.team_id`), so the route's dependency does not look the token up a second time.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.measurements import tokens

bearer = HTTPBearer(auto_error=False, scheme_name="ApiToken",
                    description="An API token made in Slack with `/slm token new <name>`.")

UNAUTHORISED = HTTPException(
    status_code=401, headers={"WWW-Authenticate": "Bearer"},
    detail="Send a valid API token as `Authorization: Bearer <token>` (make one with `/slm token new <name>`).")


def team_of(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    deps = request.app.state.deps
    with deps.db.session() as session:
        return tokens.authenticate(session, credentials.credentials if credentials else None, deps.clock.now())


def authenticated_team(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
    """The workspace of the request's token, or a 401. (A sync dependency: FastAPI runs it off the event loop.)"""
    team_id = getattr(request.state, "team_id", None) or team_of(request, credentials)
    if team_id is None:
        raise UNAUTHORISED
    return team_id


# A route's parameter `team_id: Team` is the authenticated workspace (and puts the route behind the token).
Team = Annotated[str, Depends(authenticated_team)]


PUBLIC_PATHS = frozenset({"/openapi.json"})  # what anyone may read: the API's description, no data


def bearer_token(scope: Scope) -> str | None:
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class TokenFirst:
    """ASGI middleware: a request to anything but PUBLIC_PATHS without a valid token is answered 401 before its
    body is read."""

    def __init__(self, app: ASGIApp, deps):
        self.app, self.deps = app, deps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root, path = scope.get("root_path", ""), scope["path"]
        if (path[len(root):] if root and path.startswith(root) else path) in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        team_id = await run_in_threadpool(self._authenticate, bearer_token(scope))
        if team_id is None:
            await JSONResponse({"detail": UNAUTHORISED.detail}, status_code=401, headers=UNAUTHORISED.headers)(
                scope, receive, send)
            return
        scope.setdefault("state", {})["team_id"] = team_id
        await self.app(scope, receive, send)

    def _authenticate(self, token: str | None) -> str | None:
        with self.deps.db.session() as session:
            return tokens.authenticate(session, token, self.deps.clock.now())
