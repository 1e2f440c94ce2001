"""Retention settings in `/slm settings`, as a person types them: a lowered one says plainly what the next purge
removes and how to undo it; each reads whole in the list; a name alone shows its value and what it means."""
from __future__ import annotations

from dateutil.relativedelta import relativedelta

from tests.conftest import START
from tests.helpers import text_of
from tests.retention_world import YEAR, World

ALICE = "U0ALICE"


def test_lowering_a_retention_says_what_the_next_purge_removes_and_how_to_undo(slack, sandbox, db, team):
    with db.session() as s:
        w = World(s, team, START)
        w.action("done", 3 * YEAR, verified=True), w.action("cancelled", 2 * YEAR)
        w.review("closed", 3 * YEAR)
        w.breach(YEAR)  # inside 18 months: stays
        w.outage(3 * YEAR)  # a measurement: not this setting's
    slack.command("settings retain_closed 18 months")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    cut = (START - relativedelta(months=18)).strftime("%-d %B %Y")
    assert "Shorter than before (7 years)" in shown and "03:40 UTC" in shown and cut in shown, shown
    assert "0 breach alerts, 2 actions, 1 review, 0 delivered messages" in shown, shown
    assert "set it back before 03:40 UTC: `/slm settings retain_closed 7 years`" in shown, shown
    assert shown.count("• `") == 1 and "`retain_closed` 18 months (was 7 years): How long closed" in shown, shown

    slack.command("settings retain_closed 20 years")  # longer: nothing more goes, nothing to warn of
    assert "Shorter than before" not in text_of(sandbox.last_ephemeral(ALICE))


def test_the_settings_list_reads_whole_and_a_name_alone_shows_its_value(slack, sandbox, team):
    slack.command("settings")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "`retain_measurements` 2 years: How long measurements (outages, tickets and their events, metric " \
           "samples) are kept" in shown, shown
    assert "`escalate_p1` 15m: How long a P1 breach alert may go unacknowledged before it is escalated" in shown
    assert not any(line.rstrip().endswith((" for", " within")) for line in shown.splitlines()), shown

    for name, value in (("retain_measurements", "2 years"), ("handoff", "15m"), ("alert_label", "service")):
        slack.command(f"settings {name}")
        shown = text_of(sandbox.last_ephemeral(ALICE))
        assert f"`{name}` {value}:" in shown and f"Change it with `/slm settings {name} &lt;value&gt;`" in shown, shown
        assert "Give whole months" not in shown and "just changed" not in shown and shown.count("• `") == 1, shown
    slack.command("settings nonsense")
    assert "“nonsense” is not a setting" in text_of(sandbox.last_ephemeral(ALICE))


def test_a_change_answers_with_that_one_setting_what_it_was_means_and_how_to_set_it_back(slack, sandbox, team):
    slack.command("settings handoff 30m")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert shown.count("• `") == 1, shown  # not the whole list
    assert "`handoff` 30m (was 15m): Hand-off allowance between the stages beneath an SLA target" in shown, shown
    assert "Set it back with `/slm settings handoff 15m`" in shown, shown
    slack.command("settings handoff 30m")  # the same again: nothing to set back
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "`handoff` 30m (it was already)" in shown and "Set it back" not in shown, shown
