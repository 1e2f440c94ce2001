"""Issue 14, "silent truncation": a notice that lists many rows lists what fits, each row whole (split across
sections, never cut mid-row with "…"), then how many more and where to see them all; within Block Kit's limits."""
from __future__ import annotations

from messages import render_message
from tests.helpers import assert_valid_blocks, text_of


def test_a_lapse_notice_over_thousands_of_targets_lists_sixty_whole_and_counts_the_rest():
    targets = [{"sla": f"Acme Payroll SLA {i:04d} for the whole of the retail estate", "key": f"T{i % 4 + 1}",
                "what": "P1 resolution"} for i in range(2000)]
    message = render_message("notice_lapse.yml.j2", agreement="Network OLA", day="2026-03-01", days_left=30,
                             event="ends", kind="OLA", owner="Network group", targets=targets, late_since=None)
    assert_valid_blocks(message)
    shown = text_of(message)
    for t in targets[:60]:
        assert f"• *{t['sla']}* {t['key']} P1 resolution\n" in shown
    assert "SLA 0060" not in shown and "…and 1940 more SLA targets: `/slm tree &lt;SLA&gt;` shows each SLA's." in shown
    assert len([b for b in message["blocks"] if b["type"] == "section"]) >= 2  # split, not cut
    assert all(not b["text"]["text"].endswith("…") for b in message["blocks"])


def test_cover_lost_on_many_targets_lists_forty_whole_and_points_to_the_tree():
    reason = "stage 1 (Network OLA, P1 resolution 4h) and stage 2 (Carrier UC, 8h) run past the SLA's 6h " * 4
    targets = [{"key": f"T{i}", "what": "P1 resolution", "changes": [
        {"rule": "time", "before": "covered", "after": "not covered", "reason": reason[:400]},
        {"rule": "hours", "before": "covered", "after": "at risk", "reason": reason[:400]}]} for i in range(1, 301)]
    message = render_message("notice_cover_lost.yml.j2", sla="Acme Payroll", why="when Network OLA was retired",
                             targets=targets)
    assert_valid_blocks(message)
    shown = text_of(message)
    assert "*T40 P1 resolution*" in shown and "*T41 " not in shown
    assert "…and 260 more targets.\nSee `/slm tree Acme Payroll`." in shown
    assert shown.count(reason[:400]) == 80  # every reason of the forty listed, whole


def test_agree_refused_over_many_gaps_shows_twenty_and_counts_the_rest():
    from tests.unit.template_fixtures import target_views
    checks = target_views("Payroll") * 10  # three gaps each: thirty
    message = render_message("coverage_gaps.yml.j2", can_upgrade=True, can_waive=True, checks=checks,
                             headline="Acme Payroll cannot be agreed yet", name="Acme Payroll")
    assert_valid_blocks(message)
    assert "…and 10 more gaps, each in the tree with its buttons. See the whole tree with `/slm tree Acme Payroll`." \
        in text_of(message)
