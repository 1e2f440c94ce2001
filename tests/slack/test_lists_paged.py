"""Issue 14, "work follows what is shown": every long list comes a page at a time, says how many more there are,
pages with Next and Previous, and never cuts a row (through signed requests into the real app)."""
from __future__ import annotations

from bot import service_map
from bot.workspace.actor import Actor
from messages.ids import Action
from models import PartyKind
from tests.conftest import START
from tests.helpers import assert_valid_blocks, text_of

ALICE = "U0ALICE"


def admin(team):
    return Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)


def shown(sandbox, user=ALICE):
    message = sandbox.last_ephemeral(user)
    assert_valid_blocks({"blocks": message.blocks})
    return text_of(message), message


def seed_map(db, team, services=45, consumers_of_first=8):
    with db.session() as s:
        actor = admin(team)
        made = [service_map.add_service(s, actor, name=f"Service {i:02d}") for i in range(services)]
        for i in range(consumers_of_first):
            customer = service_map.add_party(s, actor, service_map.PartyInput(kind=PartyKind.CUSTOMER.value,
                                                                              name=f"Customer {i:02d}"))
            service_map.link(s, actor, service_id=made[0].id, party_id=customer.id, activities=["reporting"])


def test_the_map_pages_with_next_and_previous_and_counts_what_it_does_not_list(slack, sandbox, db, team):
    seed_map(db, team)
    slack.command("map")
    text, first = shown(sandbox)
    assert "*Service 00*" in text and "*Service 19*" in text and "Service 20" not in text
    assert "Showing 1–20 of 45 services: …and 25 more." in text
    # The first service's first five customers, and the three more it has, with where to see them all.
    assert "Customer 04" in text and "Customer 05" not in text and "…and 3 more: `/slm map Service 00`" in text
    assert Action.LIST_PREVIOUS not in str(first.blocks)

    assert slack.click(Action.LIST_NEXT, message=first).ok
    text, second = shown(sandbox)  # the same message, replaced by the next page
    assert "*Service 20*" in text and "*Service 39*" in text and "*Service 19*" not in text
    assert "Showing 21–40 of 45 services: …and 5 more." in text
    assert slack.click(Action.LIST_NEXT, message=second).ok
    text, last = shown(sandbox)
    assert "*Service 44*" in text and "Showing 41–45 of 45 services." in text and Action.LIST_NEXT not in str(last.blocks)
    assert slack.click(Action.LIST_PREVIOUS, message=last).ok
    text, _ = shown(sandbox)
    assert "*Service 20*" in text and "*Service 40*" not in text


def test_one_service_lists_all_its_links_a_page_at_a_time(slack, sandbox, db, team):
    seed_map(db, team, services=1, consumers_of_first=70)
    slack.command("map Service 00")
    text, first = shown(sandbox)
    assert "Customer 00" in text and "Customer 59" in text and "Customer 60" not in text
    assert "Showing 1–60 of 70 links: …and 10 more." in text
    assert slack.click(Action.LIST_NEXT, message=first).ok
    text, _ = shown(sandbox)
    assert "Customer 60" in text and "Customer 69" in text and "Customer 59" not in text


def test_a_name_not_on_a_big_map_names_a_few_and_counts_the_rest(slack, sandbox, db, team):
    seed_map(db, team, services=45, consumers_of_first=0)
    slack.command("map Nowhere")
    text, _ = shown(sandbox)
    assert "There is no service or party called “Nowhere”." in text
    assert "Service 29" in text and "Service 30" not in text and "…and 15 more: `/slm map` lists them all." in text
