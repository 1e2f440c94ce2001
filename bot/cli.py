"""The `slm-bot` command.

    slm-bot [run]        start the bot (sandbox mode when SLACK_BOT_TOKEN is unset)
    slm-bot migrate      bring the database schema up to date, then exit (the Procfile's release step)
    slm-bot check        check the settings and the database, then exit
    slm-bot tick         run every scheduled job once, now
    slm-bot makemigration "message"   (developers) write a migration for changed models
"""
from __future__ import annotations

import argparse
import logging
import sys

from bot.settings import SettingsError, load_settings

log = logging.getLogger("slm-bot")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="slm-bot", description="A Slack bot for IT service level management.")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot")
    sub.add_parser("migrate", help="bring the database schema up to date")
    sub.add_parser("check", help="check the settings and the database")
    sub.add_parser("tick", help="run every scheduled job once")
    mk = sub.add_parser("makemigration", help="write a migration for changed models (developers)")
    mk.add_argument("message")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as err:
        print(f"slm-bot: {err}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_level.upper() != "DEBUG":  # every run of every job, every migration step is noise at INFO
        for noisy in ("apscheduler", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    from bot.database import Database

    db = Database(settings.database_url)
    command = args.command or "run"
    try:
        if command == "migrate":
            db.migrate()
            print("slm-bot: database is up to date")
            return 0
        if command == "makemigration":
            from alembic import command as alembic

            alembic.revision(db.alembic_config(), message=args.message, autogenerate=True)
            return 0
        db.migrate()
        if command == "check":
            print(f"slm-bot: settings are valid; database at {db.engine.url.render_as_string(hide_password=True)} "
                  f"is reachable and up to date; mode: {'sandbox' if settings.sandbox else 'Slack'}")
            return 0
        if command == "tick":
            from bot.app import Deps
            from bot.clock import Clock
            from bot.scheduler import run_all_once

            run_all_once(Deps(settings=settings, db=db, clock=Clock()))
            return 0
        from bot.server import serve

        return serve(settings, db)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
