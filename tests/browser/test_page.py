"""What the sandbox page sends for each element, and how it shows the answer, in a real browser.

Each test sets up what it does not look at through the page's own JSON endpoints, then uses the page as a
person would for the thing under test, and checks the database as well as the screen."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from messages.ids import Block
from models import Action as ActionRow
from models import Agreement, AgreementVersion, Requirement, Target
from models.outbox import Outbox, OutboxKind, OutboxStatus
from tests.browser.person import Person
from tests.browser.world import payroll_sla

ALICE = "U0ALICE"


@pytest.fixture(scope="module")
def world(app):
    """Payroll for Acme Retail (Carol approves), three requirements (P1-P3 resolution) and an SLA drafted from
    them in #acme-sla, with T1-T3: made through the page's JSON endpoints, as the page would post them."""
    return payroll_sla(app, "Acme Retail", "C0ACMESLA", {Block.CONTACTS_APPROVER: ["U0CAROL"],
                                                          Block.PARTY_CHANNEL: "C0ACMESLA"})


def rows(app, model):
    with app.db.session() as s:
        return list(s.exec(select(model).order_by(model.id)))


def test_a_select_that_redraws_asks_what_fits_and_carries_no_value_across(page, world):
    me = Person(page, world.base_url).open(ALICE, "C0ACMESLA")
    me.press(me.message("SLA: Acme Payroll"), "Propose change")
    me.expect_modal("Propose a change")
    expect(me.field("Within").locator("input")).to_have_value("4h")  # T1 first
    me.fill("Within", "5h")  # typed for T1; then the person changes their mind
    me.choose_containing("What do you want to change?", "T2:", redraws=True)
    expect(me.field("Within").locator("input")).to_have_value("8h")  # T2's own value, not what was typed for T1
    expect(me.field("Incident priority").locator("select")).to_have_value("P2")
    me.shot("T2 chosen")

    me.choose_containing("What do you want to change?", "Add a target", redraws=True)
    expect(me.field("Within")).to_have_count(0)
    me.choose("Kind of target", "Availability per period", redraws=True)
    expect(me.field("Availability goal").locator("input")).to_have_value("")
    me.choose("Kind of target", "Time to resolve, per priority", redraws=True)
    expect(me.field("Within").locator("input")).to_have_value("")  # a new target's field, empty
    me.shot("a new target's questions")

    me.choose_containing("What do you want to change?", "T2:", redraws=True)
    me.fill("Within", "10h")
    me.fill("Why", "The second line is part-time")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    [sla] = rows(world, Agreement)
    latest = next(v for v in rows(world, AgreementVersion) if v.agreement_id == sla.id and v.number == sla.latest_version)
    assert latest.changes == ["T2 P2 resolution: 8h → 10h"]  # nothing else changed, nothing carried from T1


def _buttons_under(message, text: str):
    """The actions block that follows the section showing `text`: the buttons for that line."""
    return message.locator(".section", has_text=text).locator("xpath=following-sibling::div[contains(@class,'actions')][1]")


def test_same_named_buttons_act_on_their_own_record(page, world):
    me = Person(page, world.base_url).open(ALICE, "C0ACMESLA")
    me.type("/slm tree Acme Payroll")
    tree = me.message("What underpins Acme Payroll")
    expect(tree.get_by_role("button", name="Upgrade action…")).to_have_count(3)  # one per target: same action_id
    me.shot("the tree")
    targets = {t.key: t.id for t in rows(world, Target)}
    for key, level in (("T2", "P2"), ("T3", "P3")):
        me.press(_buttons_under(tree, f"{key} P"), "Upgrade action…")
        me.expect_modal("Upgrade action")
        expect(me.field("What is to be done")).to_contain_text(re.compile(f"{level} resolution"))  # the hint
        me.fill("What is to be done", f"Upgrade the OLA's {level} resolution")
        me.choose("Owner (a person)", "Bob Ops")
        me.submit()
        expect(page.locator("#modal-overlay")).to_be_hidden()
    assert [(a.number, a.target_id) for a in sorted(rows(world, ActionRow), key=lambda a: a.number)][-2:] == [
        (1, targets["T2"]), (2, targets["T3"])]

    me.press(_buttons_under(tree, "T3 P"), re.compile("^Waive"))
    me.expect_modal("Waive a gap")
    expect(me.modal).to_contain_text("T3")
    me.shot("the waiver for T3")
    page.locator("#modal-close").click()
    expect(page.locator("#modal-overlay")).to_be_hidden()

    me.type("/slm actions")
    listing = me.message("Open actions")
    me.press(listing.locator(".section", has_text="#2"), "Done")
    me.shot("action 2 done")
    status = {a.number: a.status for a in rows(world, ActionRow)}
    assert (status[1], status[2]) == ("open", "done")


def test_the_menu_on_the_third_requirement_acts_on_the_third(page, world):
    me = Person(page, world.base_url).open(ALICE, "C0ACMESLA")
    me.type("/slm requirements Payroll")
    listing = me.message("Requirements: Payroll")
    third = listing.locator(".section", has_text="#3")
    me.menu(third, "Decline…")
    me.expect_modal("Decline #3")
    me.fill("Why is it declined?", "Two business days is more than the desk can promise")
    me.shot("decline the third")
    me.submit()
    status = {r.number: r.status for r in rows(world, Requirement)}
    assert status[3] == "declined" and status[1] != "declined" and status[2] != "declined"


def test_emoji_render_and_app_home_links_open_the_page(page, world):
    me = Person(page, world.base_url).open("U0CAROL", "C0ACMESLA")
    me.press(me.message("SLA: Acme Payroll"), re.compile("^Agree to version"))
    refusal = me.message("cannot be agreed yet")
    expect(refusal).to_contain_text("⛔")
    assert not re.search(r":[a-z_]+:", refusal.inner_text()), refusal.inner_text()
    me.shot("refused, with its emoji")

    page.locator("#home-entry").click()
    link = page.locator("#messages a", has_text="Acme Payroll").first  # also under "waiting for your agreement"
    expect(link).to_have_attribute("href", re.compile(re.escape(f"{world.base_url}/sandbox?channel=C0ACMESLA#p")))
    _home_settled(page, world)  # as a person waits for a tab that is still redrawing before clicking in it
    me.shot("App Home")
    link.click()
    expect(page.locator("#pane-title")).to_have_text("#acme-sla")
    expect(page.locator("#messages > .msg.linked")).to_contain_text("SLA: Acme Payroll")  # the linked message
    me.shot("opened from the link")


def _home_settled(page, world, timeout: float = 20.0) -> None:
    """The App Home publishes queued by the press (the outbox's `home` rows, sent by the worker's delivery round)
    have gone out, and the page has asked for its state since, so no redraw replaces the tab under a click."""
    deadline = time.monotonic() + timeout
    busy = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)
    while True:
        with world.db.session() as s:
            if s.exec(select(Outbox).where(Outbox.kind == OutboxKind.HOME.value, Outbox.status.in_(busy))).first() is None:
                break
        assert time.monotonic() < deadline, "the App Home's publish is still queued"
        time.sleep(0.1)
    for _ in range(2):  # the page asks for its state each second
        with page.expect_response(lambda r: "/sandbox/ui/state" in r.url, timeout=5000):
            pass


def test_start_up_says_where_the_page_is_last_and_polls_are_not_logged(page, world):
    Person(page, world.base_url).open(ALICE, "C0GENERAL")
    for _ in range(2):  # the page asks for its state each second
        with page.expect_response(lambda r: "/sandbox/ui/state" in r.url, timeout=5000):
            pass
    lines = world.log.read_text().splitlines()
    start = lines[:next(i for i, line in enumerate(lines) if "slm-bot is running in sandbox mode" in line) + 1]
    assert "Uvicorn running on" in "\n".join(start) and start[-1].endswith(f"open {world.base_url}/sandbox")
    assert not [line for line in lines if "alembic" in line]
    assert not [line for line in lines if "/sandbox/ui/state" in line]
    assert [line for line in lines if "POST /sandbox/ui/command" in line]  # other requests are logged as before


def test_a_slack_date_shows_in_the_viewers_own_words_and_zone(page, world):
    """`<!date^…^{date_short_pretty} {time}|fallback>` reads as Slack shows it ("today 14:05", in the viewer's zone),
    not as the ISO fallback only an old client would show."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    me = Person(page, world.base_url).open(ALICE, "C0GENERAL")
    me.type("/slm token new date-shown")
    me.type("/slm token revoke date-shown")
    me.type("/slm tokens")
    line = page.locator("#messages > .msg").filter(has_text="API tokens").last
    expect(line).to_contain_text("date-shown")
    shown = line.inner_text()
    me.shot("a date as Slack shows it")
    revoked = re.search(r"revoked (.+?) by", shown).group(1)
    now = datetime.now(ZoneInfo("Europe/London"))  # Alice's zone in the sandbox
    assert re.fullmatch(r"today \d\d:\d\d", revoked), shown
    hour = int(revoked[6:8])
    assert hour in (now.hour, (now.hour - 1) % 24), (revoked, now)  # London's hour, not the server's or UTC's
    assert "+00:00" not in shown and not re.search(r"\d{4}-\d\d-\d\dT", shown)


def test_an_uploaded_image_shows_inline_as_slack_shows_it(page, world):
    """A PNG shared in a message (the review pack's chart) is shown as the image, as Slack shows it; another file
    by its title; and the page's file address serves images only."""
    import io

    import httpx
    from matplotlib.figure import Figure
    from slack_sdk import WebClient

    figure = Figure(figsize=(3, 2), dpi=50)
    figure.subplots().plot([1, 2, 3], [3, 1, 2])
    png = io.BytesIO()
    figure.savefig(png, format="png")
    bot = WebClient(token="xoxb-sandbox", base_url=f"{world.base_url}/sandbox/api/")
    bot.files_upload_v2(channel="C0GENERAL", content=png.getvalue(), filename="trend.png", title="A trend chart")
    bot.files_upload_v2(channel="C0GENERAL", content="# Notes\n", filename="notes.md", title="Some notes")

    Person(page, world.base_url).open(ALICE, "C0GENERAL")
    image = page.locator("#messages .file.image img[alt='A trend chart']")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 150  # loaded: 3 in x 50 dpi
    expect(page.locator("#messages .file", has_text="Some notes")).to_have_text("📎 Some notes")
    page.screens("an image inline")
    src = image.get_attribute("src")
    assert httpx.get(world.base_url + src).headers["content-type"] == "image/png"
    notes = next(f["id"] for m in world.state(ALICE, "C0GENERAL")["messages"] for f in m.get("files") or []
                 if f["title"] == "Some notes")
    assert httpx.get(f"{world.base_url}/sandbox/files/{notes}").status_code == 404
    assert httpx.get(f"{world.base_url}/sandbox/files/..%2Fx").status_code == 404
