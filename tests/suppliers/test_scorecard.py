"""A supplier's scorecard, its own section of the relationship view, against figures worked out by hand: outages
sent over the HTTP API, disputes and a review recorded through signed requests, the view asked for with
`/slm relationship supplier Carrier X` on Friday 10 July 2026 (the window: January to June 2026).

The contract (tests/suppliers/world.py) gets a second target, T2 availability 99.9% a month, agreed as version 3
on 2 March. Its T1 (P1 resolution) has no tickets: never measured. So each month measures T2 alone, once it is in
force (from March; January and February measure nothing):
- March, none down: 100%, met;
- April (30 days, 43,200 minutes; 99.9% allows 43.2): an outage of 60 minutes, (43,200 - 60) / 43,200 = 99.861%,
  missed;
- May (31 days, 44,640 minutes; 99.9% allows 44.64): 20 minutes, 99.955%, met;
- June, none down: met.
One breach the carrier's leg was behind, on 14 April. Two disputes, one closed. The review due 2 May 2026 (every 2
months from 2 March) was decided "renegotiate", so the next is due 2 July 2026.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import httpx

from bot import agreements, cover
from bot.agreements import targets
from bot.scheduler import run_all_once
from bot.suppliers import ownership, reviews
from bot.workspace.actor import Actor
from models import Agreement, Breach
from tests.api.conftest import make_token
from tests.helpers import assert_valid_blocks, text_of
from tests.servers import TLS_CONTEXT
from tests.suppliers.world import ALICE, DAVE, DOCS, UC, world  # noqa: F401  (a fixture)

UTC = timezone.utc
CHANNEL = "C0GENERAL"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_scorecard_figures_are_the_hand_computed_ones(harness_clean, slack, sandbox, db, team, world):
    clock = harness_clean.clock
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=clock.now(), org_tz="UTC")
    with db.session() as s:
        uc = s.get(Agreement, world.uc_id)
        agreements.propose(s, sm, uc, targets.TargetChange(key=None, kind="availability", goal="99.9%"),
                           "availability too", DOCS)
        for who in (sm, Actor(team_id=team, user_id=DAVE, now=clock.now())):
            agreements.agree(s, who, uc, 3, gate=cover.gate)
        ownership.set_owner(s, sm, uc, ALICE)
        ownership.set_cadence(s, sm, uc, 2)  # 2026-03-02 + 2 months: due 2026-05-02
        s.add(Breach(team_id=team, key="period:x:2026-04-01", target_id=agreements.targets_of(s, uc)[0].id,
                     agreement_id=world.sla_id, subject="ticket", state="resolved", level="breached",
                     owner_party_id=world.carrier_id, channel=CHANNEL, opened_at=utc(2026, 4, 14, 9),
                     breached_at=utc(2026, 4, 14, 10), updated_at=utc(2026, 4, 14, 10)))
    token = make_token(slack, sandbox)
    with httpx.Client(verify=TLS_CONTEXT, base_url=f"{harness_clean.base_url}/api",
                      headers={"Authorization": f"Bearer {token}"}, timeout=30) as api:
        for key, start, end in (("apr", utc(2026, 4, 14, 9), utc(2026, 4, 14, 10)),
                                ("may", utc(2026, 5, 5, 9), utc(2026, 5, 5, 9, 20))):
            answer = api.post("/v1/outages", json={"id": key, "service": "Payroll", "start": start.isoformat(),
                                                   "end": end.isoformat()})
            assert answer.status_code == 200, answer.text
    clock.set(utc(2026, 5, 4, 9, 0))
    with db.session() as s:
        reviews.record_outcome(s, Actor(team_id=team, user_id=ALICE, now=clock.now(), org_tz="UTC"), world.uc_id,
                               date(2026, 5, 2), "renegotiate")
    assert slack.command("dispute Carrier X Invoice 114 charges the P1 credit twice", user=ALICE).ok
    assert slack.command("dispute Carrier X the March report came late", user=ALICE).ok
    assert slack.command("dispute close 2 Report now due on the 5th", user=ALICE).ok

    clock.set(utc(2026, 7, 10, 9, 0))
    run_all_once(harness_clean.deps)
    assert slack.command("relationship supplier Carrier X", user=ALICE, channel=CHANNEL).ok
    [view] = [m for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False)
              if m.text.startswith("Relationship: Carrier X")]
    assert_valid_blocks({"text": view.text, "blocks": view.blocks})
    card = next(text_of({"blocks": [b]}) for b in view.blocks if "Supplier scorecard" in text_of({"blocks": [b]}))
    assert card.split("\n")[2:] == [
        "• Jan 2026: nothing measured · 0 breaches",
        "• Feb 2026: nothing measured · 0 breaches",
        "• Mar 2026: 1 of 1 met · 0 breaches",
        "• Apr 2026: 0 of 1 met · 1 breach",
        "• May 2026: 1 of 1 met · 0 breaches",
        "• Jun 2026: 1 of 1 met · 0 breaches",
        "*Disputes*: 1 open, 1 closed",
        "*Last review of each contract*",
        f"• {UC}: review due 2026-05-02 decided to renegotiate. Next review due 2026-07-02.",
    ]
