"""`/slm audit` reaches what its first version missed (issue 15 walk), through signed Slack requests: a link's
records in the service's and the party's history, what was done to a person as well as what they did, a
requirement by `req #N` (and #N explained when only a requirement has that number), and an unknown thing
answered with commands that exist."""
from __future__ import annotations

from bot import service_map
from bot.workspace.actor import Actor
from messages.ids import Block
from tests.conftest import START
from tests.slack.test_audit_history import ALICE, shown
from tests.slack.test_requirements import acme, quote_and_open  # noqa: F401 (acme: the fixture)


def test_a_links_records_show_in_the_services_and_the_partys_history(slack, sandbox, db, team, acme):  # noqa: F811
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        service_map.link(s, admin, service_id=acme["service"], party_id=acme["customer"],
                         activities=["incident handling"])
    for name in ("Payroll", "Acme Retail"):
        slack.command(f"audit {name}")
        assert "link.add" in shown(sandbox)[0], name
    slack.command("audit Email")
    assert "link.add" not in shown(sandbox)[0]


def test_a_person_shows_what_was_done_to_them_too(slack, sandbox):
    slack.command("role grant <@U0BOB|bob> service-manager")
    slack.command("audit <@U0BOB|bob>")
    assert "role.grant" in shown(sandbox)[0]


def test_a_requirement_by_number_and_an_action_number_that_is_a_requirements(slack, sandbox, team, acme):  # noqa: F811
    _, who = quote_and_open(slack, sandbox, team, "We need P1 incidents fixed within 4 hours")
    assert slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])}).ok
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_TARGET: "4 hours", Block.REQ_LEVEL: "P1"}).ok
    slack.command("audit #1")
    text = shown(sandbox)[0]
    assert "There is no action #1" in text and "/slm audit req #1" in text
    slack.command("audit req #1")
    assert "requirement.record" in shown(sandbox)[0]
    slack.command("audit requirement 7")
    assert "There is no requirement #7" in shown(sandbox)[0]


def test_an_unknown_thing_names_commands_that_exist(slack, sandbox):
    slack.command("audit Nothing Such")
    text = shown(sandbox)[0]
    assert "/slm map" in text and "/slm sla list" in text and "/slm agreements" not in text
