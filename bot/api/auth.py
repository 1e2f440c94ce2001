"""Who is sending: the workspace an API token speaks for (`Authorization: Bearer <token>`).

Every route under `/api/v1/` depends on `authenticated_team`; the team it returns is the only workspace that
request may read or write. A missing, unknown or revoked token is a 401 with `WWW-Authenticate: Bearer`,
and nothing else is said about it.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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
    team_id = team_of(request, credentials)
    if team_id is None:
        raise UNAUTHORISED
    return team_id


# A route's parameter `team_id: Team` is the authenticated workspace (and puts the route behind the token).
Team = Annotated[str, Depends(authenticated_team)]
