"""`slm-bot openslo export|import`: the command-line side of bot.measurements.openslo."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlmodel import select

from bot.errors import DomainError, InvalidInput
from bot.measurements import openslo
from bot.workspace.actor import Actor
from bot.workspace.permissions import SERVICE_MANAGER  # an operator at the shell acts as a service manager
from models import Agreement, AgreementKind
from models.base import name_key

CLI_USER = "slm-bot-cli"  # who the audit trail names when the operator at the shell imports


def add_parser(sub) -> None:
    p = sub.add_parser("openslo", help="export an SLA's goals as OpenSLO, or import OpenSLO SLOs into a draft")
    verbs = p.add_subparsers(dest="verb", required=True)
    out = verbs.add_parser("export", help="an SLA's period goals as OpenSLO YAML, on stdout")
    out.add_argument("sla")
    out.add_argument("--team", help="the Slack workspace (T…); needed when two workspaces have an SLA of that name")
    into = verbs.add_parser("import", help="OpenSLO SLOs as targets of a draft SLA")
    into.add_argument("sla")
    into.add_argument("file", type=Path)
    into.add_argument("--team", required=True, help="the Slack workspace (T…)")
    into.add_argument("--user", default=CLI_USER, help="the Slack user id the change is made for (the audit trail)")


def run(args: argparse.Namespace, settings, db) -> int:
    try:
        if args.verb == "export":
            with db.session() as session:
                team = args.team or _only_team(session, args.sla)
                sys.stdout.write(openslo.export(session, team, args.sla))
            return 0
        text = args.file.read_text(encoding="utf-8")
        from bot.agreements import DocSettings

        actor = Actor(team_id=args.team, user_id=args.user[:32], roles=frozenset({SERVICE_MANAGER}),
                      now=datetime.now(timezone.utc))
        with db.session() as session:
            added = openslo.import_into(session, actor, args.sla, text,
                                        DocSettings(provider_name=settings.provider_name,
                                                    templates_dir=settings.templates_dir))
        print(f"slm-bot: added to {args.sla}: " + "; ".join(added))
        return 0
    except InvalidInput as err:
        for field, problem in err.errors.items():
            print(f"slm-bot: {field}: {problem}", file=sys.stderr)
        return 1
    except (DomainError, OSError) as err:
        print(f"slm-bot: {err}", file=sys.stderr)
        return 1


def _only_team(session, sla: str) -> str:
    teams = sorted(set(session.exec(select(Agreement.team_id).where(
        Agreement.name_key == name_key(sla), Agreement.kind == AgreementKind.SLA.value)).all()))
    if len(teams) != 1:
        raise DomainError(f"No SLA called “{sla}”." if not teams else
                          f"Several workspaces have an SLA called “{sla}”: name one with --team ({', '.join(teams)}).")
    return teams[0]
