"""A complaint's words are personal (issue 17): `slm-bot forget-user` removes the complainant's words and name from
it (and an owner from what they owned), and the nightly purge removes closed complaints past `retain_closed`, as
the scheduler runs it with the frozen clock; an open one stays."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot import complaints, service_map
from bot.jobs import JOBS
from bot.scheduler import run_all_once
from bot.workspace.actor import Actor
from models import Complaint, ContactRole, Party
from models.workspace import FORMER_PERSON

ALICE, CAROL, DAVE = "U0ALICE", "U0CAROL", "U0DAVE"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PURGE = next(job for job in JOBS if job.id == "retention.purge")


def world(db, team) -> None:
    """Acme Retail (owner Dave); complaint #1 from Carol, closed on 10 Mar 2026; #2 from Carol, open."""
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        acme = service_map.add_party(s, keeper, service_map.PartyInput(
            kind="customer", name="Acme Retail", contacts={ContactRole.APPROVER: [CAROL]}, owner_user_id=DAVE))
        for n in (1, 2):
            complaints.record(s, keeper, complaints.ComplaintInput(customer_id=acme.id, service_id=None,
                                                                   complainant=CAROL, text=f"Carol's words {n}"))
        complaints.close(s, Actor(team_id=team, user_id=DAVE, now=START + timedelta(days=8)), 1, "Refund agreed")


def test_forgetting_the_complainant_removes_their_words_and_an_owner_leaves_what_they_owned(db, team, slm_bot):
    world(db, team)
    code, out, err = slm_bot("forget-user", CAROL, "--team", team)
    assert code == 0, err
    code, out, err = slm_bot("forget-user", DAVE, "--team", team)
    assert code == 0, err
    with db.session() as s:
        rows = list(s.exec(select(Complaint).order_by(Complaint.number)))
        assert [(c.complainant, c.text) for c in rows] == [(FORMER_PERSON, ""), (FORMER_PERSON, "")]
        # #1 was closed by Dave, its owner: that a former contact did so stays true; #2 is open: it needs a new owner
        assert [(c.owner_user_id, c.closed_by) for c in rows] == [(FORMER_PERSON, FORMER_PERSON), (None, None)]
        assert rows[0].outcome == "Refund agreed"
        assert s.exec(select(Party.owner_user_id)).one() is None


def test_the_purge_removes_closed_complaints_past_retain_closed_and_keeps_open_ones(harness_clean, db, team, clock):
    world(db, team)
    clock.set(START + timedelta(days=8) + timedelta(days=7 * 366))  # over 7 years after #1 was closed
    run_all_once(harness_clean.deps, [PURGE])
    with db.session() as s:
        assert [c.number for c in s.exec(select(Complaint))] == [2]
