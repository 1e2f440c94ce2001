"""Migrations take an empty database to head and back, agree with the models, and run once when replicas race."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from bot.database import Database, head_revision

from tests.conftest import empty_tables, reset_schema

ROOT = Path(__file__).resolve().parents[1]


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


# A replica as `slm-bot run` starts one: its own process, engine and connections; it says when it is ready,
# and migrates when told to go, so that both migrate at the same moment. Alembic's logs go to stderr.
REPLICA = """
import logging, sys
from bot.database import Database, head_revision
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
db = Database(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
db.migrate()
"""


def test_replicas_starting_together_migrate_an_empty_schema_once(database):
    if database.is_sqlite:
        pytest.skip("SQLite serialises migrators by its write lock (BEGIN IMMEDIATE), which one file on one machine "
                    "shares; the advisory lock under test is PostgreSQL's")
    reset_schema(database)
    replicas = [subprocess.Popen([sys.executable, "-c", REPLICA, database.url], cwd=ROOT, text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
    for replica in replicas:
        assert replica.stdout.readline().strip() == "ready"
    for replica in replicas:  # go, both
        replica.stdin.write("go\n")
        replica.stdin.flush()
    finished = [replica.communicate(timeout=120) for replica in replicas]

    assert [r.returncode for r in replicas] == [0, 0], [err for _out, err in finished]
    steps = [line for _out, err in finished for line in err.splitlines() if line.startswith("Running upgrade")]
    revisions = list(ScriptDirectory.from_config(database.alembic_config()).walk_revisions())
    assert len(steps) == len(revisions), steps  # each migration ran once, by one replica or the other
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [revisions[0].revision]
    empty_tables(database)


def test_the_head_read_from_the_files_is_alembics():
    assert head_revision() == ScriptDirectory.from_config(Database("sqlite://").alembic_config()).get_current_head()


def test_a_schema_at_head_is_found_current_without_alembic(database, monkeypatch):
    """A restart on a current schema asks Alembic nothing; one revision behind, Alembic upgrades it."""
    import alembic.command

    assert database.schema_is_current()
    monkeypatch.setattr(alembic.command, "upgrade", lambda *_a, **_k: pytest.fail("Alembic ran on a current schema"))
    database.migrate()
    monkeypatch.undo()

    head = head_revision()
    database.downgrade("-1")
    assert not database.schema_is_current()
    database.migrate()
    assert database.schema_is_current()
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
    empty_tables(database)


def test_a_start_on_a_current_schema_imports_no_alembic(database):
    code = ("import sys; from bot.database import Database; Database(sys.argv[1]).migrate(); import bot.server; "
            "print(sorted(m for m in ('alembic', 'mako', 'pygments', 'matplotlib', 'holidays', 'fastapi', 'hypothesis')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, database.url], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]", "imported at start, though nothing at start needs it: " + out
