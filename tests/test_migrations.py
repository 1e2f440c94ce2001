"""Migrations take an empty database to head and back, and agree with the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from tests.conftest import empty_tables, reset_schema


def test_empty_to_head_to_base_and_back(database):
    reset_schema(database)
    database.migrate()
    tables = set(inspect(database.engine).get_table_names())
    assert set(database.table_names()) <= tables
    database.downgrade("base")
    assert set(inspect(database.engine).get_table_names()) - {"alembic_version"} == set()
    database.migrate()
    empty_tables(database)


def test_models_and_migrations_agree(database):
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], "the models changed without a migration: run `slm-bot makemigration \"what changed\"`"
