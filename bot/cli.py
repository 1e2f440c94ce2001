"""The `slm-bot` command.

    slm-bot [run]        start the bot (sandbox mode when SLACK_BOT_TOKEN is unset)
    slm-bot migrate      bring the database schema up to date, then exit (the Procfile's release step)
    slm-bot check        check the settings and the database, then exit
    slm-bot tick         run every scheduled job once, now
    slm-bot worker       run the scheduled jobs, and nothing else (`run` starts one as its child unless SCHEDULER=off)
    slm-bot import --team T… file.csv   import past tickets, ticket events, outages or metric samples
    slm-bot openslo export <sla> [--team T…]            an SLA's period goals as OpenSLO YAML, on stdout
    slm-bot openslo import <sla> <file> --team T…       OpenSLO SLOs as targets of a draft SLA
    slm-bot audit verify [--team T]                     prove the audit trail intact, or say where it is not
    slm-bot audit export --from D --to D [--team T] [--format csv|jsonl] [--out FILE]   the trail as evidence
    slm-bot forget-user U… [--team T…] [--dry-run]      remove or anonymise one person's data (bot.forget_user)
    slm-bot makemigration "message"   (developers) write a migration for changed models
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import urllib.error
import urllib.request

from bot.settings import SettingsError, load_settings

log = logging.getLogger("slm-bot")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="slm-bot", description="A Slack bot for IT service level management.")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot")
    sub.add_parser("migrate", help="bring the database schema up to date")
    sub.add_parser("check", help="check the settings and the database")
    sub.add_parser("tick", help="run every scheduled job once")
    sub.add_parser("worker", help="run the scheduled jobs (and nothing else) until stopped")
    imp = sub.add_parser("import", help="import past tickets, ticket events, outages or metric samples (CSV)")
    imp.add_argument("--team", required=True, help="the Slack workspace (team) id, T…")
    imp.add_argument("--timezone", help="the zone of the file's times that carry none, like Europe/London")
    imp.add_argument("file", help="a CSV file; its header says what it holds (see docs/example-tickets.csv)")
    from bot.measurements.openslo_cli import add_parser as add_openslo

    add_openslo(sub)
    from bot.audit.cli import add_parser as add_audit

    add_audit(sub)
    from bot.forget_user import add_parser as add_forget_user

    add_forget_user(sub)
    mk = sub.add_parser("makemigration", help="write a migration for changed models (developers)")
    mk.add_argument("message")
    return p


def _shown(url: str) -> str:
    """A database URL as people wrote it: no password, no driver name."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except ArgumentError:  # not a URL at all: show only its scheme
        return url.split(":", 1)[0] + ":..."
    return u.set(drivername=u.get_backend_name()).render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    """The driver's own words, last clause of its first line ('Connection refused', 'database "x" does not exist')."""
    from sqlalchemy.exc import DBAPIError

    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(cause, OSError) and cause.strerror:  # e.g. the SQLite file's folder cannot be made
        return cause.strerror
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    reason = first.rsplit(": ", 1)[-1].strip()
    return reason or type(cause).__name__


def _open_database(url: str, *, migrate: bool):
    """The database, reachable and (with `migrate`) up to date; None once one line has said what failed."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.database import Database

    step = "could not connect"
    try:
        db = Database(url)
        if not migrate:  # makemigration compares the models with the schema as it is
            return db
        db.ping()
        step = "could not bring the schema up to date"
        db.migrate()
    except (SQLAlchemyError, OSError) as exc:  # a database that is down at start is one line, not a traceback
        print(f"slm-bot: database {_shown(url)}: {step} ({_reason(exc)})", file=sys.stderr)
        return None
    return db


def _import(db, args) -> int:
    """The whole file in one transaction: stored, or on any bad row nothing and every bad line said."""
    from zoneinfo import ZoneInfoNotFoundError, available_timezones

    from bot.clock import Clock
    from bot.errors import InvalidInput
    from bot.measurements.csv_import import import_file

    if not re.fullmatch(r"[TE][A-Z0-9]{2,31}", args.team):
        print(f"slm-bot: --team {args.team} is not a Slack team id (like T0123ABCD)", file=sys.stderr)
        return 2
    if args.timezone and args.timezone not in available_timezones():
        print(f"slm-bot: --timezone {args.timezone} is not a time zone (like Europe/London)", file=sys.stderr)
        return 2
    try:
        with open(args.file, encoding="utf-8", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as err:
        print(f"slm-bot: cannot read {args.file}: {getattr(err, 'strerror', None) or err}", file=sys.stderr)
        return 1
    try:
        with db.session() as session:
            results = import_file(session, args.team, text, now=Clock().now(), timezone=args.timezone)
    except (InvalidInput, ZoneInfoNotFoundError) as err:
        lines = "\n".join(f"  {where}: {why}" for where, why in getattr(err, "errors", {"": str(err)}).items())
        print(f"slm-bot: {args.file}: nothing imported:\n{lines}", file=sys.stderr)
        return 1
    counts = {o: sum(1 for r in results if r.outcome == o) for o in ("stored", "corrected", "unchanged")}
    print(f"slm-bot: imported {args.file} for {args.team}: {counts['stored']} stored, "
          f"{counts['corrected']} corrected, {counts['unchanged']} unchanged")
    return 0


def _say_if_no_sandbox_answers(base_url: str) -> None:
    """`slm-bot tick` posts to the running sandbox at HOST and PORT; one started on another port is not found, and
    a bare "Connection refused" in the log would not say why (the jobs still run, and their messages wait)."""
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):
            return
    except urllib.error.HTTPError:  # it answered (a 503 is a database hiccup, not a missing sandbox)
        return
    except OSError:
        pass
    print(f"slm-bot: no sandbox answers at {base_url}: start it with `make run`, and run tick with the same PORT "
          "(and HOST) as it. What the jobs post waits in the outbox; a sandbox running on this database sends it "
          "within a minute.", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as err:
        print(f"slm-bot: {err}", file=sys.stderr)
        return 2
    if settings.ignored_database_url:
        print(f"slm-bot: sandbox mode keeps its own database at {_shown(settings.effective_database_url)}; "
              "DATABASE_URL is ignored (set SLACK_BOT_TOKEN for Slack mode, or SANDBOX_DATABASE_URL)", file=sys.stderr)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_level.upper() != "DEBUG":  # every run of every job, every migration step is noise at INFO
        for noisy in ("apscheduler", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    command = args.command or "run"
    # A worker started by `slm-bot run` finds the schema its parent brought up to date; it does not take the
    # migration's lock (the database's write lock on SQLite) again while the bot starts.
    from bot.worker import PARENT_ENV

    started_by_run = command == "worker" and bool(os.environ.get(PARENT_ENV))
    db = _open_database(settings.effective_database_url, migrate=command != "makemigration" and not started_by_run)
    if db is None:
        return 1
    if settings.distributed and command != "makemigration":  # a wrong key is told at start, not at the first send
        from bot.installs.store import key_problem

        if problem := key_problem(settings, db.engine):
            print(f"slm-bot: {problem}", file=sys.stderr)
            return 2
    try:
        if command == "makemigration":
            from alembic import command as alembic

            alembic.revision(db.alembic_config(), message=args.message, autogenerate=True)
            return 0
        if command == "migrate":
            print("slm-bot: database is up to date")
            return 0
        if command == "check":
            print(f"slm-bot: settings are valid; database at {_shown(db.url)} "
                  f"is reachable and up to date; mode: {'sandbox' if settings.sandbox else 'Slack'}")
            return 0
        if command == "import":
            return _import(db, args)
        if command == "forget-user":
            from bot.forget_user import run as forget_user

            return forget_user(args, db)
        if command == "openslo":
            from bot.measurements.openslo_cli import run as run_openslo

            return run_openslo(args, settings, db)
        if command == "audit":
            from bot.audit.cli import run as run_audit

            return run_audit(args, db)
        if command in ("tick", "worker"):
            from bot.app import Deps
            from bot.clock import Clock

            if settings.sandbox:  # what the scheduler sends goes to the running sandbox, never to Slack
                settings = settings.model_copy(update={"slack_api_url": f"{settings.sandbox_base_url}/sandbox/api/"})
                if command == "tick":
                    _say_if_no_sandbox_answers(settings.sandbox_base_url)
            deps = Deps(settings=settings, db=db, clock=Clock())
            if command == "worker":
                from bot import worker

                return worker.run(deps)
            from bot.scheduler import run_all_once

            run_all_once(deps)
            return 0
        from bot.server import serve

        if not settings.distributed:  # token mode: started with a token, so installed again (bot.installs.uninstall)
            from bot.installs.uninstall import token_mode_start

            with db.session() as session:
                token_mode_start(session)
        return serve(settings, db)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
