"""What every table shares: a workspace (`team_id`) and creation stamps."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class TeamScoped(SQLModel):
    """Every row belongs to exactly one Slack workspace; no query crosses them."""

    team_id: str = Field(max_length=32, index=True)


class Stamped(TeamScoped):
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=32)


def name_key(name: str) -> str:
    """The form of a name used for uniqueness: case and inner spacing do not make a new name."""
    return " ".join(name.split()).casefold()
