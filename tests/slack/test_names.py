"""Names as people type them: shown as typed wherever they appear; renamed and removed with care."""
from __future__ import annotations

import copy

from sqlmodel import Session, select

from bot import audit
from messages.ids import Action, Block
from models import Calendar, Party, Service, ServiceLink
from tests.helpers import assert_valid_blocks, text_of
from tests.slack.test_agreements import acme, draft  # noqa: F401  (the fixture, and an SLA drafted from it)
from tests.slack.test_service_map import ALICE, BOB, add_party, add_service, link

MARKUP = "*bold* _pay_ ~roll~"  # the tokens tests.helpers looks for: none may format a message


def test_a_name_typed_with_markup_shows_as_typed_and_its_link_hint_works(slack, sandbox, team):
    assert add_service(slack, name=MARKUP, description="_the_ *pay* run").ok
    added = sandbox.last_ephemeral(ALICE)
    assert_valid_blocks({"text": added.text, "blocks": added.blocks})
    assert "`/slm link *bold* _pay_ ~roll~`" in text_of(added)  # in code: literal, and copied it finds the service
    add_party(slack, "customer", "_Acme_")
    assert link(slack, sandbox, team, MARKUP, "_Acme_").ok
    linked = sandbox.last_ephemeral(ALICE)
    assert_valid_blocks({"text": linked.text, "blocks": linked.blocks})

    slack.command("link *bold* _pay_ ~roll~")  # the hint, as copied: the form opens on that service
    form = sandbox.open_modal(team, ALICE)
    chosen = next(b for b in form.view["blocks"] if b.get("block_id") == Block.LINK_SERVICE)["element"]
    assert chosen["initial_option"]["text"]["text"] == MARKUP
    sandbox.close_modals(team, ALICE)

    for asked in ("", MARKUP, "_Acme_"):
        slack.command(f"map {asked}")
        shown = sandbox.last_ephemeral(ALICE)
        assert_valid_blocks({"text": shown.text, "blocks": shown.blocks})
        assert "∗bold∗ ˍpayˍ ∼roll∼" in text_of(shown)


# ---- renaming and removing ---------------------------------------------------------------------


def names(db, model) -> list[str]:
    with Session(db.engine) as s:
        return sorted(row.name for row in s.exec(select(model)))


def trail(db, team, entity):
    with Session(db.engine) as s:
        return [(e.action, e.detail) for e in audit.trail(s, team, entity)]


def reply(sandbox, user=ALICE) -> str:
    return text_of(sandbox.last_ephemeral(user))


def test_rename_with_or_without_quotes_keeps_the_old_name_in_the_audit_trail(slack, sandbox, db, team):
    add_service(slack, name="Pay roll")
    add_service(slack, name="Pay")
    slack.command("service rename Pay roll Payroll")  # "Pay" and "Pay roll" are both services: which?
    assert "could be split more than one way; put the names in quotes" in reply(sandbox)
    slack.command('service rename "Pay roll" Payroll')
    assert "Renamed the service “Pay roll” to *Payroll*" in reply(sandbox)
    slack.command('service rename “Pay” "Payslips online"')
    slack.command("service rename Payslips online Payslips")  # without quotes: one split names a service
    assert names(db, Service) == ["Payroll", "Payslips"]
    assert [d for a, d in trail(db, team, "service") if a == "service.rename"] == [
        {"old_name": "Pay roll", "new_name": "Payroll"}, {"old_name": "Pay", "new_name": "Payslips online"},
        {"old_name": "Payslips online", "new_name": "Payslips"}]
    slack.command("map Payroll")
    assert "Service map: Payroll" in reply(sandbox)

    slack.command('service rename Payroll "payslips"')
    assert "There is already a service called “payslips”; nothing was renamed" in reply(sandbox)
    slack.command("service rename Payrol Wages")
    assert "does not start with the name of a service I know" in reply(sandbox)
    slack.command("service rename Payroll Wages", user=BOB)
    assert "Only a service manager or workspace admin can change the service map" in reply(sandbox, BOB)
    assert names(db, Service) == ["Payroll", "Payslips"]


def test_help_lists_renaming_and_removing(slack, sandbox):
    slack.command("help")
    shown = reply(sandbox)
    for usage in ("/slm service rename &lt;old&gt; &lt;new&gt;", "/slm service remove &lt;name&gt;", "/slm party rename",
                  "/slm party remove", "/slm link remove &lt;service&gt; &lt;party&gt;", "/slm calendar rename",
                  "/slm calendar remove"):  # as Slack needs them: < and > escaped
        assert usage in shown


def test_party_and_calendar_renames(slack, sandbox, db, team):
    add_party(slack, "customer", "Acme Retial")
    slack.command("party rename Acme Retial Acme Retail")
    assert names(db, Party) == ["Acme Retail"]
    slack.command("calendar add")
    assert slack.submit(values={Block.CAL_NAME: "UK ofice", Block.CAL_HOURS: "Mon-Fri 9-5"}).ok
    slack.command('calendar rename "UK ofice" UK office')
    assert names(db, Calendar) == ["UK office"]
    assert [a for a, _ in trail(db, team, "party")] == ["party.add", "party.rename"]
    assert ("calendar.rename", {"old_name": "UK ofice", "new_name": "UK office"}) in trail(db, team, "calendar")


def test_removal_asks_first_and_cancel_keeps_it(slack, sandbox, db, team):
    add_service(slack, name="Payroll")
    slack.command('service remove "Payroll"')
    question = sandbox.last_ephemeral(ALICE)
    assert "Remove the service *Payroll*?" in text_of(question)
    buttons = [e for b in question.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["Remove Payroll", "Cancel"]
    assert_valid_blocks({"text": question.text, "blocks": question.blocks})

    slack.click(Action.REMOVE_CANCEL, message=question)
    assert "Kept the service *Payroll*; nothing was removed." in text_of(question)  # the question was replaced
    assert names(db, Service) == ["Payroll"]

    slack.command("service remove Payroll")
    question = sandbox.last_ephemeral(ALICE)
    slack.click(Action.REMOVE_CONFIRM, message=question, user=BOB)  # not Bob's to press
    assert names(db, Service) == ["Payroll"]
    stale = copy.deepcopy(question)  # as a second client still shows it
    slack.click(Action.REMOVE_CONFIRM, message=question)
    assert "Removed the service *Payroll*" in text_of(question)
    assert names(db, Service) == []
    assert trail(db, team, "service")[-1] == ("service.remove", {"name": "Payroll"})
    slack.click(Action.REMOVE_CONFIRM, message=stale)  # pressed again: nothing more happens
    assert "already gone; nothing was removed" in reply(sandbox)
    forged = copy.deepcopy(stale)
    forged.blocks[-1]["elements"][0]["value"] = "service:1; drop"
    slack.click(Action.REMOVE_CONFIRM, message=forged)
    assert "I don't know what that button removes; nothing was removed." in reply(sandbox)


def test_what_is_in_use_is_not_removed_and_what_uses_it_is_named(slack, sandbox, db, team):
    add_service(slack, name="Payroll")
    for i in range(6):
        add_party(slack, "customer", f"Customer {i}")
        assert link(slack, sandbox, team, "Payroll", f"Customer {i}").ok
    slack.command("service remove Payroll")
    shown = reply(sandbox)
    assert ("I can't remove the service “Payroll”: the link with Customer 0, the link with Customer 1, the link with "
            "Customer 2, the link with Customer 3 and 2 more still use it") in shown
    assert not any(b.get("type") == "actions" for b in sandbox.last_ephemeral(ALICE).blocks)
    slack.command("party remove Customer 5")
    assert "I can't remove the party “Customer 5”: the link with Payroll still uses it" in reply(sandbox)

    slack.command("link remove Payroll Customer 5")
    question = sandbox.last_ephemeral(ALICE)
    assert "Remove the link *Payroll – Customer 5*?" in text_of(question)
    slack.click(Action.REMOVE_CONFIRM, message=question)
    with Session(db.engine) as s:
        assert len(s.exec(select(ServiceLink)).all()) == 5
    assert trail(db, team, "service_link")[-1][0] == "link.remove"
    slack.command("party remove Customer 5")
    slack.click(Action.REMOVE_CONFIRM, message=sandbox.last_ephemeral(ALICE))
    assert "Customer 5" not in names(db, Party)


def test_agreements_and_requirements_keep_their_service_party_and_calendars(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    slack.command("service remove Payroll")
    shown = reply(sandbox)
    assert "I can't remove the service “Payroll”: SLA “Acme Retail: Payroll”, requirement #1" in shown
    assert "more still use it" in shown
    slack.command("party remove Acme Retail")
    assert "I can't remove the party “Acme Retail”: SLA “Acme Retail: Payroll”" in reply(sandbox)
    [calendar] = [n for n in names(db, Calendar)]
    slack.command(f'calendar remove "{calendar}"')
    assert f"I can't remove the calendar “{calendar}”: SLA “Acme Retail: Payroll” (T" in reply(sandbox)
    assert names(db, Service) == ["Payroll"] and names(db, Party) == ["Acme Retail"]
    slack.command("service rename Payroll Payroll and payslips")  # in use: a rename is fine, and shows everywhere
    slack.command("requirements Acme Retail")
    assert "Payroll and payslips" in reply(sandbox)
