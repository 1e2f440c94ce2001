"""SLAs (6.3) through signed Slack requests: drafted from requirements, negotiated in a thread, agreed by both sides."""
from __future__ import annotations

import copy

import pytest
from sqlmodel import Session, select

from bot import requirements, service_map
from bot import cover as coverage
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from bot.scheduler import run_all_once
from messages.ids import Action, Block, Callback
from models import Agreement, AgreementVersion, ContactRole, Requirement, Signoff, Source, Target
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
CHANNEL = "C0ACMESLA"
NAME = "Acme Retail: Payroll"


@pytest.fixture
def acme(db, team):
    """Payroll for Acme Retail (Carol: managerial and approver), Alice a service manager, and Acme's requirements."""
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        members.grant(s, admin, ALICE, "service_manager")
        payroll = service_map.add_service(s, admin, name="Payroll")
        acme = service_map.add_party(s, admin, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id=CHANNEL,
            contacts={ContactRole.MANAGERIAL: [CAROL], ContactRole.APPROVER: [CAROL]}))
        said = requirements.Said(user_id=CAROL, role=ContactRole.MANAGERIAL, source=Source.FORM)
        drafts = requirements.interview_drafts("operational", ["incidents", "support_hours", "reporting"], {
            "p1_resolution": "4h", "support_hours": "Mon-Fri 08:00-18:00", "reporting": "Monthly incident report"},
            default_tz="Europe/London")
        drafts += requirements.interview_drafts("managerial", ["good"], {"availability": "99.9%"}, default_tz="UTC")
        reqs = requirements.record(s, admin, payroll.id, acme.id, said, drafts)
        declined = requirements.record(s, admin, payroll.id, acme.id, said, requirements.interview_drafts(
            "operational", ["incidents"], {"p2_resolution": "1h"}, default_tz="UTC"))[0]
        requirements.decline(s, admin, declined.number, "Not on this budget")
    return {"service": payroll.id, "customer": acme.id, "requirements": [r.number for r in reqs]}


def agreement(db) -> Agreement:
    with Session(db.engine) as s:
        return s.exec(select(Agreement)).one()


def versions(db) -> list[AgreementVersion]:
    with Session(db.engine) as s:
        return list(s.exec(select(AgreementVersion).order_by(AgreementVersion.number)))


def waive_every_gap(db, team):
    """These tests are about negotiation: what underpins the SLA (tests/slack/test_coverage.py) is waived here."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START)
    with db.session() as s:
        sla = s.exec(select(Agreement)).one()
        for c in coverage.check_agreement(s, sla):
            for gap in c.gaps:
                coverage.waive(s, sm, c.target.id, coverage.gap_key(gap), "Covered by the network team's informal promise")


def thread(sandbox):
    headline = next(m for m in sandbox.channel_messages(CHANNEL) if m.blocks and m.blocks[0]["type"] == "header")
    return headline, sandbox.channel_messages(CHANNEL, thread_ts=headline.ts)


def draft(slack, sandbox, team, acme):
    slack.command("sla new Acme Retail")
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.AGREEMENT_DRAFT
    outcome = slack.submit(modal, {Block.AGR_NAME: NAME, Block.AGR_SERVICES: [str(acme["service"])]})
    assert outcome.ok, outcome.errors
    return thread(sandbox)


def propose(slack, sandbox, team, user, values, change=None):
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=user)
    modal = sandbox.open_modal(team, user)
    assert modal is not None, text_of(sandbox.last_ephemeral(user))
    if change:
        slack.click(Action.INPUT, view=modal, value=change, block_id=Block.PROP_CHANGE, user=user)
        modal = sandbox.open_modal(team, user)
    return slack.submit(modal, values)


def test_a_draft_from_requirements_is_posted_for_negotiation(slack, sandbox, db, team, acme):
    headline, replies = draft(slack, sandbox, team, acme)
    row = agreement(db)
    assert (row.name, row.kind, row.status, row.latest_version, row.channel_id, row.thread_ts) == (
        NAME, "sla", "negotiating", 1, CHANNEL, headline.ts)
    # Reviewed by default in the month before the financial year starts (the setting's default: January).
    assert (row.start_date.isoformat(), row.end_date.isoformat(), row.review_month) == ("2026-04-01", "2027-03-31", 12)
    with Session(db.engine) as s:
        tgts = {t.key: t for t in s.exec(select(Target))}
        answered = {r.id: r.number for r in s.exec(select(Requirement))}
    assert (tgts["T1"].kind, tgts["T1"].level, tgts["T1"].duration, tgts["T1"].goal) == ("resolution", "P1", "4h", "95%")
    assert (tgts["T2"].kind, tgts["T2"].goal, tgts["T2"].period) == ("availability", "99.9%", "monthly")
    assert answered[tgts["T1"].requirement_id] == acme["requirements"][0]

    shown = text_of(headline)
    assert "SLA: Acme Retail: Payroll" in shown and "negotiating (v1)" in shown and "Agree to version 1" in shown
    v1, document = replies[0], replies[1]
    assert "*v1* drafted by <@U0ALICE>" in text_of(v1)
    assert "T1 P1 resolution within 4h, 95% of tickets, monthly, Mon-Fri 08:00-18:00 Europe/London (answers #1)" in text_of(v1)
    # The support hours became the target's calendar; the reporting need is left for the negotiation; the declined one is out.
    assert "*Requirements not answered by a target*" in text_of(v1) and "Monthly incident report" in text_of(v1)
    assert "Not on this budget" not in text_of(v1) and "#5" not in text_of(v1)
    assert document.files[0]["title"] == f"{NAME}, version 1"
    stored_file = sandbox.files[document.files[0]["id"]]["content"].decode()
    assert stored_file == versions(db)[0].document and "| T1 | P1 resolution within 4h, 95% of tickets |" in stored_file
    assert "posted it in <#C0ACMESLA>" in text_of(sandbox.last_ephemeral(ALICE))


def test_draft_errors_are_inline_and_nothing_is_stored(slack, sandbox, db, team, acme):
    slack.command("sla new")
    modal = sandbox.open_modal(team, ALICE)
    outcome = slack.submit(modal, {Block.AGR_NAME: "", Block.AGR_SERVICES: [], Block.AGR_START: "2027-01-01",
                                   Block.AGR_END: "2026-01-01", Block.AGR_CHANNEL: ""})
    assert set(outcome.errors) == {Block.AGR_NAME, Block.AGR_COUNTERPARTY, Block.AGR_SERVICES, Block.AGR_END}
    assert outcome.errors[Block.AGR_END] == "It must end after it starts."
    with Session(db.engine) as s:
        assert s.exec(select(Agreement)).all() == [] and s.exec(select(Target)).all() == []
    assert sandbox.channel_messages(CHANNEL) == []


def test_two_rounds_then_agreement_by_both_roles_then_an_amendment(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    # The customer proposes: P1 resolution 4h → 6h.
    assert propose(slack, sandbox, team, CAROL, {Block.PROP_DURATION: "6 hours", Block.PROP_REASON: "Our night shift is thin"}).ok
    # The provider counters: 6h → 5h, and a service credit.
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_DURATION: "5h", Block.PROP_SERVICE_CREDIT: "5% of the monthly charge",
                                                 Block.PROP_REASON: "We can meet you half way"}).ok
    v = versions(db)
    assert [x.number for x in v] == [1, 2, 3]
    assert v[1].changes == ["T1 P1 resolution: 4h → 6h"] and v[1].created_by == CAROL
    assert v[2].changes == ["T1 P1 resolution: 6h → 5h", "T1 P1 resolution service credit: none → 5% of the monthly charge"]
    headline, replies = thread(sandbox)
    posts = [text_of(m) for m in replies if not m.files]
    assert "*v2* proposed by <@U0CAROL>: Our night shift is thin\n• T1 P1 resolution: 4h → 6h" in posts[1]
    assert "*v3* proposed by <@U0ALICE>: We can meet you half way" in posts[2]
    assert len([m for m in replies if m.files]) == 3  # every version's document beside it
    assert headline.edits >= 3 and "Agree to version 3" in text_of(headline)

    # Someone without the role cannot agree; an outdated version cannot be agreed.
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=BOB)
    assert "Only an approver of Acme Retail or the provider's service manager can agree" in text_of(sandbox.last_ephemeral(BOB))
    stale = copy.deepcopy(headline)  # the headline as it stood at version 2, in someone's window
    button = stale.blocks[3]["elements"][1]
    button["value"] = button["value"].rsplit(":", 1)[0] + ":2"
    slack.click(Action.AGREEMENT_AGREE, message=stale, user=CAROL)
    assert "Version 3 of Acme Retail: Payroll has been proposed since version 2" in text_of(sandbox.last_ephemeral(CAROL))
    headline, _ = thread(sandbox)

    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    assert "You have already agreed to version 3" in text_of(sandbox.last_ephemeral(CAROL))
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    row = agreement(db)
    assert (row.status, row.agreed_version) == ("agreed", 3)
    with Session(db.engine) as s:
        signed = sorted((x.side, x.user_id, x.version, x.document_sha256) for x in s.exec(select(Signoff)))
        statuses = {r.number: r.status for r in s.exec(select(Requirement))}
    assert signed == [("counterparty", CAROL, 3, v[2].document_sha256), ("provider", ALICE, 3, v[2].document_sha256)]
    assert statuses[1] == "not met" and statuses[4] == "accepted"  # T1 agrees 5h where 4h was asked; T2 meets it
    assert statuses[3] == "captured" and statuses[5] == "declined"    # not answered; declined stays declined
    _, replies = thread(sandbox)
    news = [text_of(m) for m in replies][-2:]
    assert "<@U0CAROL> agreed to version 3 for the other side. Waiting for a service manager." in news[0]
    assert "*Version 3 is agreed by both sides* (<@U0CAROL>, <@U0ALICE>). It comes into force on 2026-04-01." in news[1]
    headline, _ = thread(sandbox)
    assert "agreed (v3)" in text_of(headline) and "Agree to version" not in text_of(headline)

    # A change after agreement is a new version that needs agreement again; v3 stays in force.
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_CLAUSE_TEXT: "Credits are paid quarterly.",
                                                 Block.PROP_REASON: "Finance asked"}, change="clause:remedies").ok
    row = agreement(db)
    assert (row.status, row.agreed_version, row.latest_version) == ("agreed", 3, 4)
    assert versions(db)[3].changes == ["Clause “Remedies” reworded"]
    headline, _ = thread(sandbox)
    assert "agreed (v3 in force; v4 under negotiation)" in text_of(headline) and "Agree to version 4" in text_of(headline)

    slack.command(f"sla diff {NAME} v1 v3")
    assert "• T1 P1 resolution: 4h → 5h" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"sla show {NAME} v2")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert f"{NAME}, version 2" in shown and "P1 resolution within 6h" in shown
    assert "\u2217" not in shown  # the document's own bold stays bold: its mrkdwn is ours, not escaped again
    slack.command("sla list")
    assert "*Acme Retail: Payroll* with Acme Retail: agreed (v3 in force; v4 under negotiation); Review due 2026-12-01" in \
        text_of(sandbox.last_ephemeral(ALICE))


def test_status_moves_to_active_on_the_start_date(slack, sandbox, db, team, acme, clock, harness_clean):
    headline, _ = draft(slack, sandbox, team, acme)
    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    assert agreement(db).status == "agreed"
    slack.command(f"sla show {NAME}")
    assert "agreed, in force from 2026-04-01" in text_of(sandbox.last_ephemeral(ALICE))  # not "in force" before it is
    clock.set(START.replace(month=3, day=31, hour=23))
    run_all_once(harness_clean.deps)
    assert agreement(db).status == "agreed"
    clock.advance(hours=2)  # 1 April, 01:00 UTC
    run_all_once(harness_clean.deps)
    assert agreement(db).status == "active"
    slack.command(f"sla show {NAME}")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "· in force" in shown and "agreed, in force from" not in shown
    clock.set(START.replace(year=2027, month=4, day=1))
    run_all_once(harness_clean.deps)
    assert agreement(db).status == "expired"


def test_proposals_are_checked(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    outcome = propose(slack, sandbox, team, CAROL, {Block.PROP_DURATION: "soonish", Block.PROP_REASON: ""})
    assert "as a duration" in outcome.errors[f"{Block.PROP_DURATION}.T1"]  # T1's own field
    outcome = propose(slack, sandbox, team, CAROL, {Block.PROP_DURATION: "4h", Block.PROP_REASON: "same"})
    assert outcome.errors == {Block.PROP_CHANGE: "That changes nothing in version 1."}
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=BOB)
    assert "Only a service manager or a contact of Acme Retail can propose a change" in text_of(sandbox.last_ephemeral(BOB))
    assert [v.number for v in versions(db)] == [1]


def test_a_new_target_follows_its_kind(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    slack.click(Action.INPUT, view=modal, value="target:new", block_id=Block.PROP_CHANGE)
    modal = sandbox.open_modal(team, ALICE)
    slack.click(Action.INPUT, view=modal, value="metric", block_id=Block.PROP_KIND)  # the kind select, now on the form
    modal = sandbox.open_modal(team, ALICE)
    assert f"{Block.PROP_THRESHOLD}.new-metric" in [b.get("block_id") for b in modal.view["blocks"]]
    outcome = slack.submit(modal, {Block.PROP_KIND: "metric", Block.PROP_METRIC_NAME: "p95 page load",
                                   Block.PROP_THRESHOLD: "2 sec", Block.PROP_REASON: "Pages were slow last year"})
    assert outcome.ok, outcome.errors
    assert versions(db)[1].changes == ["T3 added: p95 page load under 2 s"]


def test_a_broken_organisation_template_is_reported_and_the_last_good_one_kept(slack, sandbox, db, team, acme,
                                                                              harness_clean, tmp_path, monkeypatch):
    settings = harness_clean.deps.settings
    monkeypatch.setattr(harness_clean.deps, "settings", settings.model_copy(update={"templates_dir": tmp_path}))
    template = tmp_path / "sla.md.j2"
    template.write_text("# {{ name }}\n\nOur own words, version {{ version }}.\n{% for t in targets %}- {{ t.description }}\n{% endfor %}")
    headline, replies = draft(slack, sandbox, team, acme)
    assert versions(db)[0].document.startswith("# Acme Retail: Payroll\n\nOur own words, version 1.")

    template.write_text("# {{ name }}\n\n{% for t in targets %}\n- {{ t.no_such_field }}\n{% endfor %}\n")
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_DURATION: "5h", Block.PROP_REASON: "tighter"}).ok
    v2 = versions(db)[1]
    assert v2.document.startswith("# Acme Retail: Payroll\n\nOur own words, version 2.")  # the last good one
    _, replies = thread(sandbox)
    warning = text_of([m for m in replies if not m.files][-1])
    assert "Your template sla.md.j2, line 4:" in warning and "no_such_field" in warning
    assert "I used the previous version of it instead" in warning

    template.write_text("# {{ name }\n")
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_DURATION: "6h", Block.PROP_REASON: "looser"}).ok
    _, replies = thread(sandbox)
    assert "Your template sla.md.j2, line 1: unexpected '}'" in text_of([m for m in replies if not m.files][-1])


def test_only_service_managers_draft(slack, sandbox, team, acme):
    slack.command("sla new", user=BOB)
    assert sandbox.open_modal(team, BOB) is None
    assert "Only a service manager or workspace admin can draft agreements" in text_of(sandbox.last_ephemeral(BOB))


def test_calendars(slack, sandbox, db, team, acme):
    slack.command("calendar add")
    modal = sandbox.open_modal(team, ALICE)
    outcome = slack.submit(modal, {Block.CAL_NAME: "UK office", Block.CAL_HOURS: "Mon-Fri 9-5",
                                   Block.CAL_HOLIDAYS_COUNTRY: "XX", Block.CAL_CLOSURES: "2026-12-24, someday"})
    assert set(outcome.errors) == {Block.CAL_HOLIDAYS_COUNTRY, Block.CAL_CLOSURES}
    outcome = slack.submit(modal, {Block.CAL_NAME: "UK office", Block.CAL_HOURS: "Mon-Fri 9-5",
                                   Block.CAL_HOLIDAYS_COUNTRY: "gb", Block.CAL_HOLIDAYS_SUBDIV: "eng",
                                   Block.CAL_CLOSURES: "2026-12-24, 2026-12-31"})
    assert outcome.ok
    slack.command("calendar list")
    assert "*UK office*: Mon-Fri 09:00-17:00 Europe/London; public holidays of GB-ENG; closed 2026-12-24, 2026-12-31" in \
        text_of(sandbox.last_ephemeral(ALICE))


def test_a_draft_the_bot_cannot_post_is_kept_and_posted_later(slack, sandbox, db, team, acme):
    secret = sandbox.add_channel("acme-private", members=[ALICE, CAROL], private=True)
    slack.command("sla new Acme Retail")
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.AGR_NAME: NAME, Block.AGR_SERVICES: [str(acme["service"])],
                                                          Block.AGR_CHANNEL: secret["id"]}).ok
    assert "could not post it in <#G0ACMEPRIVA> (Slack said `channel_not_found`)" in text_of(sandbox.last_ephemeral(ALICE))
    assert (agreement(db).status, agreement(db).thread_ts) == ("draft", None)
    secret["members"].append("U0SLMBOT")  # someone ran /invite @slm-bot
    slack.command(f"sla post {NAME}")
    assert ("Posted *Acme Retail: Payroll* in <#G0ACMEPRIVA> for negotiation: the headline, version 1, the document "
            "of version 1.") in text_of(sandbox.last_ephemeral(ALICE))
    assert agreement(db).status == "negotiating" and agreement(db).thread_ts
    slack.command(f"sla post {NAME}")  # says what it did: nothing, this time
    assert "is already posted in <#G0ACMEPRIVA>, every version with its document: nothing to do" in text_of(
        sandbox.last_ephemeral(ALICE))


def test_the_start_date_is_the_organisations_day(slack, sandbox, db, team, acme, clock, harness_clean, monkeypatch):
    settings = harness_clean.deps.settings
    monkeypatch.setattr(harness_clean.deps, "settings", settings.model_copy(update={"timezone": "Australia/Sydney"}))
    headline, _ = draft(slack, sandbox, team, acme)
    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    clock.set(START.replace(month=3, day=31, hour=12, minute=59))  # 23:59 on 31 March in Sydney
    run_all_once(harness_clean.deps)
    assert agreement(db).status == "agreed"
    clock.set(START.replace(month=3, day=31, hour=13, minute=1))  # 00:01 on 1 April in Sydney; still 31 March in UTC
    run_all_once(harness_clean.deps)
    assert agreement(db).status == "active"


def test_another_workspace_cannot_act_on_this_ones_agreement(slack, sandbox, db, team, acme):
    headline, _ = draft(slack, sandbox, team, acme)
    sandbox.add_team("T0OTHER", "Other Org")
    sandbox.add_user("U0OLGA", "Olga Other", team_id="T0OTHER", is_admin=True)
    for action in (Action.AGREEMENT_AGREE, Action.AGREEMENT_PROPOSE, Action.AGREEMENT_SHOW):
        slack.click(action, message=headline, user="U0OLGA", team="T0OTHER")
        assert "That agreement no longer exists." in text_of(sandbox.last_ephemeral("U0OLGA"))
    assert sandbox.open_modal("T0OTHER", "U0OLGA") is None
    with Session(db.engine) as s:
        assert s.exec(select(Signoff)).all() == []


def test_without_a_channel_the_negotiation_is_a_group_dm(slack, sandbox, db, team, acme):
    slack.command("sla new")
    assert slack.submit(sandbox.open_modal(team, ALICE), {
        Block.AGR_NAME: NAME, Block.AGR_COUNTERPARTY: str(acme["customer"]), Block.AGR_SERVICES: [str(acme["service"])],
        Block.AGR_CHANNEL: ""}).ok
    row = agreement(db)
    group = sandbox.channels[row.channel_id]
    assert group["is_mpim"] and sorted(group["members"]) == [ALICE, "U0CAROL", "U0SLMBOT"]
    assert [m for m in sandbox.messages if m.channel == row.channel_id and m.ts == row.thread_ts]


def test_retiring(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    slack.command(f"sla retire {NAME}", user=BOB)
    assert "Only a service manager or workspace admin can draft agreements" in text_of(sandbox.last_ephemeral(BOB))
    slack.command(f"sla retire {NAME}")
    assert agreement(db).status == "retired"
    headline, _ = thread(sandbox)
    assert "retired" in text_of(headline) and "Propose change" not in text_of(headline)
    slack.command(f"sla retire {NAME}")
    assert "is already retired" in text_of(sandbox.last_ephemeral(ALICE))


def test_a_document_that_could_not_be_attached_is_reported_as_that_and_attached_by_post(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    sandbox.fail_next("files.getUploadURLExternal", 500)
    assert propose(slack, sandbox, team, CAROL, {Block.PROP_DURATION: "6h", Block.PROP_REASON: "thin night shift"}).ok
    assert [v.number for v in versions(db)] == [1, 2]
    assert ("Version 2 of *Acme Retail: Payroll* is posted, but its document could not be attached: fatal_error. "
            "`/slm sla post Acme Retail: Payroll` attaches it.") in text_of(sandbox.last_ephemeral(CAROL))
    _, replies = thread(sandbox)
    assert [m.files[0]["name"] for m in replies if m.files] == ["acme-retail-payroll-v1.md"]
    slack.command(f"sla post {NAME}")
    assert "Attached in the thread of *Acme Retail: Payroll*: the document of version 2." in text_of(
        sandbox.last_ephemeral(ALICE))
    _, replies = thread(sandbox)
    assert [m.files[0]["name"] for m in replies if m.files] == ["acme-retail-payroll-v1.md", "acme-retail-payroll-v2.md"]
    assert sum("*v2* proposed" in text_of(m) for m in replies) == 1


def test_a_renewal_extends_the_term_in_force_and_survives_expiry(slack, sandbox, db, team, acme, clock, harness_clean):
    headline, _ = draft(slack, sandbox, team, acme)
    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    clock.set(START.replace(year=2027, month=3, day=1))
    run_all_once(harness_clean.deps)
    assert agreement(db).status == "active"
    # The renewal for next year is proposed while this year's term runs, and agreed after it ended.
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_START: "2027-04-01", Block.PROP_END: "2028-03-31",
                                                 Block.PROP_REASON: "Renewal for next year"}, change="term").ok
    row = agreement(db)
    assert (row.end_date.isoformat(), row.pending_term["end"]) == ("2027-03-31", "2028-03-31")  # in force: unchanged
    headline, _ = thread(sandbox)
    assert "(proposed: 2027-04-01 to 2028-03-31)" in text_of(headline)
    clock.set(START.replace(year=2027, month=4, day=2))
    run_all_once(harness_clean.deps)
    assert agreement(db).status == "expired"
    waive_every_gap(db, team)
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    row = agreement(db)
    assert (row.status, row.start_date.isoformat(), row.end_date.isoformat(), row.pending_term) == (
        "active", "2027-04-01", "2028-03-31", None)


def test_a_renewal_agreed_while_the_term_runs_extends_it(slack, sandbox, db, team, acme, clock):
    headline, _ = draft(slack, sandbox, team, acme)
    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    clock.set(START.replace(year=2026, month=6, day=1))
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_START: "2027-04-01", Block.PROP_END: "2028-03-31",
                                                 Block.PROP_REASON: "Renewal"}, change="term").ok
    waive_every_gap(db, team)
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    row = agreement(db)
    assert (row.start_date.isoformat(), row.end_date.isoformat()) == ("2026-04-01", "2028-03-31")  # nothing lapses
