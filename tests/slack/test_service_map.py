"""The service map (6.1) through signed Slack requests: commands, modals, inline errors, the map."""
from __future__ import annotations

from sqlmodel import Session, select

from bot import audit, service_map
from bot.workspace.actor import Actor
from messages.ids import Block, Callback
from models import Contact, Party, Service, ServiceLink
from tests.conftest import START
from tests.helpers import text_of
from tests.slack.test_agreements import draft, thread

ALICE = "U0ALICE"  # a workspace admin in the stand-in
BOB = "U0BOB"      # an ordinary member


def rows(db, model):
    with Session(db.engine) as s:
        return list(s.exec(select(model).order_by(model.id)))


def add_service(slack, name="Payroll", description="Pays everyone", user=ALICE):
    slack.command(f"service add {name}", user=user)
    return slack.submit(values={Block.SERVICE_DESCRIPTION: description}, user=user)


def add_party(slack, kind, name, *, contacts=None, channel="C0ACMESLA"):
    slack.command("party add")
    values = {Block.PARTY_KIND: kind, Block.PARTY_NAME: name, Block.PARTY_CHANNEL: channel}
    values.update(contacts or {})
    return slack.submit(values=values)


def link(slack, sandbox, team, service, party, activities=("incident handling",), other="", component=""):
    slack.command("link")
    modal = sandbox.open_modal(team, ALICE)
    opts = {o["text"]["text"]: o["value"] for b in modal.view["blocks"] if b.get("block_id") == Block.LINK_SERVICE
            for o in b["element"]["options"]}
    popts = {o["text"]["text"]: o["value"] for b in modal.view["blocks"] if b.get("block_id") == Block.LINK_PARTY
             for g in b["element"]["option_groups"] for o in g["options"]}
    return slack.submit(values={Block.LINK_SERVICE: opts[service], Block.LINK_PARTY: popts[party],
                                Block.LINK_ACTIVITIES: list(activities), Block.LINK_OTHER_ACTIVITIES: other,
                                Block.LINK_COMPONENT: component})


def test_help_lists_every_command(slack, sandbox):
    assert slack.command("help").status == 200
    shown = text_of(sandbox.last_ephemeral(ALICE))
    for usage in ("/slm service add", "/slm party add", "/slm link", "/slm map", "/slm help"):
        assert usage in shown


def test_empty_command_is_help(slack, sandbox):
    slack.command("")
    assert "/slm map" in text_of(sandbox.last_ephemeral(ALICE))


def test_unknown_subcommand_answers_ephemerally_with_the_commands(slack, sandbox):
    slack.command("frobnicate <now>")
    reply = sandbox.last_ephemeral(ALICE)
    assert reply.via == "response_url" and reply.ephemeral_to == ALICE
    shown = text_of(reply)
    assert "I don't know the command `/slm frobnicate &lt;now&gt;`" in shown
    assert "/slm service add" in shown


def test_service_add_opens_a_prefilled_modal_and_stores_the_service(slack, sandbox, db, team):
    slack.command("service add Payroll")
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.SERVICE_FORM
    name_block = next(b for b in modal.view["blocks"] if b["block_id"] == Block.SERVICE_NAME)
    assert name_block["element"]["initial_value"] == "Payroll"
    outcome = slack.submit(values={Block.SERVICE_DESCRIPTION: "Monthly pay run"})
    assert outcome.ok
    assert sandbox.open_modal(team, ALICE) is None  # the modal closed
    [service] = rows(db, Service)
    assert (service.team_id, service.name, service.description, service.created_by) == (team, "Payroll", "Monthly pay run", ALICE)
    confirmation = sandbox.last_ephemeral(ALICE)
    assert confirmation.channel == "C0GENERAL" and "Added the service *Payroll*" in text_of(confirmation)
    with Session(db.engine) as s:
        [event] = audit.trail(s, team, "service")
    assert (event.action, event.actor, event.detail["name"]) == ("service.add", ALICE, "Payroll")


def test_service_name_errors_show_inline_and_store_nothing(slack, sandbox, db, team):
    slack.command("service add")
    outcome = slack.submit(values={Block.SERVICE_NAME: "   "})
    assert outcome.errors == {Block.SERVICE_NAME: "Give the service a name."}
    assert sandbox.open_modal(team, ALICE) is not None  # still open, for the person to fix
    assert rows(db, Service) == []

    assert add_service(slack, "Payroll").ok
    outcome = add_service(slack, "  payroll ")
    assert outcome.errors == {Block.SERVICE_NAME: "There is already a service called “Payroll”."}
    assert len(rows(db, Service)) == 1


def test_party_add_with_contacts_by_role(slack, sandbox, db, team):
    slack.command("party add customer Acme Retail")
    modal = sandbox.open_modal(team, ALICE)
    kind_block = next(b for b in modal.view["blocks"] if b["block_id"] == Block.PARTY_KIND)
    assert kind_block["element"]["initial_option"]["value"] == "customer"
    outcome = slack.submit(values={Block.PARTY_CHANNEL: "C0ACMESLA", Block.CONTACTS_MANAGERIAL: ["U0CAROL"],
                                   Block.CONTACTS_APPROVER: ["U0CAROL"], Block.CONTACTS_OPERATIONAL: [BOB]})
    assert outcome.ok
    [party] = rows(db, Party)
    assert (party.kind, party.name, party.channel_id) == ("customer", "Acme Retail", "C0ACMESLA")
    contacts = sorted((c.user_id, c.role) for c in rows(db, Contact))
    assert contacts == [("U0BOB", "operational"), ("U0CAROL", "approver"), ("U0CAROL", "managerial")]
    assert "Added customer *Acme Retail*" in text_of(sandbox.last_ephemeral(ALICE))


def test_party_needs_a_kind_and_a_name_and_stores_nothing_without(slack, sandbox, db):
    slack.command("party add")
    outcome = slack.submit(values={Block.PARTY_NAME: ""})
    assert set(outcome.errors) == {Block.PARTY_KIND, Block.PARTY_NAME}
    assert "customer, a supplier or an internal support group" in outcome.errors[Block.PARTY_KIND]
    assert rows(db, Party) == [] and rows(db, Contact) == []


def test_a_party_may_not_take_a_service_name(slack):
    add_service(slack, "Email")
    outcome = add_party(slack, "supplier", "email")
    assert outcome.errors == {Block.PARTY_NAME: "There is already a service called “Email”."}


def test_link_and_map(slack, sandbox, db, team):
    add_service(slack, "Payroll", "Pays everyone")
    add_party(slack, "customer", "Acme Retail")
    add_party(slack, "support_group", "Network group", channel="C0NETWORKTE")
    add_party(slack, "supplier", "Carrier X")
    assert link(slack, sandbox, team, "Payroll", "Acme Retail", ("incident handling", "reporting"), other="billing, Reporting").ok
    assert link(slack, sandbox, team, "Payroll", "Network group", ("incident handling",)).ok
    assert link(slack, sandbox, team, "Payroll", "Carrier X", ("maintenance",), component="WAN link").ok
    stored = {(l.component, tuple(l.activities)) for l in rows(db, ServiceLink)}
    assert stored == {("", ("incident handling", "reporting", "billing")), ("", ("incident handling",)),
                      ("WAN link", ("maintenance",))}
    assert "*Carrier X* supplies *Payroll* (WAN link), over: maintenance" in text_of(sandbox.last_ephemeral(ALICE))

    slack.command("map")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "*Payroll*: Pays everyone" in shown
    assert "*Consumed by*\n• Acme Retail: incident handling, reporting, billing" in shown
    assert "*Supported by*\n• Network group: incident handling" in shown
    assert "*Supplied by*\n• Carrier X (WAN link): maintenance" in shown

    slack.command("map payroll")
    assert "Service map: Payroll" in text_of(sandbox.last_ephemeral(ALICE))

    slack.command("map Carrier X")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Supplier: Carrier X" in shown and "*Supplies*\n• Payroll (WAN link): maintenance" in shown


def test_map_of_an_unknown_name_says_what_is_known(slack, sandbox):
    add_service(slack, "Payroll")
    slack.command("map Payrol")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "There is no service or party called “Payrol”" in shown and "Known: Payroll" in shown


def test_party_view_lists_contacts_by_role(slack, sandbox):
    add_party(slack, "customer", "Acme Retail", contacts={Block.CONTACTS_APPROVER: ["U0CAROL"]})
    slack.command("map acme retail")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "• Approver: <@U0CAROL>" in shown and "Notices go to <#C0ACMESLA>" in shown


def test_link_errors_inline_and_nothing_stored(slack, sandbox, db, team):
    add_service(slack, "Payroll")
    add_party(slack, "customer", "Acme Retail")
    outcome = link(slack, sandbox, team, "Payroll", "Acme Retail", activities=(), component="Hosting")
    assert outcome.errors[Block.LINK_ACTIVITIES].startswith("Name at least one activity")
    assert outcome.errors[Block.LINK_COMPONENT].startswith("Only a supplier supplies a component")
    assert rows(db, ServiceLink) == []
    assert link(slack, sandbox, team, "Payroll", "Acme Retail").ok
    outcome = link(slack, sandbox, team, "Payroll", "Acme Retail")
    assert outcome.errors == {Block.LINK_PARTY: "Acme Retail is already linked to Payroll."}
    assert len(rows(db, ServiceLink)) == 1


def test_link_before_the_map_has_anything_says_what_to_add(slack, sandbox, team):
    slack.command("link")
    assert sandbox.open_modal(team, ALICE) is None
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "/slm service add" in shown and "/slm party add" in shown


def test_link_with_a_service_name_preselects_it(slack, sandbox, team):
    add_service(slack, "Payroll")
    add_service(slack, "Email")
    add_party(slack, "customer", "Acme Retail")
    slack.command("link email")
    modal = sandbox.open_modal(team, ALICE)
    block = next(b for b in modal.view["blocks"] if b["block_id"] == Block.LINK_SERVICE)
    assert block["element"]["initial_option"]["text"]["text"] == "Email"


def test_members_without_the_role_cannot_change_the_map(slack, sandbox, db, team):
    slack.command("service add Payroll", user=BOB)
    assert sandbox.open_modal(team, BOB) is None
    assert "Only a service manager or workspace admin can change the service map" in text_of(sandbox.last_ephemeral(BOB))
    # ...but can read it
    slack.command("map", user=BOB)
    assert "The map is empty" in text_of(sandbox.last_ephemeral(BOB))
    # A granted role opens the door, and it is audited.
    slack.command(f"role grant <@{BOB}|bob> service-manager")
    assert "<@U0BOB> is now a service manager." in text_of(sandbox.last_ephemeral(ALICE))
    assert add_service(slack, "Payroll", user=BOB).ok
    assert [s.created_by for s in rows(db, Service)] == [BOB]
    slack.command("roles", user=BOB)
    assert "<@U0BOB>: service manager" in text_of(sandbox.last_ephemeral(BOB))


def test_a_modal_opened_with_the_role_is_still_checked_on_submit(slack, sandbox, db, team):
    slack.command(f"role grant <@{BOB}> service-manager")
    slack.command("service add Payroll", user=BOB)
    slack.command(f"role revoke <@{BOB}> service-manager")
    outcome = slack.submit(user=BOB)
    assert outcome.errors[Block.SERVICE_NAME].startswith("Only a service manager or workspace admin can change")
    assert rows(db, Service) == []


def test_role_command_with_bad_arguments(slack, sandbox):
    slack.command("role grant bob")
    assert "Say who and which role" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"role grant <@{BOB}> wizard")
    assert "“wizard” is not a role I know" in text_of(sandbox.last_ephemeral(ALICE))


def test_app_home_shows_the_map_and_its_buttons_open_the_modals(slack, sandbox, team):
    add_service(slack, "Payroll")
    slack.open_home()
    home = sandbox.home(team, ALICE)
    assert "*1* service and *0* parties (customers, suppliers, support groups) on the map" in text_of(home)
    assert "*Payroll*" in text_of(home)
    assert "*Agreements*" in text_of(home) and "*Everyone's open actions*\nNone open." in text_of(home)
    slack.click("home_add_party", view=home)
    assert sandbox.open_modal(team, ALICE).callback_id == Callback.PARTY_FORM
    slack.open_home(user=BOB)
    assert "A service manager or workspace admin can change it" in text_of(sandbox.home(team, BOB))
    add_service(slack, "Pensions")  # counted in words that agree with the count: "1 service", "2 services"
    slack.open_home()
    assert "*2* services and *0* parties" in text_of(sandbox.home(team, ALICE))


def test_an_agreement_names_contacts_added_through_the_form_who_never_used_the_bot(slack, sandbox, db, team):
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        payroll = service_map.add_service(s, admin, name="Payroll")
    slack.command("party add customer Acme Retail")
    assert slack.submit(values={Block.PARTY_CHANNEL: "C0ACMESLA", Block.CONTACTS_APPROVER: ["U0CAROL"]}).ok
    draft(slack, sandbox, team, {"service": payroll.id})
    _, replies = thread(sandbox)
    document = next(sandbox.files[f["id"]]["content"].decode() for m in replies for f in m.files)
    assert "| Approver | Carol Customer |" in document and "U0CAROL" not in document
