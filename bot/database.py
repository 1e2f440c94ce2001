"""The database: one engine, short sessions, migrations at start.

SQLite (the default) runs in WAL mode with foreign keys on; PostgreSQL is reached
through psycopg 3. Every table carries `team_id`, and every query filters on it.

A database that stops answering must not hang the bot: Slack wants every answer within three seconds, and
a person is better told "try again in a minute" than left waiting. So no wait on the database is open-ended:
a connection is made within CONNECT_TIMEOUT, a pooled one must answer a ping within PING_TIMEOUT before it is
lent out, no statement runs past STATEMENT_TIMEOUT, a free connection is waited for at most POOL_TIMEOUT, and
on SQLite a lock held by another writer is waited for at most SQLITE_BUSY_TIMEOUT. Any of these failing raises
an error that `unavailable()` recognises. Migrations have no statement timeout: a large table may take longer.

Replicas starting together all migrate at start, so a migration takes a lock first and the schema is migrated
once: on PostgreSQL a session advisory lock (MIGRATION_LOCK_KEY) held by the migration's own connection around
Alembic's upgrade, so the others wait, then find the schema at head and do nothing. On SQLite nothing more is
needed: every transaction starts with BEGIN IMMEDIATE (the database file's write lock) and Alembic runs the
whole upgrade, reading the current revision first, in one transaction, so a second migrator waits for the first.

Most starts find the schema current. That is read without Alembic (the stored revision against the one head the
migration files name), so a restart does not import Alembic, and Mako and Pygments under it: a tenth of the start's
imports. Anything else (an empty database, an older revision, files naming several heads) goes to Alembic.
"""
from __future__ import annotations

import ast
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from bot.db_deadlines import CallDeadlines

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(models.__file__).parent / "migrations"

CONNECT_TIMEOUT = 2  # seconds; libpq's smallest
PING_TIMEOUT = 1.0  # a pooled connection's "SELECT 1" before it is lent out
STATEMENT_TIMEOUT = 5.0  # the server cancels a statement after this; we give up on its answer a second later
POOL_TIMEOUT = 1.0  # waiting for a free connection when all are in use
SQLITE_BUSY_TIMEOUT = 2.0  # waiting for another writer's lock on SQLite
POOL_SIZE, MAX_OVERFLOW = 5, 5
MIGRATION_LOCK_KEY = 0x736C6D2D6D696772  # "slm-migr": the advisory lock every migrator of this database takes
SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "unable to open database", "disk I/O error")

_deadlines = CallDeadlines()


class DatabaseUnavailable(Exception):
    """The database did not answer in time."""


def unavailable(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) says the database cannot be reached or did not answer in time."""
    for _ in range(5):
        if error is None:
            return False
        if isinstance(error, (exc.TimeoutError, DatabaseUnavailable)):
            return True
        if isinstance(error, exc.OperationalError):
            if isinstance(error.orig, sqlite3.OperationalError):  # also "no such table" and other mistakes of ours
                return any(reason in str(error.orig) for reason in SQLITE_UNAVAILABLE)
            return True  # psycopg: the connection failed or broke, or a statement was cancelled
        error = error.__cause__ or error.__context__
    return False


READ_ONLY = "slm_read_only"  # the execution option that marks Database.read_session's connection


class Database:
    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = self._create_engine(url)
        # On an SQLite file, read sessions have connections of their own. A writer waits for the file's one write
        # lock (up to SQLITE_BUSY_TIMEOUT) holding a pooled connection; under load (ingestion, the recheck) writers
        # held every one of them, and the reads before an ack waited POOL_TIMEOUT for one and failed, though under
        # WAL a read waits for no writer. One pool for the two would lend a reader's connection to a writer.
        self._read_engine = self._create_engine(url) if self.is_sqlite and _on_disk(url) else self.engine

    def _create_engine(self, url: str, *, for_migrations: bool = False) -> Engine:
        # hide_parameters: a failed statement's error (and so the log) never carries the values a person typed.
        if not self.is_sqlite:
            engine = create_engine(url, hide_parameters=True, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW,
                                   pool_timeout=POOL_TIMEOUT, connect_args=_postgres_connect_args(url, for_migrations))
            _postgres_deadlines(engine, statements=not for_migrations)
            return engine
        on_disk = _on_disk(url)
        if on_disk:
            Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, hide_parameters=True, **({"pool_timeout": POOL_TIMEOUT} if on_disk else {}),
                               connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT})
        _sqlite_transactions(engine)
        return engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A unit of work that only reads, ended (never committed) when the block ends.

        On SQLite it begins DEFERRED rather than IMMEDIATE: in WAL mode a reader reads a snapshot and takes no
        write lock, so it neither waits for a writer nor holds one up. The reads before an ack (who is acting)
        use it, and so do long reads after one (the map), so that no ack waits for the database's one write lock
        while a slow listener reads. Nothing may be written in it. Elsewhere it is a session like any other.
        """
        with Session(self._read_engine, expire_on_commit=False) as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session  # closing it ends the transaction; unlike a rollback, it leaves what was read loaded

    def alembic_config(self, engine: Engine | None = None) -> Config:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        cfg.attributes["engine"] = engine or self.engine
        return cfg

    @contextmanager
    def _migration_engine(self) -> Iterator[Engine]:
        """PostgreSQL: an engine without the statement timeout. SQLite: the one engine (an in-memory one is per engine)."""
        if self.is_sqlite:
            yield self.engine
            return
        engine = self._create_engine(self.url, for_migrations=True)
        try:
            yield engine
        finally:
            engine.dispose()

    @contextmanager
    def _migration_config(self) -> Iterator[Config]:
        """Alembic's configuration for one migration, run by one migrator at a time (see the module's docstring)."""
        with self._migration_engine() as engine:
            if self.is_sqlite:
                yield self.alembic_config(engine)
                return
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                connection.commit()  # the lock is the session's: it outlives this transaction, and Alembic begins its own
                try:
                    cfg = self.alembic_config(engine)
                    cfg.attributes["connection"] = connection  # Alembic migrates on the connection holding the lock
                    yield cfg
                finally:
                    connection.rollback()  # whatever a failed upgrade left open, so the unlock can run
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                    connection.commit()

    def migrate(self, revision: str = "head") -> None:
        if revision == "head" and self.schema_is_current():
            return  # the usual restart: nothing to do, and nothing of Alembic's imported to find that out
        from alembic import command

        with self._migration_config() as cfg:
            command.upgrade(cfg, revision)

    def schema_is_current(self) -> bool:
        """Whether the database's one stored revision is the migration files' one head."""
        head = head_revision()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except exc.SQLAlchemyError:  # no alembic_version yet: an empty database
            return False
        return stored == [head]

    def downgrade(self, revision: str = "base") -> None:
        from alembic import command

        with self._migration_config() as cfg:
            command.downgrade(cfg, revision)

    def table_names(self) -> list[str]:
        return [t.name for t in SQLModel.metadata.sorted_tables]

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine statements go through: `engine`, and on an SQLite file the read sessions' own (what watches
        the statements sent, such as a test counting them, listens to each)."""
        return (self.engine,) if self._read_engine is self.engine else (self.engine, self._read_engine)

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()


def _on_disk(url: str) -> bool:
    """An SQLite URL naming a file (not an in-memory database, which is one per connection pool)."""
    db_path = make_url(url).database
    return bool(db_path) and db_path != ":memory:"


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


def head_revision() -> str | None:
    """The one revision no migration file revises, read from the files' `revision = ` and `down_revision = ` lines;
    None when they name other than one head or a line reads otherwise (then Alembic, which reads them whole, decides).
    tests/test_migrations.py holds it to Alembic's own answer."""
    revisions, revised = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        try:
            revision, down = ast.literal_eval(found["revision"]), ast.literal_eval(found.get("down_revision", "None"))
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        revised.update([down] if isinstance(down, str) else (down or ()))
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def _sqlite_transactions(engine: Engine) -> None:
    """SQLAlchemy's documented recipe for pysqlite ("Transactions with SQLite and the sqlite3 driver").

    Left to itself, pysqlite begins a transaction only before an INSERT, UPDATE or DELETE: reads run outside
    any transaction (so a row read to be locked is not locked), and a SAVEPOINT that is the first write
    commits on release, out of reach of the outer rollback. Here pysqlite's own transaction handling is
    off and every unit of work starts with BEGIN IMMEDIATE: it takes the write lock at once, so two units
    of work that read and then write one after the other instead of both reading stale rows.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # pysqlite emits no BEGIN (nor COMMIT before DDL) of its own
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN DEFERRED" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def _postgres_connect_args(url: str, for_migrations: bool) -> dict:
    """libpq's own limits: on connecting, on a dead peer (keepalives, unacknowledged sends), on each statement.

    A value given in DATABASE_URL's query string wins; the statement timeout is added to its `options`.
    """
    given = make_url(url).query
    args = {"connect_timeout": CONNECT_TIMEOUT, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3,
            "keepalives_count": 3, "tcp_user_timeout": int((STATEMENT_TIMEOUT + 1) * 1000)}
    args = {name: value for name, value in args.items() if name not in given}
    if not for_migrations:
        options = given.get("options", "")
        options = " ".join(options) if isinstance(options, tuple) else options
        args["options"] = f"{options} -c statement_timeout={int(STATEMENT_TIMEOUT * 1000)}".strip()
    return args


def _postgres_deadlines(engine: Engine, *, statements: bool) -> None:
    """Every wait on PostgreSQL gets a deadline of our own (bot/db_deadlines.py), and a pooled connection is pinged
    before it is lent out: one that does not answer in PING_TIMEOUT fails the checkout at once (rather than
    trying a new connection, which would wait CONNECT_TIMEOUT more); one that is merely broken (the server
    restarted) is replaced, as SQLAlchemy's pool_pre_ping would.
    """
    statement_deadline = STATEMENT_TIMEOUT + 1

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, _record, cargs, cparams):
        conn = dialect.connect(*cargs, **cparams)  # psycopg's own connect_timeout bounds this
        _deadlines.arm(conn, statement_deadline)  # SQLAlchemy's first queries on a new connection
        return conn

    @event.listens_for(engine, "connect")
    def _connected(dbapi_conn, record):
        _deadlines.disarm(dbapi_conn)
        record.info["unpinged"] = True  # just made: no need to ping it

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn, record, _proxy):
        if record.info.pop("unpinged", False):
            return
        started = time.monotonic()
        _deadlines.arm(dbapi_conn, PING_TIMEOUT)
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except engine.dialect.loaded_dbapi.Error as err:
            if time.monotonic() - started >= PING_TIMEOUT:
                raise DatabaseUnavailable(f"the database did not answer within {PING_TIMEOUT:g} s") from err
            raise exc.InvalidatePoolError() from err  # broken: SQLAlchemy connects afresh, once
        finally:
            _deadlines.disarm(dbapi_conn)

    def _dbapi(conn):  # an invalidated Connection would reconnect if asked for its DBAPI connection
        return None if conn.closed or conn.invalidated else conn.connection.dbapi_connection

    def _arm(conn, *_args):
        if (dbapi_conn := _dbapi(conn)) is not None:
            _deadlines.arm(dbapi_conn, statement_deadline)

    def _disarm(conn, *_args):
        _deadlines.disarm(_dbapi(conn))

    if statements:
        event.listen(engine, "before_cursor_execute", _arm)
        event.listen(engine, "after_cursor_execute", _disarm)
        event.listen(engine, "commit", _arm)  # until the connection is back in the pool
        event.listen(engine, "rollback", _arm)
    event.listen(engine, "reset", lambda dbapi_conn, *_: _deadlines.arm(dbapi_conn, statement_deadline))
    for done in ("checkin", "invalidate", "close", "close_detached"):
        event.listen(engine, done, lambda dbapi_conn, *_: dbapi_conn is not None and _deadlines.disarm(dbapi_conn))

    @event.listens_for(engine, "handle_error")
    def _failed(context):
        if context.connection is not None:
            _disarm(context.connection)
