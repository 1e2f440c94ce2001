"""Searching selects (external_select): past 100 choices a form's select searches, and Slack asks the bot for the
options as the person types (a signed block_suggestion); the bot answers at most 100, those whose name holds the
typed text, and the option chosen comes back in the view's state whole, as Slack gives it."""
from __future__ import annotations

from sqlmodel import Session, select

from messages.ids import Action, Block, Callback
from models import Agreement, Target, TargetLink
from tests.slack.test_coverage import ALICE, option_values, world  # noqa: F401  (the world fixture)

OWNER_SEARCH = f"{Action.SEARCH_PARTY}:support_group,supplier"


def add_olas(db, count: int, like: str = "Network OLA", name: str = "Branch {:03d} OLA") -> None:
    """`count` more agreements like the Network OLA, each with its two targets: rows, as a big workspace has them."""
    with Session(db.engine) as s:
        ola = s.exec(select(Agreement).where(Agreement.name == like)).one()
        targets = s.exec(select(Target).where(Target.agreement_id == ola.id)).all()
        for i in range(count):
            called = name.format(i)
            copy = Agreement(**ola.model_dump(exclude={"id", "name", "name_key"}), name=called, name_key=called.lower())
            s.add(copy)
            s.flush()
            for t in targets:
                s.add(Target(**t.model_dump(exclude={"id", "agreement_id"}), agreement_id=copy.id))
        s.commit()


def leg_element(modal) -> dict:
    return next(b for b in modal.view["blocks"] if b.get("block_id") == Block.COV_LEG_TARGET)["element"]


def test_a_few_choices_stay_a_plain_select(slack, sandbox, team, world):
    slack.command("underpin Acme Payroll")
    assert leg_element(sandbox.open_modal(team, ALICE))["type"] == "static_select"


def test_past_100_choices_the_select_searches_as_the_person_types(slack, sandbox, db, team, world):
    add_olas(db, 60)  # 122 OLA and contract targets: more than a select may hold
    slack.command("underpin Acme Payroll")
    modal = sandbox.open_modal(team, ALICE)
    element = leg_element(modal)
    assert element["type"] == "external_select" and element["action_id"] == Action.SEARCH_LEG_TARGET
    assert "options" not in element and "option_groups" not in element

    opened = slack.suggest(modal, Block.COV_LEG_TARGET, "")  # opening it: Slack asks with nothing typed
    assert len(opened) == 100
    typed = slack.suggest(modal, Block.COV_LEG_TARGET, "carrier")  # the contract's name, in any case
    assert [o["text"]["text"].split(" ")[0] for o in typed] == ["T1", "T2"]
    assert slack.suggest(modal, Block.COV_LEG_TARGET, "branch 05") and all(
        o["value"] != typed[0]["value"] for o in slack.suggest(modal, Block.COV_LEG_TARGET, "branch 05"))
    assert slack.suggest(modal, Block.COV_LEG_TARGET, "100%_") == []  # a typed % or _ is no wildcard

    slack.suggest(modal, Block.COV_LEG_TARGET, "carrier")
    slas = option_values(modal, Block.COV_SLA_TARGET)
    outcome = slack.submit(modal, {Block.COV_SLA_TARGET: slas["T1"], Block.COV_LEG_TARGET: typed[0]["value"],
                                   Block.COV_STAGE: "1"})
    assert outcome.ok, outcome.errors
    with Session(db.engine) as s:
        link = s.exec(select(TargetLink)).one()
        assert (link.sla_target_id, link.leg_target_id) == (int(slas["T1"]), int(typed[0]["value"]))
    assert sandbox.open_modal(team, ALICE) is None or sandbox.open_modal(team, ALICE).callback_id != Callback.UNDERPIN_FORM


def add_map(db, team: str, services: int, parties: int) -> None:
    """Many services and parties (every third a customer, a support group, a supplier), as rows."""
    from models import Party, PartyKind, Service
    from tests.conftest import START

    kinds = list(PartyKind)
    with Session(db.engine) as s:
        for i in range(services):
            s.add(Service(team_id=team, name=f"Service {i:04d}", name_key=f"service {i:04d}", created_at=START,
                          created_by=ALICE))
        for i in range(parties):
            s.add(Party(team_id=team, kind=kinds[i % 3].value, name=f"Party {i:04d}", name_key=f"party {i:04d}",
                        created_at=START, created_by=ALICE))
        s.commit()


def test_linking_in_a_big_map_searches_services_and_parties(slack, sandbox, db, team, world):
    add_map(db, team, services=250, parties=250)
    slack.command("link")
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.LINK_FORM
    for block in (Block.LINK_SERVICE, Block.LINK_PARTY):
        element = next(b for b in modal.view["blocks"] if b.get("block_id") == block)["element"]
        assert element["type"] == "external_select" and "options" not in element

    assert len(slack.suggest(modal, Block.LINK_SERVICE, "")) == 100
    assert [o["text"]["text"] for o in slack.suggest(modal, Block.LINK_SERVICE, "SERVICE 012")] == [
        f"Service {i:04d}" for i in range(120, 130)]
    assert [o["text"]["text"] for o in slack.suggest(modal, Block.LINK_SERVICE, "payroll")] == ["Payroll"]
    parties = slack.suggest(modal, Block.LINK_PARTY, "carrier")
    assert [o["text"]["text"] for o in parties] == ["Carrier X"]

    outcome = slack.submit(modal, {Block.LINK_SERVICE: slack.suggest(modal, Block.LINK_SERVICE, "payroll")[0]["value"],
                                   Block.LINK_PARTY: parties[0]["value"], Block.LINK_ACTIVITIES: ["incident handling"]})
    assert outcome.ok, outcome.errors
    from models import ServiceLink
    with Session(db.engine) as s:
        assert s.exec(select(ServiceLink).where(ServiceLink.party_id == int(parties[0]["value"]))).one()


def test_a_new_action_searches_parties_and_sla_targets_in_a_big_workspace(slack, sandbox, db, team, world):
    add_map(db, team, services=0, parties=150)
    add_olas(db, 60, like="Acme Payroll", name="Branch {:03d} SLA")
    slack.command("action new")
    modal = sandbox.open_modal(team, ALICE)
    elements = {b["block_id"]: b["element"] for b in modal.view["blocks"] if b.get("block_id")}
    assert elements[Block.COV_OWNER_PARTY]["action_id"] == Action.SEARCH_PARTY  # any kind: "agreed with"
    assert elements[Block.BREACH_TARGET]["action_id"] == Action.SEARCH_SLA_TARGET
    assert [o["text"]["text"] for o in slack.suggest(modal, Block.BREACH_TARGET, "acme")] == [
        "T1 (Acme Payroll)", "T2 (Acme Payroll)"]
    assert len(slack.suggest(modal, Block.BREACH_TARGET, "")) == 100
    acme = slack.suggest(modal, Block.COV_OWNER_PARTY, "acme")
    assert [o["text"]["text"] for o in acme] == ["Acme Retail"]


def test_an_owner_search_offers_only_support_groups_and_suppliers(slack, sandbox, db, team, world):
    """The same options listener, asked by a select that names the kinds it offers in its action_id."""
    add_map(db, team, services=0, parties=150)
    slack.command("action new")
    modal = sandbox.open_modal(team, ALICE)
    block = next(b for b in modal.view["blocks"] if b.get("block_id") == Block.COV_OWNER_PARTY)
    block["element"]["action_id"] = OWNER_SEARCH  # as the upgrade and remedial forms ask
    found = [o["text"]["text"] for o in slack.suggest(modal, Block.COV_OWNER_PARTY, "")]
    assert "Acme Retail" not in found and {"Carrier X", "Network group"} <= set(found)
    assert all(int(name.split()[-1]) % 3 for name in found if name.startswith("Party"))  # no customer (i % 3 == 0)


def test_a_search_answers_only_those_who_may_use_its_form(slack, sandbox, db, team, world):
    """A block_suggestion is a request of its own, from whoever types: Bob (a member, the Network group's approver)
    asking the underpin form's or the new action form's select gets no options, though Alice gets them."""
    from tests.slack.test_coverage import BOB

    add_olas(db, 60)  # past 100: the underpin form's select searches
    add_olas(db, 60, like="Acme Payroll", name="Branch {:03d} SLA")
    slack.command("underpin Acme Payroll")
    underpin = sandbox.open_modal(team, ALICE)
    assert slack.suggest(underpin, Block.COV_LEG_TARGET, "carrier")
    assert slack.suggest(underpin, Block.COV_LEG_TARGET, "carrier", user=BOB) == []
    assert slack.suggest(underpin, Block.COV_LEG_TARGET, "", user=BOB) == []

    slack.command("action new")
    action = sandbox.open_modal(team, ALICE)
    assert slack.suggest(action, Block.BREACH_TARGET, "acme")
    assert slack.suggest(action, Block.BREACH_TARGET, "acme", user=BOB) == []


def test_a_search_answers_while_another_writer_holds_the_database(slack, sandbox, db, team, world):
    """The options travel in the ack: on SQLite their query takes no write lock, so a long write elsewhere (the
    worker's recheck, a bulk ingest) does not keep the person's select empty."""
    import sqlite3

    import pytest
    from sqlalchemy.engine import make_url

    if not db.is_sqlite:
        pytest.skip("SQLite's one write lock; PostgreSQL readers never wait for writers")
    add_olas(db, 60)
    slack.command("underpin Acme Payroll")
    modal = sandbox.open_modal(team, ALICE)
    holder = sqlite3.connect(make_url(db.url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock, and keeps it
    try:
        assert [o["text"]["text"].split(" ")[0] for o in slack.suggest(modal, Block.COV_LEG_TARGET, "carrier")] == [
            "T1", "T2"]
    finally:
        holder.rollback()
        holder.close()
