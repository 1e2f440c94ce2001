"""Issue 14, "work follows what is shown": every long list comes a page at a time, says how many more there are,
pages with Next and Previous, and never cuts a row (through signed requests into the real app)."""
from __future__ import annotations

from bot import service_map
from bot.workspace.actor import Actor
from messages.ids import Action
from models import PartyKind
from tests.conftest import START
from tests.helpers import assert_valid_blocks, statements_of, text_of

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


def seed_slas(db, team, count):
    """`count` SLAs with one customer, straight into the tables (their documents do not matter to the list)."""
    from datetime import date

    from models import Agreement, AgreementKind, AgreementStatus
    from models.base import name_key
    with db.session() as s:
        customer = service_map.add_party(s, admin(team), service_map.PartyInput(kind=PartyKind.CUSTOMER.value,
                                                                                 name="Acme Retail"))
        for i in range(count):
            name = f"Acme Payroll SLA {i:03d} " + " ".join(["with a rather long name"] * 3)
            s.add(Agreement(team_id=team, kind=AgreementKind.SLA.value, name=name, name_key=name_key(name),
                            counterparty_id=customer.id, status=AgreementStatus.DRAFT.value, latest_version=1,
                            start_date=date(2026, 4, 1), end_date=date(2027, 3, 31), review_month=3,
                            created_at=START, created_by=ALICE,
                            permalink=f"https://x.slack.com/archives/C0ACMESLA/p{1000000 + i}"))


def test_sla_list_shows_every_row_whole_a_page_at_a_time(slack, sandbox, db, team):
    seed_slas(db, team, 60)
    slack.command("sla list")
    text, first = shown(sandbox)
    assert "Showing 1–25 of 60 SLAs: …and 35 more." in text
    for i in range(25):  # every row of the page whole: nothing cut mid-row with "…"
        assert f"*Acme Payroll SLA {i:03d} with a rather long name with a rather long name with a rather long name* " \
               f"with Acme Retail: draft (v1); next review 2027-03-01 · <https://x.slack.com/archives/C0ACMESLA/p{1000000 + i}|thread>" in text
    assert "SLA 025" not in text
    assert sum(b["type"] == "section" for b in first.blocks) >= 2  # over 3,000 characters: split, not cut
    assert slack.click(Action.LIST_NEXT, message=first).ok
    slack.click(Action.LIST_NEXT, message=shown(sandbox)[1])
    text, last = shown(sandbox)
    assert "SLA 059" in text and "SLA 049" not in text and "Showing 51–60 of 60 SLAs." in text


def test_a_page_costs_the_same_statements_however_many_rows_there_are(slack, sandbox, db, team):
    """No query per row: a page of five services or SLAs and a page of twenty-five read alike."""
    seed_map(db, team, services=5, consumers_of_first=3)
    seed_slas(db, team, 5)
    slack.command("help")  # the first request of a workspace reads its members once
    few = {c: statements_of(db, lambda c=c: slack.command(c)) for c in ("map", "sla list")}
    with db.session() as s:
        actor = admin(team)
        customer = service_map.find(s, team, "Customer 00")
        for i in range(40):  # each with a link: the map lists each service's links
            more = service_map.add_service(s, actor, name=f"More {i:02d}")
            service_map.link(s, actor, service_id=more.id, party_id=customer.id, activities=["reporting"])
    seed_slas_more(db, team, 40)
    many = {c: statements_of(db, lambda c=c: slack.command(c)) for c in ("map", "sla list")}
    assert many == few


def seed_slas_more(db, team, count):
    from datetime import date

    from sqlmodel import select

    from models import Agreement, AgreementKind, AgreementStatus, Party
    from models.base import name_key
    with db.session() as s:
        customer = s.exec(select(Party).where(Party.team_id == team, Party.name == "Acme Retail")).one()
        for i in range(count):
            name = f"Zeta SLA {i:03d}"
            s.add(Agreement(team_id=team, kind=AgreementKind.SLA.value, name=name, name_key=name_key(name),
                            counterparty_id=customer.id, status=AgreementStatus.DRAFT.value, latest_version=1,
                            start_date=date(2026, 4, 1), end_date=date(2027, 3, 31), review_month=3,
                            created_at=START, created_by=ALICE))


def test_requirements_come_a_page_at_a_time(slack, sandbox, db, team):
    from models import Requirement
    seed_map(db, team, services=1, consumers_of_first=1)
    with db.session() as s:
        service, customer = service_map.find(s, team, "Service 00"), service_map.find(s, team, "Customer 00")
        for n in range(1, 71):
            s.add(Requirement(team_id=team, number=n, service_id=service.id, customer_id=customer.id, said_by=ALICE,
                              said_role="operational", source="interview", category="availability",
                              statement=f"Ask number {n:02d}", created_at=START, created_by=ALICE))
    slack.command("requirements Service 00")
    text, first = shown(sandbox)
    assert "Ask number 01" in text and "Ask number 30" in text and "Ask number 31" not in text
    assert "Showing 1–30 of 70 requirements: …and 40 more." in text
    assert slack.click(Action.LIST_NEXT, message=first).ok
    text, second = shown(sandbox)
    assert "Ask number 31" in text and "Ask number 60" in text and "Ask number 30" not in text
    assert Action.LIST_PREVIOUS in str(second.blocks)


def test_alert_mappings_page_and_a_change_pages_the_list_not_the_change(slack, sandbox, db, team):
    from bot.measurements import alert_labels
    seed_map(db, team, services=1, consumers_of_first=0)
    with db.session() as s:
        for i in range(50):
            alert_labels.map_value(s, admin(team), f"value-{i:02d}", "Service 00")
    slack.command("alerts map value-99 Service 00")
    text, first = shown(sandbox)
    assert "`value-44`" in text and "value-45" not in text and "Showing 1–45 of 51 mapped values: …and 6 more." in text
    assert slack.click(Action.LIST_NEXT, message=first).ok
    text, _ = shown(sandbox)
    assert "`value-45`" in text and "`value-99`" in text and "`value-44`" not in text
    with db.session() as s:
        assert alert_labels.mappings(s, team).total == 51  # Next listed; it mapped nothing again


def crafted_next(message, command: str, offset: int = 0):
    """The message's Next button with a value the bot never made (the value travels through the client)."""
    import json

    button = next(e for b in message.blocks for e in b.get("elements", []) if e.get("action_id") == Action.LIST_NEXT)
    button["value"] = json.dumps({"c": command, "o": offset})
    return message


def test_a_page_button_never_runs_a_command_that_changes_anything(slack, sandbox, db, team):
    """A button's value can be crafted: pressed with `token new …` in it, nothing is made, though the presser (an
    admin) could make a token by typing the command."""
    from sqlmodel import Session, select

    from models import ApiToken

    seed_map(db, team)
    slack.command("map")
    _text, first = shown(sandbox)
    pressed = slack.click(Action.LIST_NEXT, message=crafted_next(first, "token new evil"))
    assert pressed.ok
    with Session(db.engine) as s:
        assert s.exec(select(ApiToken)).all() == []


def test_a_page_button_shows_a_listing_only_as_the_presser_may_see_it(slack, sandbox, db, team):
    """A listing's words in a crafted value run as the person who pressed, with their rights: a member pressing a
    button that asks for the API tokens is told they may not see them."""
    from bot.measurements import tokens

    seed_map(db, team)
    with db.session() as s:
        tokens.create(s, admin(team), "monitoring")
    member = "U0MEMBER"
    slack.command("map", user=member)
    _text, first = shown(sandbox, member)
    assert slack.click(Action.LIST_NEXT, message=crafted_next(first, "tokens"), user=member).ok
    text, _ = shown(sandbox, member)
    assert "monitoring" not in text and "Only a" in text
