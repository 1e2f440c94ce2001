"""The behaviour tests written for HTTP, run again here over Socket Mode: pytest collects each imported test in
this module too, where `slack` is the Socket Mode driver (tests/socket_mode/conftest.py). Together they cover a
slash command, a message shortcut, buttons in a message, modals submitted with inline errors and then taken, and
an event (the App Home opened)."""
from __future__ import annotations

from tests.slack.test_home import test_the_approver_sees_the_sla_awaiting_her_agreement, world  # noqa: F401
from tests.slack.test_replays import test_the_same_form_submitted_again_after_a_refusal_is_taken  # noqa: F401
from tests.slack.test_requirements import (  # noqa: F401  (acme: a fixture of the imported tests)
    acme, test_operational_interview_asks_an_unknown_respondent_for_a_role_first,
    test_the_requester_confirms_and_corrects_in_a_dm)
