"""The tables of Slack's OAuth stores (distributed mode, bot/installs): built by slack_sdk's own definitions, on the
models' metadata, so that migration 0016 creates them, tests empty them, and nothing creates them at run time
(the stores' `create_tables` is never called). Their token columns hold ciphertext (bot/installs/cipher.py)."""
from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime

BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

slack_bots = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE)
slack_installations = SQLAlchemyInstallationStore.build_installations_table(SQLModel.metadata, INSTALLATIONS_TABLE)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, STATES_TABLE)


class WorkspaceUninstall(SQLModel, table=True):
    """A workspace that uninstalled the bot (or revoked its token) and has not installed it again: whatever is queued
    for it is cancelled, not sent (bot/installs/uninstall.py). Installing again removes the row. A workspace that never
    installed it has none: its messages wait."""

    __tablename__ = "workspace_uninstall"

    team_id: str = Field(max_length=32, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    event: str = Field(max_length=32)  # app_uninstalled or tokens_revoked
