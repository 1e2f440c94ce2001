"""Every modal's submission, with hypothesis-made values, as signed view_submission payloads into the real app.

Each modal is opened in the stand-in as its template renders it (tests/unit/test_modal_titles.py's realistic
contexts), on a seeded workspace; then submitted with any value in any field (text of every sort, options that
were not offered, impossible dates and times, fields left out) and its private_metadata tampered. The answer is
inline `response_action: errors` naming fields of that modal, or a clear message; never an unexpected error;
and a refused submission wrote nothing.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox.driver import SlackDriver
from bot.sandbox.objects import APP_ID, SANDBOX_TEAM
from handlers.errors import OURS
from handlers.registry import of
from messages import render
from tests.fuzz.conftest import fuzz_settings, row_counts
from tests.fuzz.modal_values import metadata, state
from tests.fuzz.test_commands import _answers, _seeded_names
from tests.unit.test_modal_titles import CONTEXTS

ALICE, CAROL = "U0ALICE", "U0CAROL"
_FLOW = ("kind", "said_by", "channel_id", "service_id", "customer_id", "role", "topics", "quote", "statement",
         "permalink")  # handlers/views/requirement_flow.py's Flow
# What each modal's opener writes in its private_metadata (handlers' `metadata(...)` calls): the keys fuzzed.
METADATA_KEYS: dict[str, tuple[str, ...]] = {
    "agreement_draft": ("kind", "channel_id"),
    "agreement_propose": ("agreement_id", "change", "kind"),
    "action_form": ("target_id", "key", "channel_id"),
    "action_new_form": ("channel_id",),
    "action_close_form": ("number", "to", "channel_id"),
    "breach_remedial_form": ("breach_id", "channel_id"),
    "complaint_form": ("channel_id", "permalink"),  # issue 17
    "complaint_answer_form": ("number", "channel_id"),
    "complaint_close_form": ("number", "channel_id"),
    "calendar_form": ("channel_id",),
    "link_form": ("channel_id",),
    "party_form": ("channel_id",),
    "service_form": ("channel_id",),
    "record_measurement": ("channel_id",),
    "req_correct": ("number", "numbers", "channel", "ts"),
    "req_decline": ("number", "channel_id"),
    "req_details": _FLOW, "req_quote": _FLOW, "req_topics": _FLOW, "req_who": _FLOW,
    "review_cadence_form": ("agreement_id", "revision"),
    "review_counter_form": ("agreement_id", "revision"),
    "review_close_form": ("review_id", "channel_id"),
    "review_note_form": ("review_id", "message_ts", "channel_id"),
    "sla_review_form": ("review_id", "outcome", "channel_id"),
    "underpin_form": ("agreement_id", "channel_id"),
    "waive_form": ("target_id", "key", "channel_id"),
    "satisfaction_comment_form": ("ask_id",),  # issue 17
    "dispute_close_form": ("number",),  # issue 17, suppliers
}


def _views() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for template, context in CONTEXTS:
        view = render(template, **context)
        if view.get("callback_id"):
            found.setdefault(view["callback_id"], []).append(view)
    return found


VIEWS = _views()
CALLBACKS = sorted(str(listener.key) for listener in of("view"))


def test_every_modal_submission_has_a_fuzz_strategy():
    assert set(CALLBACKS) <= set(VIEWS), f"no rendered view to fuzz for {set(CALLBACKS) - set(VIEWS)}"
    assert set(CALLBACKS) <= set(METADATA_KEYS), f"no metadata strategy for {set(CALLBACKS) - set(METADATA_KEYS)}"


def submit(slack: SlackDriver, sandbox, view: dict, values: dict, private_metadata: str, user: str):
    """Open `view` in the stand-in as the bot would have, then submit it as Slack does."""
    with sandbox._lock:
        sandbox._views_open({"view": json.loads(json.dumps(view)), "trigger_id": sandbox.mint_trigger(SANDBOX_TEAM, user)})
        opened = sandbox.open_modal(SANDBOX_TEAM, user)
    opened.view["private_metadata"] = private_metadata
    payload = {"type": "view_submission", "token": "deprecated", "api_app_id": APP_ID,
               "team": slack._team(opened.team_id), "user": slack._user(user, opened.team_id),
               "is_enterprise_install": False, "enterprise": None,
               "trigger_id": sandbox.mint_trigger(opened.team_id, user), "view": opened.as_payload(values),
               "response_urls": []}
    return opened, slack._post_payload(payload)


@pytest.mark.parametrize("callback_id", CALLBACKS)
def test_a_modal_answers_whatever_is_submitted(callback_id, slack, sandbox, db, team, logged_errors):
    names = _seeded_names(db, team)
    views = VIEWS[callback_id]

    @fuzz_settings(examples=15)
    @given(data=st.data())
    def run(data):
        view = views[data.draw(st.integers(min_value=0, max_value=len(views) - 1))]
        values = data.draw(state(view, names))
        private_metadata = data.draw(metadata(METADATA_KEYS[callback_id]))
        user = data.draw(st.sampled_from([ALICE, CAROL]))
        before = row_counts(db)
        n_messages, n_calls = len(sandbox.messages), len(sandbox.calls)
        opened, outcome = submit(slack, sandbox, view, values, private_metadata, user)
        said = f"{callback_id} with {values!r} and metadata {private_metadata!r}"
        assert outcome.status == 200, (said, outcome.status, outcome.body[:300])
        answers = _answers(sandbox, n_messages, n_calls)
        assert not any(OURS in text for text, _ in answers), f"{said} failed unexpectedly: {answers}"
        assert not (errors := logged_errors.take()), f"{said} logged errors: {errors}"
        answer = outcome.json or {}
        if answer.get("response_action") == "errors":
            blocks = {b.get("block_id") for b in opened.view.get("blocks", [])}
            assert answer["errors"] and set(answer["errors"]) <= blocks, f"{said}: errors name no field: {answer}"
            assert row_counts(db) == before, f"{said} was refused ({answer['errors']}) but wrote rows"
        elif answers and all(refused for _, refused in answers):
            assert row_counts(db) == before, f"{said} was refused ({answers[0][0][:200]}) but wrote rows"

    run()

