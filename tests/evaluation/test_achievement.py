"""What the numbers feed: "achieved" beside each measurable requirement, and the back-to-back check's past
achievement of each leg."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot import cover, requirements
from models import ContactRole, Source, Target, TargetLink
from tests.evaluation.world import ALICE, manager, outage, sla_in_force
from tests.helpers import text_of

UTC = timezone.utc
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_the_requirement_list_shows_what_the_target_answering_it_achieved(slack, sandbox, db, team, clock):
    world = sla_in_force(db, team, NOW, lambda T, office: [T(key=None, kind="availability", goal="99.9%")])
    with db.session() as s:
        said = requirements.Said(user_id=ALICE, role=ContactRole.MANAGERIAL, source=Source.FORM)
        [req] = requirements.record(s, manager(team, NOW), world["service_id"], world["party_id"], said,
                                    requirements.interview_drafts("managerial", ["good"], {"availability": "99.9%"},
                                                                  default_tz="UTC"))
        target = s.get(Target, world["targets"]["T1"])
        target.requirement_id = req.id
        s.add(target)
    outage(db, team, world["service_id"], "NOV", datetime(2026, 11, 10, 12, tzinfo=UTC),
           datetime(2026, 11, 10, 13, tzinfo=UTC))  # 60 of November's 43,200 minutes
    clock.set(NOW)
    slack.command("requirements Payroll")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Achieved 99.861% in Nov 2026, 100% so far in Dec 2026 against 99.9% (T1, SLA Acme Payroll)" in shown


def test_the_back_to_back_check_reads_each_legs_past_achievement(db, team):
    sla = sla_in_force(db, team, NOW, lambda T, office: [T(key=None, kind="availability", goal="99.5%")])
    ola = sla_in_force(db, team, NOW, lambda T, office: [T(key=None, kind="availability", goal="99.9%")],
                       name="Network OLA", kind="ola", party_kind="support_group")
    with db.session() as s:
        s.add(TargetLink(team_id=team, sla_target_id=sla["targets"]["T1"], leg_target_id=ola["targets"]["T1"],
                         stage=1, created_at=NOW, created_by=ALICE))
    for month in (9, 10, 11):  # September and November fine, October down two hours
        length = timedelta(hours=2) if month == 10 else timedelta(minutes=5)
        start = datetime(2026, month, 5, 10, tzinfo=UTC)
        outage(db, team, ola["service_id"], f"M{month}", start, start + length)
    with db.session() as s:
        check = cover.check_one(s, s.get(Target, sla["targets"]["T1"]), at=NOW)
        history = [f for f in check.check.findings if f.rule == "history"]
    assert len(history) == 1 and history[0].verdict.value == "at risk"
    assert "achieved 99.988%, 99.731%, 99.988% over the last 3 periods" in history[0].reason
    assert "1 below it" in history[0].reason
