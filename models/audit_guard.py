"""The database triggers that keep `audit_event` append-only: UPDATE and DELETE of its rows are refused.

Created by migration 0015 on SQLite and PostgreSQL alike. Someone with the rights to drop them can still alter the
trail; the hash chain is what shows that they did (`slm-bot audit verify`). The test suite, which empties every
table between tests, drops them around that (tests/conftest.py), as only such a person could.
"""
from __future__ import annotations

REFUSAL = "audit_event is append-only: its records are never updated or deleted"

SQLITE_CREATE = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]

POSTGRES_CREATE = [
    "CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
                 "DROP FUNCTION IF EXISTS audit_event_refuse()"]


def create(dialect: str) -> list[str]:
    return SQLITE_CREATE if dialect == "sqlite" else POSTGRES_CREATE


def drop(dialect: str) -> list[str]:
    return SQLITE_DROP if dialect == "sqlite" else POSTGRES_DROP
