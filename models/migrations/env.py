"""Alembic environment: run by `slm-bot migrate`, at start, and by the tests.

The engine comes from `bot.database.Database` (config.attributes["engine"]), so
SQLite pragmas and PostgreSQL pooling are the same as at run time. On PostgreSQL the
Database passes the connection that holds the migration lock (config.attributes["connection"]),
and the migration runs on it.
"""
from contextlib import nullcontext

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with nullcontext(given) if given is not None else engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
