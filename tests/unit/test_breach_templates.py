"""The breach templates with hostile text: nothing typed becomes a ping, a link or formatting, and Block Kit's limits
hold (long names, many legs)."""
from __future__ import annotations

import pytest

from messages import render, render_message
from tests.helpers import assert_valid_blocks

HOSTILE = "<!channel> *bold* _pay_ ~roll~ `tick` <https://evil.example|x> & " + "x" * 3000


def context(**over):
    c = {"breach_id": 7, "state": "breached", "level": "breached", "subject": "ticket", "what": "P1 resolution 4h",
         "target_key": "T1", "agreement": HOSTILE, "agreement_kind": "SLA", "customer": HOSTILE, "ticket": HOSTILE,
         "summary": HOSTILE, "percent": 104, "left": "over by 5m",
         "legs": [{"kind": "OLA", "owner": HOSTILE, "promise": "P1 resolution 3h"}] * 40,
         "owner": HOSTILE, "owner_without_channel": True, "no_leg": False, "supplier_involved": True,
         "acknowledged_by": "U0BOB", "escalated": True, "escalated_by": None, "resolved": False, "missed": True,
         "actions": [1, 2], "as_of": 1772443200, "as_of_text": "2026-03-02 09:00 UTC"}
    c.update(over)
    return c


@pytest.mark.parametrize("state", ["warning", "breached", "acknowledged", "resolved"])
def test_the_alert_in_every_state(state):
    message = render_message("breach_alert.yml.j2", ctx=context(state=state, resolved=state == "resolved"))
    assert_valid_blocks(message)
    has_buttons = any(b["type"] == "actions" for b in message["blocks"])
    assert has_buttons == (state != "resolved")
    headline = message["blocks"][0]["text"]["text"]
    assert f"*{state.capitalize()}*" in headline, "the state, in our bold, stays formatted"
    assert "<!channel>" not in headline and "*bold*" not in headline  # what people typed stays inert


def test_a_target_without_owner_and_the_escalation_dm():
    assert "has no owner" in str(render_message("breach_alert.yml.j2", ctx=context(no_leg=True, owner=None, legs=[])))
    dm = render_message("breach_escalated.yml.j2", ctx=context(escalated_by="U0ALICE"))
    assert_valid_blocks(dm)
    assert "Escalated to you by <@U0ALICE>" in dm["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("what", ["warning", "breached", "acknowledged", "escalated", "remedial action", "resolved",
                                  "reopened", HOSTILE])
def test_a_timeline_line(what):
    line = {"what": what, "by": "U0BOB", "note": HOSTILE, "summary": HOSTILE, "left": "over by 5m",
            "epoch": 1772443200, "time_text": "2026-03-02 09:00 UTC"}
    message = render_message("breach_note.yml.j2", line=line)
    assert_valid_blocks(message)
    shown = message["blocks"][0]["text"]["text"]
    assert shown.startswith("<!date^1772443200^{time}|2026-03-02 09:00 UTC> ")
    if what != HOSTILE:  # a hostile verb is long: the line is cut before the rest
        assert "by <@U0BOB>" in shown
    if what == "breached":
        assert ":rotating_light: *breached*" in shown
    assert "<!channel>" not in shown and "*bold*" not in shown


def test_the_remedial_action_form():
    view = render("breach_remedial_form.yml.j2", what=HOSTILE, agreement=HOSTILE,
                  targets=[(i, f"T{i} {HOSTILE}") for i in range(1, 101)], target_id=1,
                  parties=[(i, HOSTILE) for i in range(100)], owner_party_id=3, due="2026-03-02",
                  private_metadata='{"breach_id": 7}')
    assert_valid_blocks(view, view=True)
