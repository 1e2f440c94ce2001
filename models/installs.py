"""The tables of Slack's OAuth stores (distributed mode, bot/installs), on the models' metadata so that migration 0016
creates them, tests empty them, and nothing creates them at run time (the stores' `create_tables` is never called).

They are slack_sdk's own definitions (SQLAlchemyInstallationStore.build_bots_table, build_installations_table,
SQLAlchemyOAuthStateStore.build_oauth_states_table), written out here so that the models import nothing of Slack's;
tests/test_installs_tables.py checks that they are the same. Their token columns hold ciphertext
(bot/installs/cipher.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, func
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime

BOTS_TABLE, INSTALLATIONS_TABLE, STATES_TABLE = "slack_bots", "slack_installations", "slack_oauth_states"


def _bot_columns() -> list[Column]:
    return [Column("bot_token", String(200)), Column("bot_id", String(32)), Column("bot_user_id", String(32)),
            Column("bot_scopes", String(1000)), Column("bot_refresh_token", String(200)),
            Column("bot_token_expires_at", DateTime)]


slack_bots = Table(
    BOTS_TABLE, SQLModel.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{BOTS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_installations = Table(
    INSTALLATIONS_TABLE, SQLModel.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{INSTALLATIONS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)

slack_oauth_states = Table(
    STATES_TABLE, SQLModel.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


class WorkspaceUninstall(SQLModel, table=True):
    """A workspace that uninstalled the bot (or revoked its token) and has not installed it again: whatever is queued
    for it is cancelled, not sent (bot/installs/uninstall.py). Installing again removes the row. A workspace that never
    installed it has none: its messages wait."""

    __tablename__ = "workspace_uninstall"

    team_id: str = Field(max_length=32, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    event: str = Field(max_length=32)  # app_uninstalled or tokens_revoked
