"""Interactions already handled, so that one sent again does nothing.

A request Slack signed stays valid for five minutes (the signature's timestamp
window), so anyone who holds a copy of one, or a proxy that sends it twice, can
replay it. Each interaction is claimed here under what identifies it before any
listener runs; the unique key makes the second claim fail, in one statement, on
SQLite and PostgreSQL alike. Rows are kept an hour and then purged.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class InteractionSeen(TeamScoped, table=True):
    __tablename__ = "interaction_seen"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_interaction_seen_team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the interaction's identity: a fixed length whatever Slack sends, and nothing a person typed.
    key: str = Field(max_length=64)
    kind: str = Field(max_length=32)  # block_actions, view_submission, slash_command...: for a reader of the table
    seen_at: datetime = Field(sa_type=UTCDateTime, index=True)
