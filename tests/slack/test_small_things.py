"""Issue 9, item 11: the small things a new user met, each through signed Slack requests."""
from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from bot import actions, agreements, service_map
from bot import cover as coverage
from bot.workspace import roles as members
from bot.agreements import targets
from bot.workspace.actor import Actor
from handlers.registry import subcommands
from tests.conftest import START
from tests.helpers import assert_valid_blocks, text_of
from messages.ids import Action, Block
from models import Action as ActionRow
from models import ActionKind, Agreement
from tests.slack.test_coverage import ALICE, agree_button, build_tree, make, world  # noqa: F401  (world: an SLA, an OLA and a contract)


@pytest.mark.parametrize("quoted", ['"Acme Payroll"', "“Acme Payroll”"])
def test_a_quoted_name_is_taken_wherever_a_name_is(slack, sandbox, team, world, quoted):  # noqa: F811
    slack.command(f"sla diff {quoted} v1 v2")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Acme Payroll" in shown and "v1" in shown and "There is no" not in shown
    slack.command(f"sla show {quoted} v2")
    assert "There is no" not in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"tree {quoted}")
    assert "What underpins Acme Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command('map "Payroll"')
    assert "There is no" not in text_of(sandbox.last_ephemeral(ALICE))
    assert "Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("requirements “Acme Retail”")
    assert "Requirements: Acme Retail" in text_of(sandbox.last_ephemeral(ALICE))


@pytest.fixture
def ola_without_targets(db, team):
    """An SLA with a target, and an OLA with the Network group that has none yet."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        members.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail"))
        network = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Network group"))
        make(s, sm, agreements.AgreementKind.SLA, "Acme Payroll", acme, payroll,
             [targets.TargetChange(key=None, kind="resolution", level="P1", duration="4h")])
        make(s, sm, agreements.AgreementKind.OLA, "Network OLA", network, payroll, [])


def test_underpin_says_the_olas_have_no_targets_and_how_to_add_one(slack, sandbox, ola_without_targets):
    slack.command("underpin Acme Payroll")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "OLA “Network OLA” has no targets" in shown, shown
    assert "Add a target" in shown and "/slm ola new" not in shown


def test_the_contract_form_has_a_whole_title(slack, sandbox, team, world):  # noqa: F811
    slack.command("uc new Carrier X")
    modal = sandbox.open_modal(team, ALICE)
    assert modal.view["title"]["text"] == "New contract"


def test_a_waived_gap_shows_as_waived_not_as_not_covered(slack, sandbox, db, team, world):  # noqa: F811
    build_tree(slack, sandbox, team)
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START)
    with db.session() as s:
        sla = s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()
        for c in coverage.check_agreement(s, sla):
            for finding in c.check.problems():  # every finding of every target: nothing is left but waivers
                coverage.waive(s, sm, c.target.id, coverage.gap_key(finding), "Accepted by the board")
    slack.command("tree Acme Payroll")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert ":red_circle:" not in shown and "not covered" not in shown, shown
    assert ":white_circle: *T1 P1 resolution within 4h, 95% of tickets*: waived" in shown
    assert "• waived (hours): " in shown and "_(waived by <@U0ALICE>: Accepted by the board)_" in shown


@pytest.fixture
def acme_on_payroll(db, team):
    """Two services on the map; Acme Retail consumes only Payroll."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        payroll = service_map.add_service(s, sm, name="Payroll")
        service_map.add_service(s, sm, name="HR portal")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail"))
        service_map.link(s, sm, service_id=payroll.id, party_id=acme.id, activities=["Incident handling"])
    return payroll.id


def test_the_sla_form_chooses_the_customers_only_service(slack, sandbox, team, acme_on_payroll):
    slack.command("sla new Acme Retail")
    modal = sandbox.open_modal(team, ALICE)
    services = next(b for b in modal.view["blocks"] if b.get("block_id") == Block.AGR_SERVICES)["element"]
    assert [o["value"] for o in services.get("initial_options", [])] == [str(acme_on_payroll)]
    assert [o["text"]["text"] for o in services["options"]] == ["HR portal", "Payroll"]  # the other stays offered


def hint_of(view, block_id) -> str:
    return next(b for b in view.view["blocks"] if b.get("block_id") == block_id)["hint"]["text"]


def test_the_forms_say_which_time_zone_hours_are_read_in(slack, sandbox, team, acme_on_payroll):
    bob = "U0BOB"  # his Slack profile says Europe/Paris
    slack.command("require Payroll", user=bob)
    who = sandbox.open_modal(team, bob)
    [acme] = [o["value"] for b in who.view["blocks"] if b.get("block_id") == Block.REQ_CUSTOMER
              for o in b["element"]["options"]]
    assert slack.submit(who, {Block.REQ_CUSTOMER: acme, Block.REQ_ROLE: "operational"}).ok
    assert slack.submit(sandbox.open_modal(team, bob)).ok  # every topic, as offered
    details = sandbox.open_modal(team, bob)
    said = "Times are in Europe/Paris, your Slack time zone, unless you name another."
    for field in (Block.REQ_SUPPORT_HOURS, Block.REQ_MAINTENANCE):
        assert said in hint_of(details, field)
    slack.command("calendar add")  # Alice: Europe/London
    calendar = sandbox.open_modal(team, ALICE)
    assert "Times are in Europe/London, your Slack time zone" in hint_of(calendar, Block.CAL_HOURS)
    # Slack adds "(optional)" to an optional field's label itself: a label saying it too reads "(optional) (optional)"
    labels = {b["block_id"]: b["label"]["text"] for b in calendar.view["blocks"] if b["type"] == "input"}
    assert labels[Block.CAL_HOLIDAYS_SUBDIV] == "Region"
    assert not [label for label in labels.values() if "optional" in label.lower()]


def buttons(message) -> list[str]:
    return [el["text"]["text"] for b in message.blocks if b["type"] == "actions" for el in b["elements"]]


def test_the_customers_approver_is_offered_only_what_they_may_press(slack, sandbox, db, team, world):  # noqa: F811
    build_tree(slack, sandbox, team)
    carol = "U0CAROL"  # Acme Retail's approver: she may agree, not waive or plan upgrades
    agree_button(sandbox, db, slack, carol)
    refusal = sandbox.last_ephemeral(carol)
    assert "cannot be agreed yet" in text_of(refusal) and buttons(refusal) == []
    assert "The provider's service manager can waive each gap or make it an upgrade action." in text_of(refusal)
    slack.command("tree Acme Payroll", user=carol)
    tree = sandbox.last_ephemeral(carol)
    assert buttons(tree) == [] and "A service manager can waive a gap or make it an upgrade action." in text_of(tree)
    # Alice, a service manager, gets both, beside each gap.
    agree_button(sandbox, db, slack, ALICE)
    assert set(buttons(sandbox.last_ephemeral(ALICE))) == {"Waive…", "Upgrade action…"}
    slack.command("tree Acme Payroll")
    assert "Upgrade action…" in buttons(sandbox.last_ephemeral(ALICE))


def add_actions(db, team, n, owner="U0DAVE"):
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START)
    with db.session() as s:
        for i in range(n):
            actions.add_action(s, sm, kind=ActionKind.UPGRADE, title=f"Upgrade the contract, step {i + 1}",
                                owner_party_id=None, owner_user_id=owner, due=START.date())


def test_done_is_offered_only_to_whoever_may_close_the_action(slack, sandbox, db, team, world):  # noqa: F811
    add_actions(db, team, 1)
    for user, offered in (("U0BOB", []), ("U0DAVE", ["Done"]), (ALICE, ["Done"])):
        slack.command("actions", user=user)
        listing = sandbox.last_ephemeral(user)
        assert "Upgrade the contract, step 1" in text_of(listing)
        assert [b["accessory"]["text"]["text"] for b in listing.blocks if "accessory" in b] == offered, user


def test_app_home_lists_the_open_actions_with_their_done_buttons(slack, sandbox, db, team, world):  # noqa: F811
    add_actions(db, team, 12)
    slack.open_home()
    home = sandbox.home(team, ALICE)
    assert_valid_blocks(home.view, view=True)
    shown = text_of(home)
    assert "*#1* Upgrade the contract, step 1" in shown and "owner <@U0DAVE>" in shown
    assert "*#10* Upgrade the contract, step 10" in shown and "…and 2 more: `/slm actions` lists them all." in shown
    dones = [b["accessory"]["value"] for b in home.view["blocks"] if b.get("accessory", {}).get("text", {}).get("text") == "Done"]
    assert dones == [str(n) for n in range(1, 11)]
    slack.open_home(user="U0BOB")  # no role, owns none of them: the list, without buttons
    bob = sandbox.home(team, "U0BOB")
    assert "*#1* Upgrade the contract, step 1" in text_of(bob) and "Done" not in json.dumps(bob.view)
    # Done on the tab closes the action and draws the tab again without it.
    assert slack.click(Action.ACTION_DONE, view=home).ok  # the first Done: action #1's
    with Session(db.engine) as s:
        assert s.exec(select(ActionRow).where(ActionRow.number == 1)).one().status == "done"
    shown = text_of(sandbox.home(team, ALICE))
    assert "*#1* " not in shown and "*#11* Upgrade the contract, step 11" in shown


def test_help_starts_with_three_steps_and_groups_the_rest_by_the_job(slack, sandbox):
    slack.command("help")
    sections = [b["text"]["text"] for b in sandbox.last_ephemeral(ALICE).blocks if b["type"] == "section"]
    start = next(i for i, s in enumerate(sections) if s.startswith("*Start here*"))
    assert [line[:3] for line in sections[start].splitlines()[1:]] == ["1. ", "2. ", "3. "]
    groups = [s.splitlines()[0] for s in sections[start + 1:]]
    assert groups == ["*The service map*", "*Requirements*", "*Agreements*", "*Cover beneath each SLA*", "*Actions*",
                      "*Measurements and breach alerts*", "*Service reviews*", "*Suppliers' contracts*",
                      "*Roles and settings*"]
    assert all(len(s) < 3000 for s in sections)
    listed = [s.usage for s in subcommands().values() if s.listed]
    shown = "\n".join(sections[start + 1:])
    # each command once, in its group; its <placeholders> escaped, or Slack reads <#requirement> as a channel
    # and <name> as a link (the sandbox page, reading them the same way, showed "#requirement" as a channel)
    slack_escaped = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
    assert all(shown.count(f"`{usage.translate(slack_escaped)}`") == 1 for usage in listed)
    assert "<#requirement>" not in shown and "`/slm check &lt;#requirement&gt;`" in shown
    assert "`/slm underpin &lt;sla&gt;`" in sections[start + 4] and "`/slm actions [mine|" in sections[start + 5]


def test_help_shows_examples_as_code_or_quoted_words_and_making_before_changing(slack, sandbox):
    slack.command("help")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    # a backtick that is not a `/slm …` command is escaped into a look-alike (ˋ, U+02CB): none is left in help
    assert "\u02cb" not in shown
    assert "“up to 400 tickets a month excusing resolution targets”" in shown
    assert "`/slm maintenance add Payroll Sat 22:00 for 4h`" in shown
    # within a group, making comes before a verb of its own: sla new before sla limit, party add before owner/contact
    assert shown.index("`/slm sla new") < shown.index("`/slm sla limit")
    assert shown.index("`/slm party add") < min(shown.index("`/slm party owner"), shown.index("`/slm party contact"))


def test_a_version_number_too_long_is_no_version(slack, sandbox, team, world):  # noqa: F811
    # Past an INTEGER column's range (PostgreSQL refuses it in a query): not read as a version, so not a server error.
    slack.command("sla show Acme Payroll v99999999999")
    assert "There is no SLA called “Acme Payroll v99999999999”" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("sla diff Acme Payroll v1 v99999999999")
    assert "Name the SLA and two versions" in text_of(sandbox.last_ephemeral(ALICE))
