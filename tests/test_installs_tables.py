"""The OAuth stores' tables as the models define them (models/installs.py) are slack_sdk's own, column by column, so
the stores read and write them as they would tables they had made themselves."""
from __future__ import annotations

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

from models.installs import slack_bots, slack_installations, slack_oauth_states


def shape(table) -> tuple:
    columns = [(c.name, repr(c.type), c.nullable, c.primary_key) for c in table.columns]
    indexes = sorted((i.name, tuple(c.name for c in i.columns)) for i in table.indexes)
    return table.name, columns, indexes


@pytest.mark.parametrize("ours,build", [
    (slack_bots, lambda m: SQLAlchemyInstallationStore.build_bots_table(m, "slack_bots")),
    (slack_installations, lambda m: SQLAlchemyInstallationStore.build_installations_table(m, "slack_installations")),
    (slack_oauth_states, lambda m: SQLAlchemyOAuthStateStore.build_oauth_states_table(m, "slack_oauth_states")),
])
def test_the_tables_are_slack_sdks(ours, build):
    assert shape(ours) == shape(build(MetaData()))


def test_the_stores_use_these_tables_by_their_default_names():
    assert SQLAlchemyInstallationStore.default_bots_table_name == slack_bots.name
    assert SQLAlchemyInstallationStore.default_installations_table_name == slack_installations.name
    assert SQLAlchemyOAuthStateStore.default_table_name == slack_oauth_states.name
