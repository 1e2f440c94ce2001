"""The pack's figures and service credits against the ones worked out by hand (tests/reviews/pack_world.py)."""
from __future__ import annotations

from bot import reviews
from models import Action, Agreement, Breach
from tests.breach_world import world  # noqa: F401  (a fixture)
from tests.reviews.pack_world import NOV, NOW, OCT, build


def test_the_figures_and_credits_are_the_hand_computed_ones(db, team):
    world = build(db, team)
    with db.session() as s:
        pack = reviews.build_pack(s, s.get(Agreement, world.agreement_id), OCT, NOV, NOW)
    t1, t2, t3, t4 = pack.targets
    assert (t1.achieved, t1.met, t1.by) == ("99.75", False, "0.15 points under the goal")
    assert [(p.label, p.achieved, p.met) for p in t1.trend] == [
        ("May 2026", "100", True), ("Jun 2026", "100", True), ("Jul 2026", "100", True), ("Aug 2026", "100", True),
        ("Sep 2026", "99.95", True), ("Oct 2026", "99.75", False)]
    assert t1.trend_word == "worsening"
    assert (t1.credit.amount, t1.credit.rule) == ("£900.00", "5% of the monthly charge per 0.1% under")
    assert t1.credit.working == "£600.00 × 0.15% under / 0.1% = £900.00"
    assert (t2.achieved, t2.met, t2.credit.amount) == ("33.333", False, "£1,000.00")
    assert t2.credit.working == "£500.00 × 2 breaches = £1,000.00"
    assert (t3.achieved, t3.met, t3.credit.amount) == ("66.667", False, "£120.00")
    assert t3.credit.working == "£240.00 × 0.5 h over = £120.00"
    assert (t4.achieved, t4.met, t4.credit.amount) == ("0", False, None)
    assert t4.credit.why == "not computable: at the provider's discretion"
    assert pack.charge == "£12,000.00 per month" and pack.credit_totals == ["£2,020.00"]


def test_breaches_actions_and_the_previous_review(db, team):
    world = build(db, team)
    with db.session() as s:
        pack = reviews.build_pack(s, s.get(Agreement, world.agreement_id), OCT, NOV, NOW)
    [breach] = pack.breaches
    assert (breach.target_key, breach.what, breach.owner) == ("T2", "INC2", "Acme Payroll customer")
    assert breach.causes == ["Payroll database failover took two hours"]
    assert [a.number for a in pack.actions.opened] == [1]
    assert [a.number for a in pack.actions.done] == [2]
    assert [a.number for a in pack.actions.overdue] == [3]
    assert pack.previous_review == "the review of 2026-10-06"
    assert [(a.number, a.status, a.overdue) for a in pack.previous_actions] == [(2, "done", False), (3, "open", True)]


def test_the_coming_period(db, team):
    world = build(db, team)
    with db.session() as s:
        preview = reviews.build_pack(s, s.get(Agreement, world.agreement_id), OCT, NOV, NOW).preview
    assert preview.label == "Nov 2026"
    # The supplier's contract reference (CX-114) is internal: never in what the customer sees.
    assert preview.renewals == ["Carrier X contract renews on 2026-11-20"]
    assert preview.sla_review == "The SLA's periodic review is due on 2026-11-15."
    assert preview.expiry is None
    assert preview.risks == ["The payroll vendor upgrades its API in November"]
    assert [b.split(":")[0] for b in preview.burning] == ["T1"]  # an hour down on 3 Nov: past its warning level


def test_without_a_charge_a_share_of_it_is_not_guessed(db, team):
    world = build(db, team, charges=None)
    with db.session() as s:
        pack = reviews.build_pack(s, s.get(Agreement, world.agreement_id), OCT, NOV, NOW)
    assert pack.charge is None and pack.charge_note == "no monthly charge stated"
    assert [t.credit.amount for t in pack.targets] == [None, "£1,000.00", None, None]
    assert pack.targets[0].credit.why == "not computable: no monthly charge stated"
    assert pack.credit_totals == ["£1,000.00"]


def test_long_lists_are_cut_and_what_is_left_out_counted(db, team):
    world = build(db, team)
    with db.session() as s:
        for n in range(12):
            at = NOW.replace(month=10, day=14 + n)
            s.add(Breach(team_id=team, key=f"period:{n}", target_id=world.targets["T1"], agreement_id=world.agreement_id,
                         subject="availability", state="resolved", level="breached", summary=f"outage {n}",
                         channel="C0GENERAL", opened_at=at, breached_at=at, updated_at=at))
            s.add(Action(team_id=team, number=10 + n, kind="remedial", title=f"Fix {n}", agreement_id=world.agreement_id,
                         due=OCT, created_at=at, created_by="U0ALICE"))
    with db.session() as s:
        pack = reviews.build_pack(s, s.get(Agreement, world.agreement_id), OCT, NOV, NOW)
    assert (len(pack.breaches), pack.breaches_more) == (10, 3)  # 13 in October
    assert (len(pack.actions.opened), pack.actions.opened_more) == (10, 3)
    assert (len(pack.actions.overdue), pack.actions.overdue_more) == (10, 3)


def test_the_waivers_in_force_are_those_whose_gap_is_still_there(db, team, world):  # tests/breach_world.py
    from bot import cover as coverage
    from bot.reviews import pack_preview
    from bot.workspace.actor import Actor

    sm = Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"service_manager"}), now=NOW)
    with db.session() as s:
        sla = s.get(Agreement, world.sla_id)
        gaps = [(c.target.id, coverage.gap_key(g)) for c in coverage.check_agreement(s, sla) for g in c.gaps]
        for target_id, key in gaps:
            coverage.waive(s, sm, target_id, key, "Accepted until the carrier's new contract")
    with db.session() as s:
        found = pack_preview.waivers_in_force(s, s.get(Agreement, world.sla_id), NOW)
    assert gaps and len(found) == len(gaps)
    assert {w.reason for w in found} == {"Accepted until the carrier's new contract"}
