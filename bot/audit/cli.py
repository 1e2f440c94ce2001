"""`slm-bot audit verify|export`: the command-line side of the audit trail, for operators and auditors."""
from __future__ import annotations

import argparse
import sys
from datetime import date

from bot.audit import export as exporting
from bot.audit.verify import teams, verify


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-30") from None


def add_parser(sub) -> None:
    p = sub.add_parser("audit", help="verify the audit trail's chain, or export it as evidence")
    verbs = p.add_subparsers(dest="verb", required=True)
    check = verbs.add_parser("verify", help="prove that no audit record was altered, removed or inserted")
    check.add_argument("--team", help="only this Slack workspace (T…); every workspace when left out")
    out = verbs.add_parser("export", help="the audit records between two dates, as CSV or JSON lines")
    out.add_argument("--from", dest="start", type=_day, required=True, help="the first day (UTC), like 2026-01-01")
    out.add_argument("--to", dest="end", type=_day, required=True, help="the last day (UTC), included")
    out.add_argument("--team", help="only this Slack workspace (T…)")
    out.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    out.add_argument("--out", help="the file to write (stdout when left out)")


def run(args: argparse.Namespace, db) -> int:
    if args.verb == "verify":
        return _verify(db, args.team)
    if args.start > args.end:
        print(f"slm-bot: --from {args.start} is after --to {args.end}", file=sys.stderr)
        return 2
    with db.read_session() as session:
        rows = exporting.events(session, args.start, args.end, args.team)
        if not args.out:
            written = exporting.write(sys.stdout, rows, args.format)
        else:
            try:
                with open(args.out, "w", encoding="utf-8", newline="") as f:
                    written = exporting.write(f, rows, args.format)
            except OSError as err:
                print(f"slm-bot: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
                return 1
        kept = exporting.heads(session, args.team)
    where = args.out or "stdout"
    print(f"slm-bot: {written} audit records from {args.start} to {args.end} written to {where}", file=sys.stderr)
    for head in kept:  # kept by the auditor outside the database: the trail must never end before it again
        print(f"slm-bot: {head.team_id}: head #{head.seq} {head.hash} (keep this: a later verify must reach it)",
              file=sys.stderr)
    return 0


def _verify(db, team_id: str | None) -> int:
    broken = 0
    with db.read_session() as session:
        found = teams(session, team_id)
        for team in found:
            verdict = verify(session, team)
            if verdict.intact:
                print(f"slm-bot: {team}: {verdict.records} records, intact")
            else:
                broken += 1
                print(f"slm-bot: {team}: BROKEN: {verdict.problem}")
    if not found:
        print("slm-bot: 0 records, intact" + (f" (nothing recorded for {team_id})" if team_id else ""))
    return 1 if broken else 0
