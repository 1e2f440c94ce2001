"""The database triggers that keep `audit_event` append-only: UPDATE and DELETE of its rows are refused; and that
keep `audit_head` moving forward only: lowering its seq and deleting it are refused, so that deleting the newest
records and rewinding the head to match (or wiping both) takes dropping these triggers too.

Created by migration 0015 on SQLite and PostgreSQL alike. Someone with the rights to drop them can still alter the
trail; the hash chain is what shows that they did (`slm-bot audit verify`). The test suite, which empties every
table between tests, drops them around that (tests/conftest.py), as only such a person could.
"""
from __future__ import annotations

REFUSAL = "audit_event is append-only: its records are never updated or deleted"
HEAD_REFUSAL = "audit_head only moves forward: it is never rewound or deleted"

SQLITE_CREATE = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER audit_head_no_rewind BEFORE UPDATE ON audit_head WHEN NEW.seq < OLD.seq "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD_REFUSAL}'); END",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD_REFUSAL}'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete",
               "DROP TRIGGER IF EXISTS audit_head_no_rewind", "DROP TRIGGER IF EXISTS audit_head_no_delete"]

POSTGRES_CREATE = [
    "CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()",
    "CREATE OR REPLACE FUNCTION audit_head_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{HEAD_REFUSAL}'; END $$",
    "CREATE TRIGGER audit_head_no_rewind BEFORE UPDATE ON audit_head "
    "FOR EACH ROW WHEN (NEW.seq < OLD.seq) EXECUTE FUNCTION audit_head_refuse()",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_refuse()",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
                 "DROP FUNCTION IF EXISTS audit_event_refuse()",
                 "DROP TRIGGER IF EXISTS audit_head_no_rewind ON audit_head",
                 "DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head",
                 "DROP FUNCTION IF EXISTS audit_head_refuse()"]


def create(dialect: str) -> list[str]:
    return SQLITE_CREATE if dialect == "sqlite" else POSTGRES_CREATE


def drop(dialect: str) -> list[str]:
    return SQLITE_DROP if dialect == "sqlite" else POSTGRES_DROP
