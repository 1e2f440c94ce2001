"""`/slm service|party|calendar rename|remove`, `/slm link remove`: correcting names, removing what is unused.

A removal is only asked for here: the reply says what would go, with a "Remove …"
button and Cancel (handlers/actions/remove_buttons.py does the removing).
"""
from __future__ import annotations

from bot.service_map import changes as map_changes
from handlers import registry
from handlers.commands.arguments import one_name, two_names
from handlers.commands.router import SlashRequest
from messages import render_message

WHAT = {"service": "service", "party": "party", "calendar": "calendar"}


def _rename(req: SlashRequest, kind: str) -> None:
    usage = f"`/slm {kind} rename \"Old name\" \"New name\"`"
    with req.deps.db.session() as session:
        old, new = two_names(req.args, lambda name: map_changes.find(session, req.actor.team_id, kind, name) is not None,
                             usage, WHAT[kind])
        before, after = map_changes.rename(session, req.actor, kind, old, new)
    if req.context is not None:
        req.context["done"] = f"Renamed the {kind} {before} to {after}"
    req.respond(**render_message("map_renamed.yml.j2", kind=kind, old=before, new=after))


def _ask_to_remove(req: SlashRequest, kind: str) -> None:
    with req.deps.db.session() as session:
        if kind == "link":
            service, party = two_names(
                req.args, lambda name: map_changes.find(session, req.actor.team_id, "service", name) is not None,
                "`/slm link remove \"Service\" \"Party\"`", "service")
            removal = map_changes.check_removal(session, req.actor, "link", service, party)
        else:
            removal = map_changes.check_removal(session, req.actor, kind, one_name(req.args))
    req.respond(**render_message("map_remove_confirm.yml.j2", removal=removal))


@registry.command("service rename", "/slm service rename <old> <new>", "Correct a service's name (the audit trail keeps the old one)")
def rename_service(req: SlashRequest) -> None:
    _rename(req, "service")


@registry.command("service remove", "/slm service remove <name>", "Remove a service nothing uses any more (asks first)")
def remove_service(req: SlashRequest) -> None:
    _ask_to_remove(req, "service")


@registry.command("party rename", "/slm party rename <old> <new>", "Correct a customer's, supplier's or support group's name")
def rename_party(req: SlashRequest) -> None:
    _rename(req, "party")


@registry.command("party remove", "/slm party remove <name>", "Remove a customer, supplier or support group nothing uses (asks first)")
def remove_party(req: SlashRequest) -> None:
    _ask_to_remove(req, "party")


@registry.command("link remove", "/slm link remove <service> <party>", "Remove the link between a service and a party (asks first)")
def remove_link(req: SlashRequest) -> None:
    _ask_to_remove(req, "link")


@registry.command("calendar rename", "/slm calendar rename <old> <new>", "Correct a calendar's name")
def rename_calendar(req: SlashRequest) -> None:
    _rename(req, "calendar")


@registry.command("calendar remove", "/slm calendar remove <name>", "Remove a calendar no target is measured in (asks first)")
def remove_calendar(req: SlashRequest) -> None:
    _ask_to_remove(req, "calendar")
