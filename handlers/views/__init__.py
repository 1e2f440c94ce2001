"""Modal submissions, one module per modal."""
from __future__ import annotations

from slack_bolt import App

from handlers.views import (
    action_form,
    agreement_draft,
    agreement_propose,
    calendar_form,
    link_form,
    party_form,
    record_form,
    requirement_correct,
    requirement_decline,
    requirement_details,
    requirement_quote,
    requirement_topics,
    requirement_who,
    service_form,
    underpin_form,
    waive_form,
)

MODALS = (service_form, party_form, link_form, requirement_who, requirement_topics, requirement_details,
          requirement_quote, requirement_correct, requirement_decline, agreement_draft, agreement_propose,
          calendar_form, underpin_form, waive_form, action_form, record_form)


def register(app: App) -> None:
    for modal in MODALS:
        modal.register(app)
