"""`/slm token new <name>`, `/slm token revoke <name>`, `/slm tokens`: the API tokens senders use."""
from __future__ import annotations

from bot.measurements import tokens
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from messages import render_message

SHOWN = 40  # tokens a page, a section each: within a message's 50 blocks with the page's foot


@registry.command("token new", "/slm token new <name>",
            "Make an API token for a sender (monitoring, a ticket tool, Alertmanager); shown once")
def new_token(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        made = tokens.create(session, req.actor, one_name(req.args))
    req.context["done"] = f"The API token {made.name} is made"
    req.respond(**render_message("token_created.yml.j2", name=made.name, token=made.token))


@registry.command("token revoke", "/slm token revoke <name>", "Revoke an API token: its sender gets 401 from then on")
def revoke_token(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        row = tokens.revoke(session, req.actor, one_name(req.args))
    req.context["done"] = f"The API token {row.name} is revoked"
    req.respond(**render_message("token_revoked.yml.j2", name=row.name))


@registry.command("tokens", "/slm tokens", "The API tokens: names and last use", pages=True)
def list_tokens(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        page = tokens.listed(session, req.actor, req.offset, SHOWN)
    req.respond(**render_message("tokens.yml.j2", rows=page.rows, shown=SHOWN, pager=pager(req, page, "tokens")))
