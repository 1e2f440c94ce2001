"""Back-to-back (6.2, 6.4) through signed Slack requests: the tree, the gate, waivers, upgrade actions, notices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import copy

import pytest
from sqlmodel import Session, select

from bot import agreements, requirements, service_map
from bot.workspace import roles as members
from bot.agreements import targets
from bot.workspace.actor import Actor
from bot.scheduler import run_all_once
from messages.ids import Action, Block, Callback
from models import Action as ActionRow
from models import Agreement, ContactRole, Outbox, Source, TargetLink, Waiver
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
TERM = (date(2026, 4, 1), date(2027, 3, 31))


def make(s, sm, kind, name, party, service, changes, channel="C0ACMESLA", **extra):
    drafted = agreements.draft(s, sm, agreements.DraftInput(
        kind=kind, name=name, counterparty_id=party.id, service_ids=[service.id], start=extra.pop("start", TERM[0]),
        end=extra.pop("end", TERM[1]), review_month=4, channel_id=channel, **extra), DOCS)
    for change in changes:
        agreements.propose(s, sm, drafted.agreement, change, "setup", DOCS)
    return drafted.agreement


@dataclass
class Parts:
    """What build_world has made so far, for a caller's own additions (tests/slack/test_shared_channel_views.py)."""
    sm: Actor
    payroll: object
    acme: object
    network: object = None
    carrier: object = None


def build_world(db, team, harness_clean, *, customer="Acme Retail", channel="C0ACMESLA", legs_channel="C0ACMESLA",
                with_customer=None, with_parties=None, with_targets=None) -> dict:
    """An SLA for the customer (approver Carol) in `channel`, an OLA with the Network group (Bob) and a contract with
    Carrier X (Dave, CX-114, its P1 target on the carrier's office hours) in `legs_channel`, each with its headline
    and thread. The hooks add what a caller's world has beyond it, each in the same unit of work, at its point:
    `with_customer(s, parts)` once the customer is made, `with_parties(s, parts)` once every party is, and
    `with_targets(s, parts, ids)` once the targets are. The targets' ids by (agreement name, target key)."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        members.grant(s, sm, ALICE, "service_manager")
        parts = Parts(sm, payroll=service_map.add_service(s, sm, name="Payroll"), acme=service_map.add_party(
            s, sm, service_map.PartyInput(kind="customer", name=customer, channel_id=channel,
                                          contacts={ContactRole.APPROVER: [CAROL]})))
        if with_customer:
            with_customer(s, parts)
        parts.network = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Network group",
                                                                            contacts={ContactRole.APPROVER: [BOB]}))
        parts.carrier = service_map.add_party(s, sm, service_map.PartyInput(kind="supplier", name="Carrier X",
                                                                            contacts={ContactRole.APPROVER: [DAVE]}))
        if with_parties:
            with_parties(s, parts)
        from bot.calendars import records as calendar_records

        office = calendar_records.add(s, sm, name="Carrier office", hours="Mon-Fri 09:00-17:00 Europe/London")
        T = targets.TargetChange
        sla = make(s, sm, agreements.AgreementKind.SLA, "Acme Payroll", parts.acme, parts.payroll, [
            T(key=None, kind="resolution", level="P1", duration="4h"), T(key=None, kind="availability", goal="99.9%")],
            channel)
        ola = make(s, sm, agreements.AgreementKind.OLA, "Network OLA", parts.network, parts.payroll, [
            T(key=None, kind="resolution", level="P1", duration="1h"), T(key=None, kind="availability", goal="99.95%")],
            legs_channel)
        uc = make(s, sm, agreements.AgreementKind.UC, "Carrier X contract", parts.carrier, parts.payroll, [
            T(key=None, kind="resolution", level="P1", duration="2h", calendar_id=office.id),
            T(key=None, kind="availability", goal="99.9%")], legs_channel, contract_ref="CX-114", notice_days=90)
        ids = {(a.name, t.key): t.id for a in (sla, ola, uc) for t in agreements.targets_of(s, a)}
        if with_targets:
            with_targets(s, parts, ids)
        posted = [a.id for a in (sla, ola, uc)]
    from handlers.flows.agreement_thread import start_thread

    for agreement_id in posted:  # each with its headline and thread, as a draft made in Slack has
        start_thread(harness_clean.deps.client, harness_clean.deps, sm, agreement_id, unanswered=[], warning=None)
    return ids


@pytest.fixture
def world(db, team, harness_clean):
    """An SLA for Acme Retail, an OLA with the Network group and a contract with Carrier X, nothing linked yet."""
    return build_world(db, team, harness_clean)


def option_values(view, block_id):
    block = next(b for b in view.view["blocks"] if b.get("block_id") == block_id)
    el = block["element"]
    opts = el.get("options") or [o for g in el.get("option_groups", []) for o in g["options"]]
    return {o["text"]["text"].split(" ")[0] + ("@" + g["label"]["text"].split(" (")[0] if "option_groups" in el else ""): o["value"]
            for g in (el.get("option_groups") or [{"options": opts, "label": {"text": ""}}]) for o in g["options"]}


def underpin(slack, sandbox, team, sla_key, leg_name, leg_key, stage):
    slack.command("underpin Acme Payroll")
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.UNDERPIN_FORM
    legs = option_values(modal, Block.COV_LEG_TARGET)
    slas = option_values(modal, Block.COV_SLA_TARGET)
    return slack.submit(modal, {Block.COV_SLA_TARGET: slas[sla_key], Block.COV_LEG_TARGET: legs[f"{leg_key}@{leg_name}"],
                                Block.COV_STAGE: str(stage)})


def build_tree(slack, sandbox, team):
    for sla_key, leg, key, stage in (("T1", "Network OLA", "T1", 1), ("T1", "Carrier X contract", "T1", 2),
                                     ("T2", "Network OLA", "T2", 1), ("T2", "Carrier X contract", "T2", 2)):
        outcome = underpin(slack, sandbox, team, sla_key, leg, key, stage)
        assert outcome.ok, outcome.errors


def sla_headline(db):
    with Session(db.engine) as s:
        return s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()


def headline_of(sandbox, db, name):
    with Session(db.engine) as s:
        row = s.exec(select(Agreement).where(Agreement.name == name)).one()
    return next(m for m in sandbox.messages if m.ts == row.thread_ts)


def agree_button(sandbox, db, slack, user):
    """Press "Agree to version N" on the SLA's headline, as it stands."""
    return slack.click(Action.AGREEMENT_AGREE, message=headline_of(sandbox, db, "Acme Payroll"), user=user)


def test_building_a_tree_and_reading_it(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    with Session(db.engine) as s:
        assert len(s.exec(select(TargetLink)).all()) == 4
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "What underpins Acme Payroll" in shown
    assert "↳ stage 1: T1 P1 resolution within 1h, 95% of tickets (OLA “Network OLA”, owner *Network group*)" in shown
    assert "↳ stage 2: T1 P1 resolution within 2h, 95% of tickets (Underpinning contract “Carrier X contract”, owner *Carrier X*)" in shown
    # Carrier X works office hours under a 24x7 SLA; the series availability is short of the goal.
    assert "not covered (hours)" in shown and "Sat-Sun" in shown
    assert "not covered (availability)" in shown and "99.85" in shown
    assert "at risk (dates)" in shown  # the contract's notice date falls inside the SLA's term

    outcome = underpin(slack, sandbox, team, "T1", "Network OLA", "T1", 1)
    assert outcome.errors == {Block.COV_LEG_TARGET: "That target already sits beneath this one."}


def test_the_gate_refuses_agreement_with_every_gap_and_waivers_need_the_role(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    agree_button(sandbox, db, slack, CAROL)
    refusal = sandbox.last_ephemeral(CAROL)
    shown = text_of(refusal)
    assert "Acme Payroll cannot be agreed yet: 2 gaps in what underpins it." in shown
    assert "*T1 P1 resolution* (hours)" in shown and "*T2 Availability* (availability)" in shown
    with Session(db.engine) as s:
        from models import Signoff

        assert s.exec(select(Signoff)).all() == []  # nothing recorded

    # Carol, the customer's approver, cannot waive (she is offered no button; a click anyway is refused);
    # Alice, a service manager, can, with a reason.
    agree_button(sandbox, db, slack, ALICE)
    refusal = sandbox.last_ephemeral(ALICE)
    slack.click(Action.COVER_WAIVE, message=refusal, user=CAROL)
    assert "Only a service manager can waive a gap in cover." in text_of(sandbox.last_ephemeral(CAROL))
    slack.click(Action.COVER_WAIVE, message=refusal, user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    assert slack.submit(modal, {Block.COV_REASON: ""}).errors == {
        Block.COV_REASON: "Say why this gap is acceptable; it is kept with the SLA."}
    assert slack.submit(modal, {Block.COV_REASON: "Weekend P1s are handled by the on-call engineer"}).ok
    with Session(db.engine) as s:
        [waiver] = s.exec(select(Waiver)).all()
    assert (waiver.rule, waiver.created_by, waiver.reason) == ("hours", ALICE, "Weekend P1s are handled by the on-call engineer")
    assert "1 waiver of gaps in cover" in text_of(headline_of(sandbox, db, "Acme Payroll"))  # the waiver shows on the SLA
    slack.command("tree Acme Payroll")
    assert "_(waived by <@U0ALICE>: Weekend P1s are handled by the on-call engineer)_" in text_of(sandbox.last_ephemeral(ALICE))

    # The availability gap still stands; it becomes an upgrade action, owned and dated.
    agree_button(sandbox, db, slack, CAROL)
    refusal = sandbox.last_ephemeral(CAROL)
    assert "1 gap in what underpins it" in text_of(refusal) and "(availability)" in text_of(refusal)
    agree_button(sandbox, db, slack, ALICE)
    slack.click(Action.COVER_UPGRADE, message=sandbox.last_ephemeral(ALICE), user=ALICE)
    modal = sandbox.open_modal(team, ALICE)
    title = next(b for b in modal.view["blocks"] if b.get("block_id") == Block.COV_TITLE)["hint"]["text"]
    assert title.startswith("For example: Upgrade what underpins Availability of Acme Payroll before Acme Retail's SLA")
    assert slack.submit(modal, {Block.COV_DUE: "2026-03-01", Block.COV_TITLE: "Raise it"}).errors == {
        Block.COV_DUE: "The due date has passed; choose today or later."}
    assert slack.submit(modal, {Block.COV_DUE: "2026-03-20", Block.COV_TITLE: "Raise Carrier X availability to 99.99%"}).ok
    with Session(db.engine) as s:
        [action] = s.exec(select(ActionRow)).all()
    assert (action.number, action.kind, action.due.isoformat(), action.status) == (1, "upgrade", "2026-03-20", "open")
    slack.command("actions")
    assert "*#1* Raise Carrier X availability to 99.99%" in text_of(sandbox.last_ephemeral(ALICE))
    assert "owner Carrier X" in text_of(sandbox.last_ephemeral(ALICE))

    # Upgrading the contract closes the gap; now both sides can agree.
    with db.session() as s:
        uc = s.exec(select(Agreement).where(Agreement.name == "Carrier X contract")).one()
        sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START)
        agreements.propose(s, sm, uc, targets.TargetChange(key="T2", goal="99.99%"), "Upgrade agreed", DOCS)
    agree_button(sandbox, db, slack, CAROL)
    agree_button(sandbox, db, slack, ALICE)
    assert sla_headline(db).agreed_version == 3


def test_a_weaker_contract_tells_the_service_managers_which_targets_lost_cover(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    # The supplier's contact proposes a weaker fix time on the contract's own headline.
    slack.click(Action.AGREEMENT_PROPOSE, message=headline_of(sandbox, db, "Carrier X contract"), user=DAVE)
    modal = sandbox.open_modal(team, DAVE)
    assert slack.submit(modal, {Block.PROP_DURATION: "5h", Block.PROP_REASON: "Fewer engineers"}).ok
    [notice] = sandbox.dms(ALICE)
    shown = text_of(notice)
    assert "*Acme Payroll* lost cover after Carrier X contract changed in version 4 (T1 P1 resolution: 2h → 5h)" in shown
    assert "• *T1 P1 resolution*\n    time: covered → *not covered*:" in shown
    assert "T2" not in shown  # only what got worse is said
    with Session(db.engine) as s:  # one notice queued (the rest of the outbox is the agreements' threads)
        assert len(s.exec(select(Outbox).where(Outbox.key.startswith("cover:"))).all()) == 1


def test_a_lapsing_contract_is_announced_once(slack, sandbox, db, team, world, clock, harness_clean):
    build_tree(slack, sandbox, team)
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc))  # notice on the contract is due 31 December
    run_all_once(harness_clean.deps)
    run_all_once(harness_clean.deps)  # a second replica, or the next hour: nothing new
    [notice] = sandbox.dms(ALICE)
    shown = text_of(notice)
    assert "Carrier X's Underpinning contract *Carrier X contract* must be given notice by 2026-12-31 (21 days)" in shown
    assert "• *Acme Payroll* T1 P1 resolution" in shown and "• *Acme Payroll* T2 Availability" in shown


def test_capability_check_of_a_requirement(slack, sandbox, db, team, world):
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        payroll = service_map.find(s, team, "Payroll")
        acme = service_map.find(s, team, "Acme Retail")
        said = requirements.Said(user_id=CAROL, role=ContactRole.MANAGERIAL, source=Source.FORM)
        requirements.record(s, sm, payroll.id, acme.id, said, requirements.interview_drafts(
            "operational", ["incidents"], {"p1_resolution": "2h"}, default_tz="UTC"))
    slack.command("check #1")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "*Can we meet requirement #1?*" in shown and "not covered" in shown
    assert "Network group's OLA (T1 P1 resolution within 1h" in shown and "Carrier X's Underpinning contract" in shown
    assert "• time:" in shown  # 1h + hand-off + 2h does not fit in 2h
    slack.command("check 99")
    assert "There is no requirement #99." in text_of(sandbox.last_ephemeral(ALICE))


def test_ola_and_uc_use_the_same_modals_and_threads(slack, sandbox, db, team, world):
    slack.command("uc new Carrier X")
    modal = sandbox.open_modal(team, ALICE)
    ids = [b.get("block_id") for b in modal.view["blocks"]]
    assert Block.AGR_CONTRACT_REF in ids and Block.AGR_NOTICE_DAYS in ids and Block.AGR_RENEWAL_DATE in ids
    with Session(db.engine) as s:
        payroll_id = service_map.find(s, team, "Payroll").id
    outcome = slack.submit(modal, {Block.AGR_NAME: "Carrier X 2027", Block.AGR_SERVICES: [str(payroll_id)],
                                   Block.AGR_NOTICE_DAYS: "ninety"})
    assert outcome.errors == {Block.AGR_NOTICE_DAYS: "A notice period is a number of days, e.g. 90."}
    assert slack.submit(modal, {Block.AGR_NAME: "Carrier X 2027", Block.AGR_SERVICES: [str(payroll_id)],
                                Block.AGR_CONTRACT_REF: "CX-200", Block.AGR_NOTICE_DAYS: "60",
                                Block.AGR_RENEWAL_DATE: "2027-01-01"}).ok
    with Session(db.engine) as s:
        row = s.exec(select(Agreement).where(Agreement.name == "Carrier X 2027")).one()
    assert (row.kind, row.contract_ref, row.notice_days, row.renewal_date.isoformat(), row.status) == (
        "uc", "CX-200", 60, "2027-01-01", "negotiating")
    slack.command("uc list")
    assert "*Carrier X 2027* with Carrier X: negotiating (v1)" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("ola new Acme Retail")  # not a support group: the modal opens without a preselection
    assert sandbox.open_modal(team, ALICE).callback_id == Callback.AGREEMENT_DRAFT


def test_the_organisation_sets_the_hand_off_allowance(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    slack.command("tree Acme Payroll")
    assert "not covered (time)" not in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("settings handoff 2 business days")
    assert "not business days" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("settings handoff 90 min", user=BOB)
    assert "Only a service manager or workspace admin can change the organisation's settings" \
        in text_of(sandbox.last_ephemeral(BOB))
    slack.command("settings handoff 90 min")
    assert "`handoff` 1h 30m" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("tree Acme Payroll")
    assert "not covered (time)" in text_of(sandbox.last_ephemeral(ALICE))  # 1h + 1h 30m + 2h is over 4h


def sm_actor(team):
    return Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, tz="Europe/London")


def test_a_waiver_lapses_when_the_gap_changes(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    with db.session() as s:
        sla = s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()
        from bot import cover as coverage

        for c in coverage.check_agreement(s, sla):
            for gap in c.gaps:
                coverage.waive(s, sm_actor(team), c.target.id, coverage.gap_key(gap), "accepted for now")
        assert not any(c.gaps for c in coverage.check_agreement(s, sla))
        # The contract's availability weakens: the availability gap is another gap now, and counts again.
        uc = s.exec(select(Agreement).where(Agreement.name == "Carrier X contract")).one()
        agreements.propose(s, sm_actor(team), uc, targets.TargetChange(key="T2", goal="99.5%"), "cheaper", DOCS)
        gaps = [g.rule for c in coverage.check_agreement(s, sla) for g in c.gaps]
    assert gaps == ["availability"]
    slack.command("tree Acme Payroll")
    assert "_(the waiver of this gap lapsed: the gap changed since)_" in text_of(sandbox.last_ephemeral(ALICE))


def test_retiring_an_ola_takes_its_cover_away_and_says_so(slack, sandbox, db, team, world):
    build_tree(slack, sandbox, team)
    slack.command("ola retire Network OLA")
    [notice] = sandbox.dms(ALICE)
    shown = text_of(notice)
    assert "*Acme Payroll* lost cover after Network OLA was retired" in shown
    assert "ownership: covered → *not covered*" in shown
    slack.command("tree Acme Payroll")
    assert "Network group's OLA “Network OLA” is retired" in text_of(sandbox.last_ephemeral(ALICE))


def test_an_agreed_contract_counts_as_agreed_until_a_change_is_agreed(slack, sandbox, db, team, world):
    from bot import cover as coverage

    build_tree(slack, sandbox, team)
    with db.session() as s:
        uc = s.exec(select(Agreement).where(Agreement.name == "Carrier X contract")).one()
        dave = Actor(team_id=team, user_id=DAVE, roles=frozenset(), now=START)
        agreements.agree(s, dave, uc, uc.latest_version, gate=coverage.gate)
        agreements.agree(s, sm_actor(team), uc, uc.latest_version, gate=coverage.gate)
        assert uc.agreed_version == uc.latest_version
        # A proposed cut to the contract's term does not shorten the term in force.
        agreements.propose(s, dave, uc, targets.TargetChange(key="T2", goal="99.99%"), "an offer", DOCS)
        agreements.propose(s, dave, uc, targets.TermChange(start=None, end=date(2026, 9, 30), review_month=None),
                           "we want out early", DOCS)
        assert uc.end_date == date(2027, 3, 31) and uc.pending_term["end"] == "2026-09-30"
        sla_row = s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()
        checks = {c.target.key: c for c in coverage.check_agreement(s, sla_row)}
        # The offer of 99.99% is not agreed, so the availability gap stands (99.95% x 99.9% in force).
        assert "availability" in [g.rule for g in checks["T2"].gaps]
        assert not any(f.rule == "dates" and "2026" in f.reason and "September" in f.reason
                       for f in checks["T1"].check.findings)


def test_two_gaps_of_one_kind_are_waived_one_by_one(slack, sandbox, db, team, world):
    with db.session() as s:
        for name, end in (("Network OLA", date(2027, 1, 31)), ("Carrier X contract", date(2027, 2, 28))):
            row = s.exec(select(Agreement).where(Agreement.name == name)).one()
            agreements.propose(s, sm_actor(team), row, targets.TermChange(start=None, end=end, review_month=None),
                               "shorter", DOCS)
    build_tree(slack, sandbox, team)
    agree_button(sandbox, db, slack, ALICE)  # the service manager's refusal: it has her Waive… buttons
    refusal = sandbox.last_ephemeral(ALICE)
    dates = [b for b in refusal.blocks if b["type"] == "section" and "*T1 P1 resolution* (dates)" in b["text"]["text"]]
    assert len(dates) == 2  # the OLA ends in January, the contract in February: two gaps, each its own button
    waive_buttons = [b["elements"][0] for b in refusal.blocks if b["type"] == "actions"]
    t1_dates = [btn for btn, sec in zip(waive_buttons, [b for b in refusal.blocks if b["type"] == "section"][1:])
                if "(dates)" in sec["text"]["text"] and "T1" in sec["text"]["text"]]
    for button in t1_dates:
        message = copy.deepcopy(refusal)
        message.blocks = [{"type": "actions", "elements": [button]}]
        slack.click(Action.COVER_WAIVE, message=message, user=ALICE)
        assert slack.submit(sandbox.open_modal(team, ALICE), {Block.COV_REASON: "a renewal is on its way"}).ok
    with Session(db.engine) as s:
        assert len([w for w in s.exec(select(Waiver)) if w.rule == "dates"]) == 2
    agree_button(sandbox, db, slack, CAROL)
    assert "(dates)" not in text_of(sandbox.last_ephemeral(CAROL)).split("T1 P1 resolution", 1)[-1].split("T2")[0]


def test_app_home_shows_the_agreements_and_the_open_actions(slack, sandbox, db, team, world):
    slack.open_home()
    shown = text_of(sandbox.home(team, ALICE))
    assert f"• SLA <{sandbox.base_url}/sandbox?channel=C0ACMESLA#p" in shown  # a link to the page itself and "|Acme Payroll>: negotiating" in shown
    assert "• Underpinning contract <" in shown and "*Everyone's open actions*\nNone open." in shown


def test_a_requirement_number_too_long_is_a_usage_error(slack, sandbox, db, team, world):
    # Past an INTEGER column's range (PostgreSQL refuses it in a query): said to be no number, not a server error.
    assert slack.command("check #99999999999").ok
    assert "Name the requirement by its number, like `/slm check #12`." in text_of(sandbox.last_ephemeral(ALICE))
