"""API tokens: what a sender (a monitoring system, a ticket tool, Alertmanager) presents as `Authorization: Bearer`.

A token is made of 32 random bytes, shown once to the person who made it, and kept only as its SHA-256: a
token that leaks from the database is no token at all. A plain hash, not a slow password hash, is enough
because the token is random, not chosen by a person; it also lets the token be found by its hash in one
indexed lookup. Each token speaks for its workspace only.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, paging
from bot.errors import InvalidInput, NotFound
from bot.paging import Page
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models.measurements import ApiToken

TOKEN_PREFIX = "slm_"  # so a token found in a log or a repository can be told for what it is
PREFIX_SHOWN = 12      # the characters kept in clear, so people can tell tokens apart
MAX_NAME = 80
# Writing last use on every request would make every sender's request a write; a minute's precision is plenty.
LAST_USE_PRECISION = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    name: str
    token: str  # shown once, never stored


def _clean_name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise InvalidInput({"name": "Name the token after what will send with it, like “grafana” or “servicenow”."})
    if len(clean) > MAX_NAME:
        raise InvalidInput({"name": f"A token's name can be at most {MAX_NAME} characters."})
    return clean


def _by_name(session: Session, team_id: str, name: str) -> ApiToken | None:
    return session.exec(select(ApiToken).where(ApiToken.team_id == team_id, ApiToken.name == name)).first()


def create(session: Session, actor: Actor, name: str) -> NewToken:
    """A new token named `name`. A revoked token's name may be used again: its row takes the new token."""
    require(actor, Capability.MANAGE_API_TOKENS)
    clean = _clean_name(name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = _by_name(session, actor.team_id, clean)
    if row is not None and row.revoked_at is None:
        raise InvalidInput({"name": f"There is already a token called “{clean}”. Revoke it first, or choose "
                                    "another name."})
    if row is None:
        row = ApiToken(team_id=actor.team_id, name=clean, token_hash="", prefix="", created_by=actor.user_id,
                       created_at=actor.at())
    row.token_hash, row.prefix = digest(token), token[:PREFIX_SHOWN]
    row.created_by, row.created_at, row.last_used_at = actor.user_id, actor.at(), None
    row.revoked_at = row.revoked_by = None
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # made at the same moment by someone else
        raise InvalidInput({"name": f"There is already a token called “{clean}”."}) from None
    audit.record(session, actor, "api_token.create", "api_token", row.id, name=clean,
                 after=audit.snapshot(row, "name", "prefix", "created_at", "created_by"))  # never its hash
    return NewToken(name=clean, token=token)


def revoke(session: Session, actor: Actor, name: str) -> ApiToken:
    require(actor, Capability.MANAGE_API_TOKENS)
    clean = _clean_name(name)
    row = _by_name(session, actor.team_id, clean)
    if row is None or row.revoked_at is not None:
        raise NotFound(f"There is no token called “{clean}” in use.")
    row.revoked_at, row.revoked_by = actor.at(), actor.user_id
    session.add(row)
    audit.record(session, actor, "api_token.revoke", "api_token", row.id, name=clean,
                 before={"revoked_at": None, "revoked_by": None}, after=audit.snapshot(row, "revoked_at", "revoked_by"))
    return row


def listed(session: Session, actor: Actor, offset: int = 0, size: int = 40) -> Page:
    """A page of the workspace's tokens, those in use first, then by name. For those who keep the tokens: which
    senders exist, and the first characters of their tokens, are not every member's business."""
    require(actor, Capability.MANAGE_API_TOKENS)
    return paging.read(session, select(ApiToken).where(ApiToken.team_id == actor.team_id)
                       .order_by(ApiToken.revoked_at.is_not(None), func.lower(ApiToken.name), ApiToken.id), offset, size)


def authenticate(session: Session, token: str | None, now: datetime) -> str | None:
    """The workspace a presented token speaks for, or None (missing, unknown or revoked). Notes its use."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_PRECISION:
        row.last_used_at = now
        session.add(row)
    return row.team_id
