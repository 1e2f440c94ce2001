"""Modal submissions, one module per modal."""
from __future__ import annotations

from slack_bolt import App

from handlers.views import link_form, party_form, service_form

MODALS = (service_form, party_form, link_form)


def register(app: App) -> None:
    for modal in MODALS:
        modal.register(app)
