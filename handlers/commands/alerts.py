"""`/slm alerts`: which Alertmanager label names the service, and the label values mapped to services."""
from __future__ import annotations

from bot.measurements import alert_labels
from handlers import registry
from handlers.commands.arguments import QUOTES, one_name
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from messages import render_message

USAGE = "/slm alerts map <label value> <service>"


def _value_and_service(args: str) -> tuple[str, str]:
    """`payroll-api Payroll`, `"pay roll" Acme Payroll`: the value is one word, or quoted; the rest is the service."""
    args = args.strip()
    if args[:1] in QUOTES:
        end = args.find(QUOTES[args[0]], 1)
        if end > 0:
            return args[1:end].strip(), one_name(args[end + 1:])
    value, _, service = args.partition(" ")
    return value, one_name(service)


def _show(req: SlashRequest, changed: str | None = None) -> None:
    with req.deps.db.session() as session:
        label = alert_labels.label_name(session, req.actor.team_id)
        page = alert_labels.mappings(session, req.actor.team_id, req.offset)
    req.respond(**render_message("alerts.yml.j2", label=label, mappings=page.rows, changed=changed,
                                 pager=pager(req, page, "mapped values", command="alerts")))


@registry.command("alerts", "/slm alerts", "Which Alertmanager label names the service, and the values mapped to services",
                  pages=True)
def show(req: SlashRequest) -> None:
    _show(req)


@registry.command("alerts map", USAGE, "Alerts whose service label has this value are about this service")
def map_value(req: SlashRequest) -> None:
    value, service = _value_and_service(req.args)
    with req.deps.db.session() as session:
        mapping, before = alert_labels.map_value(session, req.actor, value, service)
    req.context["done"] = f"Alerts labelled {mapping.label_value} are about {mapping.service_name}"
    changed = f"“{mapping.label_value}” now names {mapping.service_name}" + (f" (it named {before})." if before else ".")
    _show(req, changed)


@registry.command("alerts unmap", "/slm alerts unmap <label value>", "Forget a label value's mapping")
def unmap_value(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        mapping = alert_labels.unmap_value(session, req.actor, one_name(req.args))
    req.context["done"] = f"Alerts labelled {mapping.label_value} are no longer mapped"
    _show(req, f"“{mapping.label_value}” no longer names {mapping.service_name}.")
