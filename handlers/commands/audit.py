"""`/slm audit <thing>`: a service's, party's, agreement's or action's history, or what a person did."""
from __future__ import annotations

from bot.audit import history
from handlers import registry
from handlers.commands.router import SlashRequest
from handlers.paging import pager
from handlers.presenters.audit import line
from messages import render_message

SHOWN = 15  # records a page, a section each (a section's text stays far within 3,000 characters)


@registry.command("audit", history.USAGE, "A thing's history from the audit trail, newest first: who changed what, "
                  "with the values before and after", pages=True)
def show_history(req: SlashRequest) -> None:
    with req.deps.db.read_session() as session:
        thing, page = history.history(session, req.actor, req.args, req.offset, SHOWN)
    req.respond(**render_message("audit_history.yml.j2", thing=thing, lines=[line(e) for e in page.rows],
                                 pager=pager(req, page, "records")))
