"""`/slm audit <thing>` through signed Slack requests: a thing's history newest first with before and after,
allowed and refused, an unknown thing answered clearly, and paging."""
from __future__ import annotations

from bot import service_map
from bot.service_map.changes import rename
from bot.workspace.actor import Actor
from messages.ids import Action
from tests.conftest import START
from tests.helpers import assert_valid_blocks, text_of

ALICE = "U0ALICE"  # a workspace admin in the stand-in
BOB = "U0BOB"      # an ordinary member


def shown(sandbox, user=ALICE):
    message = sandbox.last_ephemeral(user)
    assert_valid_blocks({"blocks": message.blocks})
    return text_of(message), message


def add_service(slack, name):
    slack.command(f"service add {name}")
    return slack.submit(values={})


def test_a_services_history_newest_first_with_the_old_and_new_names(slack, sandbox):
    assert add_service(slack, "Payroll").ok
    slack.command("service rename Payroll Pay run")
    slack.command("audit Pay run")
    text, _ = shown(sandbox)
    assert "History of the service Pay run" in text
    assert text.index("service.rename") < text.index("service.add")  # newest first
    assert "new_name: Pay run" in text and "old_name: Payroll" in text and "<@U0ALICE>" in text


def test_what_a_person_did(slack, sandbox):
    add_service(slack, "Payroll")
    slack.command("role grant <@U0BOB|bob> service-manager")
    slack.command("audit <@U0ALICE|alice>")
    text, _ = shown(sandbox)
    assert "What <@U0ALICE> did" in text
    assert text.index("role.grant") < text.index("service.add")


def test_a_member_is_refused_and_told_who_may(slack, sandbox):
    add_service(slack, "Payroll")
    slack.command("audit Payroll", user=BOB)
    text, _ = shown(sandbox, BOB)
    assert "can see the audit trail" in text and "service.add" not in text


def test_an_unknown_thing_is_answered_clearly(slack, sandbox):
    slack.command("audit Nothing Such")
    text, _ = shown(sandbox)
    assert "I know no service, party, agreement or action called “Nothing Such”" in text
    slack.command("audit #41")
    assert "There is no action #41" in shown(sandbox)[0]
    slack.command("audit")
    assert "Say whose history" in shown(sandbox)[0]


def test_a_long_history_pages_and_says_how_many_more(slack, sandbox, db, team):
    actor = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        service = service_map.add_service(s, actor, name="Name 00")
    for i in range(1, 20):
        with db.session() as s:
            rename(s, actor, "service", f"Name {i - 1:02d}", f"Name {i:02d}")
    slack.command("audit Name 19")
    text, first = shown(sandbox)
    assert "Showing 1–15 of 20 records: …and 5 more." in text
    assert "*#20*" in text and "new_name: Name 19" in text and "*#5*" not in text
    assert slack.click(Action.LIST_NEXT, message=first).ok
    text, _ = shown(sandbox)
    assert "Showing 16–20 of 20 records." in text and "service.add" in text and service.id


def test_help_says_how_to_see_a_things_history(slack, sandbox):
    slack.command("help")
    text, _ = shown(sandbox)
    assert "/slm audit &lt;service, party or agreement&gt;" in text
