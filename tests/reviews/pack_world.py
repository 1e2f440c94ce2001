"""A small world for the review pack, with every figure worked out by hand.

Acme Payroll's SLA charges £12,000 per month and has four monthly targets, all on a 24x7 clock (UTC); the review
looks back on October 2026 (744 hours):

* T1 availability 99.9%, credit "5% of the monthly charge per 0.1% under". One outage on 10 Oct of 1.86 h
  (10:00:00-11:51:36): 1 - 1.86/744 = 99.75% achieved, 0.15 points under: 1.5 x 5% x £12,000 = £900.00.
  September had 0.36 h down (99.95%, met); May to August none (100%).
* T2 P1 resolution within 4h, 50% of tickets, credit "£500 per breach". INC1 resolved in 2 h (met), INC2 in 6 h and
  INC3 in 7 h (missed): 1 of 3 = 33.333%; 2 breaches x £500 = £1,000.00.
* T3 P1 response within 1h, 100% of tickets, credit "2% of the monthly charge per hour over". INC2 answered after
  1.5 h (0.5 h over), the others within the hour: 66.667%; 0.5 h x 2% x £12,000 = £120.00.
* T4 P2 response within 1h, 95%, credit "at the provider's discretion": INC4 answered after 3 h, missed, and its
  credit is not computable.

Total: £2,020.00. Beside them: a breach of T2 with a cause noted, remedial actions opened, done and overdue in
October, one done in August whose verification came in October, the previous (closed) review's two actions (one done), a known risk, a carrier contract renewing in
November, the SLA's periodic review due in November, and on 3 Nov an hour's outage that burns T1's budget now.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from bot.agreements import targets
from models import (Action, Agreement, Breach, Review, ReviewNote, SlaReview, TargetLink)
from tests.evaluation.world import ALICE, outage, sla_in_force, ticket

UTC = timezone.utc
NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
SLA_NAME = "Acme Payroll"


@dataclass
class PackWorld:
    agreement_id: int
    targets: dict[str, int]
    service_id: int


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


def build(db, team: str, *, charges: str | None = "The customer pays £12,000 per month, invoiced quarterly.") -> PackWorld:
    sla = sla_in_force(db, team, NOW, lambda T, office: [
        T(key=None, kind="availability", goal="99.9%", service_credit="5% of the monthly charge per 0.1% under"),
        T(key=None, kind="resolution", level="P1", duration="4h", goal="50%", service_credit="£500 per breach"),
        T(key=None, kind="response", level="P1", duration="1h", goal="100%",
          service_credit="2% of the monthly charge per hour over"),
        T(key=None, kind="response", level="P2", duration="1h", goal="95%",
          service_credit="at the provider's discretion"),
        *([targets.ClauseChange("charges", charges)] if charges else []),
    ])
    service, ids = sla["service_id"], sla["targets"]
    outage(db, team, service, "OUT-OCT", at(10, 10), at(10, 11, 51, 36))
    outage(db, team, service, "OUT-SEP", at(15, 10, month=9), at(15, 10, 21, 36, month=9))
    outage(db, team, service, "OUT-NOV", at(3, 8, month=11), at(3, 9, month=11))
    for ref, day, answered, resolved in (("INC1", 5, 0.5, 2), ("INC2", 12, 1.5, 6), ("INC3", 20, 0.75, 7)):
        opened = at(day, 9)
        ticket(db, team, service, ref, opened, [("responded", opened + timedelta(hours=answered), None),
                                               ("resolved", opened + timedelta(hours=resolved), None)])
    ticket(db, team, service, "INC4", at(21, 9), [("responded", at(21, 12), None)], priority="P2")
    uc = sla_in_force(db, team, NOW, lambda T, office: [T(key=None, kind="resolution", level="P1", duration="2h")],
                      name="Carrier X contract", kind="uc", party_kind="supplier")
    with db.session() as s:
        carrier = s.get(Agreement, uc["agreement_id"])
        carrier.contract_ref, carrier.renewal_date, carrier.notice_days = "CX-114", date(2026, 11, 20), 30
        s.add(carrier)
        s.add(TargetLink(team_id=team, sla_target_id=ids["T2"], leg_target_id=uc["targets"]["T1"], stage=1,
                         created_at=NOW, created_by=ALICE))
        s.add(Breach(team_id=team, key=f"ticket:2:target:{ids['T2']}", target_id=ids["T2"],
                     agreement_id=sla["agreement_id"], subject="ticket", ticket_ref="INC2", priority="P1",
                     state="resolved", level="breached", percent_used=150.0, summary="6h of 4h used",
                     owner_party_id=sla["party_id"], channel="C0NETWORKTE", opened_at=at(12, 12),
                     breached_at=at(12, 13), resolved_at=at(12, 15), updated_at=at(12, 15),
                     timeline=[{"at": at(12, 13).isoformat(), "what": "breached", "by": None, "note": ""},
                               {"at": at(12, 14).isoformat(), "what": "note", "by": ALICE,
                                "note": "Payroll database failover took two hours"}]))
        action = dict(team_id=team, agreement_id=sla["agreement_id"], created_by=ALICE, owner_user_id=ALICE)
        s.add(Action(number=1, kind="remedial", title="Automate the database failover", target_id=ids["T2"],
                     due=date(2026, 12, 1), created_at=at(13, 9), **action))
        s.add(Action(number=2, kind="remedial", title="Add a second on-call engineer", target_id=ids["T3"],
                     due=date(2026, 10, 20), status="done", done_at=at(18, 9), created_at=at(2, 9, month=9), **action))
        s.add(Action(number=3, kind="remedial", title="Write the P2 triage runbook", target_id=ids["T4"],
                     due=date(2026, 10, 15), created_at=at(1, 9, month=9), **action))
        # Done in August and verified when September ended (bot.reviews.verification): shown in October's pack.
        s.add(Action(number=4, kind="remedial", title="Move the database to mirrored storage", target_id=ids["T1"],
                     due=date(2026, 8, 31), status="done", done_at=at(10, 9, month=8), created_at=at(1, 9, month=7),
                     verification="done 10 Aug 2026; T1 availability 100% -> 99.95%: held (goal 99.9%)",
                     verified_at=at(1, 0, 1, month=10), **action))
        previous = Review(team_id=team, agreement_id=sla["agreement_id"], scheduled_for=at(6, 10), format="call",
                          channel_id="C0GENERAL", period_start=date(2026, 9, 1), period_end=OCT, status="closed",
                          closed_at=at(6, 11), created_at=at(1, 9, month=9))
        s.add(previous)
        s.flush()
        for number, text in ((2, "Add a second on-call engineer"), (3, "Write the P2 triage runbook")):
            found = s.exec(Action.__table__.select().where(Action.number == number)).first()
            s.add(ReviewNote(team_id=team, agreement_id=sla["agreement_id"], review_id=previous.id, kind="action",
                             text=text, message_ts=f"1790000000.00000{number}", action_id=found.id,
                             created_at=at(6, 10, 30), created_by=ALICE))
        s.add(ReviewNote(team_id=team, agreement_id=sla["agreement_id"], kind="risk", created_at=at(30, 9),
                         text="The payroll vendor upgrades its API in November", created_by=ALICE))
        s.add(SlaReview(team_id=team, agreement_id=sla["agreement_id"], due_on=date(2026, 11, 15), created_at=NOW))
    return PackWorld(agreement_id=sla["agreement_id"], targets=ids, service_id=service)
