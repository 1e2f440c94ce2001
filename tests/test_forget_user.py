"""`slm-bot forget-user <slack id>`, run as an operator runs it: one person's data across the tables removed or
anonymised and listed per table, everyone else's untouched, the audit trail unedited (and told that it ran), a
second run touching nothing, a dry run changing nothing; and what the bot says afterwards names no one."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import JSON, String, Text, select

from bot import audit
from bot.workspace.actor import Actor
from messages import render_message
from models import (
    Action,
    AuditEvent,
    Breach,
    Contact,
    ContractCare,
    Exclusion,
    LadderCallback,
    MaintenanceWindow,
    Member,
    Outbox,
    Party,
    Reminder,
    Requirement,
    Review,
    ReviewArrangement,
    ReviewRsvp,
    RoleGrant,
    Signoff,
    SupplierDispute,
    TargetLadder,
    Ticket,
    WorkloadLimit,
)
from models.workspace import FORMER_PERSON
from sqlmodel import SQLModel
from tests.conftest import START
from tests.helpers import text_of
from tests.retention_world import YEAR, World
from tests.unit.template_fixtures import FIXTURES

BOB, CAROL = "U0BOB", "U0CAROL"


def everything(db) -> dict[str, list[tuple]]:
    """Every row of every table, as plain values."""
    with db.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr) for t in SQLModel.metadata.sorted_tables}


def mentions_of(db, user: str) -> dict[str, int]:
    """Per table (the audit trail aside), how many rows still name the person in any text or JSON column."""
    found = {}
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.c if isinstance(c.type, (String, Text, JSON)) or c.type.__class__.__name__ == "JSON"]
            rows = [r for r in conn.execute(select(*cols)).all() if any(user in repr(v) for v in r)] if cols else []
            if rows and table.name != AuditEvent.__tablename__:
                found[table.name] = len(rows)
    return found


def people(db, team):
    """Bob's data (and Carol's beside it, alike) in every kind of table that names a person."""
    with db.session() as s:
        w = World(s, team, START)
        for who in (BOB, CAROL):
            s.add(Member(team_id=team, user_id=who, name=f"{who} Name", tz="Europe/London", fetched_at=START))
            s.add(RoleGrant(team_id=team, user_id=who, role="service_manager", created_at=START, created_by="U0ALICE"))
            s.add(Contact(team_id=team, party_id=w.party.id, user_id=who, role="approver", created_at=START,
                          created_by=who))
            s.add(Requirement(team_id=team, number=len(who), service_id=w.service.id, customer_id=w.party.id,
                              said_by=who, said_role="approver", source="message", source_quote=f"{who} wants 99.9%",
                              category="availability", statement="Payroll up 99.9%", created_at=START, created_by=who,
                              confirmed_by=who))
            w.action("open", timedelta(0), owner=who)
            w.action("done", YEAR, verified=True, owner=who)
            w.message(None, channel=who)  # a DM queued to them
            w.message(YEAR, channel=who)  # and one sent
            s.add(Reminder(team_id=team, key=f"review:1:attendee:{who}:5wd", kind="review.attendee", due_at=START,
                           recipient=who, created_at=START))
        s.add(Signoff(team_id=team, agreement_id=w.sla.id, version=1, side="counterparty", user_id=BOB,
                      document_sha256="a" * 64, created_at=START, created_by=BOB))
        s.add(Signoff(team_id=team, agreement_id=w.sla.id, version=1, side="provider", user_id=CAROL,
                      document_sha256="a" * 64, created_at=START, created_by=CAROL))
        s.add(ReviewArrangement(team_id=team, agreement_id=w.sla.id, rrule="FREQ=MONTHLY", dtstart=START,
                                timezone="UTC", description="monthly", channel_id="C0REV",
                                attendee_user_ids=[BOB, CAROL], proposed_by=BOB, proposed_at=START, agreed_by=CAROL,
                                created_at=START, created_by=BOB))
        review = w.review("closed", timedelta(days=30), attended=[BOB, CAROL])
        s.add(ReviewRsvp(team_id=team, review_id=review, user_id=BOB, answer="attend", answered_at=START))
        s.add(ReviewRsvp(team_id=team, review_id=review, user_id=CAROL, answer="attend", answered_at=START))
        w.breach(None, ticket_id=w.ticket(None))  # acknowledged by Bob, a copy in his DMs; the ticket his
        s.get(Breach, w.breach(YEAR)).recipients = ["C0OPS"]  # Bob only in its timeline
        audit.record(s, Actor(team_id=team, user_id=BOB, now=START), "agreement.agree", "agreement", w.sla.id, by=BOB)
    return w


def test_a_person_is_forgotten_across_the_tables_and_no_one_else(slm_bot, db, team):
    people(db, team)
    others_before = mentions_of(db, CAROL)
    with db.session() as s:
        trail_before = [(e.id, e.actor, e.detail) for e in s.exec(select(AuditEvent).order_by(AuditEvent.id)).scalars()]

    code, out, err = slm_bot("forget-user", BOB, "--team", team)
    assert code == 0, err
    said = dict(line.strip().split(": ", 1) for line in out.splitlines()[1:])
    assert said["member"] == "1 removed" and said["role_grant"] == "1 removed" and said["contact"] == "1 removed"
    assert said["review_rsvp"] == "1 removed" and said["outbox"] == "2 removed"
    assert said["signoff.user_id"] == "1 anonymised" and said["requirement.said_by"] == "1 anonymised"
    assert said["action.owner_user_id"] == "2 anonymised" and said["review.attended"] == "1 anonymised"
    assert said["review_arrangement.attendee_user_ids"] == "1 anonymised" and said["ticket.requester"] == "1 anonymised"

    assert mentions_of(db, BOB) == {}  # nowhere but the audit trail
    assert mentions_of(db, CAROL) == others_before
    with db.session() as s:
        assert s.exec(select(Member.name)).scalars().all() == [f"{CAROL} Name"]
        assert {o.side: o.user_id for o in s.exec(select(Signoff)).scalars()} == {"counterparty": FORMER_PERSON,
                                                                                 "provider": CAROL}
        quotes = {r.said_by: r.source_quote for r in s.exec(select(Requirement)).scalars()}
        assert quotes == {FORMER_PERSON: "", CAROL: f"{CAROL} wants 99.9%"}
        owners = {(a.status, a.owner_user_id) for a in s.exec(select(Action)).scalars()}
        assert owners == {("open", None), ("done", FORMER_PERSON), ("open", CAROL), ("done", CAROL)}
        assert s.exec(select(ReviewArrangement.attendee_user_ids)).scalars().one() == [CAROL]
        assert s.exec(select(Review.attended)).scalars().one() == [FORMER_PERSON, CAROL]
        assert {r.recipient: r.status for r in s.exec(select(Reminder)).scalars()} == {FORMER_PERSON: "cancelled",
                                                                                         CAROL: "pending"}
        breaches = s.exec(select(Breach)).scalars().all()
        assert [(b.recipients, b.acknowledged_by) for b in breaches] == [(["C0OPS"], FORMER_PERSON)] * 2
        assert {o.channel for o in s.exec(select(Outbox)).scalars()} == {CAROL}
        assert s.exec(select(Ticket.requester)).scalars().one() is None
        trail = s.exec(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        assert [(e.id, e.actor, e.detail) for e in trail[:-1]] == trail_before  # not edited
        assert (trail[-1].action, trail[-1].actor, trail[-1].detail["user"]) == ("member.forget", "slm-bot", BOB)
        assert f"{BOB} Name" not in repr(trail[-1].detail)

    code, out, _ = slm_bot("forget-user", BOB, "--team", team)  # again: nothing left of him
    assert code == 0 and "nothing to touch" in out
    with db.session() as s:
        assert s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first().detail["touched"] == "nothing"


def test_a_dry_run_says_what_it_would_touch_and_changes_nothing(slm_bot, db, team):
    people(db, team)
    before = everything(db)
    code, out, _ = slm_bot("forget-user", BOB, "--dry-run")
    assert code == 0 and "(dry run: nothing changed) would touch:" in out
    assert "member: 1 removed" in out and "signoff.user_id: 1 anonymised" in out
    assert everything(db) == before


def test_a_bad_id_is_refused_in_words(slm_bot, db):
    code, _, err = slm_bot("forget-user", "bob@example.com")
    assert code == 2 and "is not a Slack user id" in err


def test_a_forgotten_person_is_named_a_former_contact():
    context = FIXTURES["req_recorded.yml.j2"]("Payroll")
    message = render_message("req_recorded.yml.j2", **{**context, "said_by": FORMER_PERSON})
    assert "a former contact" in text_of(message) and "<@former>" not in text_of(message)


def test_forgetting_a_partys_last_approver_warns_and_says_the_trail_grows(slm_bot, db, team):
    people(db, team)  # Bob and Carol both approve for Finance
    code, out, _ = slm_bot("forget-user", BOB)
    assert code == 0 and "no approver" not in out  # Carol still approves
    assert "audit_event: 1 appended (a member.forget record in the audit trail" in out
    code, out, _ = slm_bot("forget-user", CAROL, "--dry-run")
    assert code == 0 and f"warning: customer Finance (in {team}) would be left with no approver" in out, out
    assert "would touch:" in out and "audit_event: 1 appended (a member.forget record" in out
    with db.session() as s:
        assert s.exec(select(Contact.user_id)).scalars().all() == [CAROL]  # the dry run changed nothing


def test_the_issue_17_tables_forget_the_person_too(slm_bot, db, team):
    """Review finding 10: the exclusions they agreed, the contracts and disputes they owned, the disputes they closed,
    the maintenance windows they cancelled, the workload limits they removed, the ladders and callback they set."""
    with db.session() as s:
        w = World(s, team, START)
        supplier = Party(team_id=team, kind="supplier", name="Carrier X", name_key="carrier x", created_at=START,
                         created_by="U0ALICE")
        s.add(supplier)
        s.flush()
        stamp = {"team_id": team, "created_at": START, "created_by": "U0ALICE"}
        s.add(Exclusion(agreement_id=w.sla.id, starts_at=START, ends_at=START + timedelta(hours=1),
                        kind="force_majeure", agreed_by=BOB, **stamp))
        s.add(ContractCare(agreement_id=w.sla.id, owner_user_id=BOB, review_months=6, **stamp))
        s.add(SupplierDispute(number=1, party_id=supplier.id, what="Late repairs", owner_user_id=BOB, **stamp))
        s.add(SupplierDispute(number=2, party_id=supplier.id, what="Billing", owner_user_id=BOB, status="closed",
                              outcome="credited", closed_at=START, closed_by=BOB, **stamp))
        s.add(MaintenanceWindow(service_id=w.service.id, starts_at=START, ends_at=START + timedelta(hours=1), tz="UTC",
                                text="Sat 02:00-03:00", status="cancelled", cancelled_at=START, cancelled_by=BOB,
                                **stamp))
        s.add(WorkloadLimit(agreement_id=w.sla.id, measure="tickets", amount=400, period="monthly",
                            excuses="resolution", text="up to 400 tickets a month", removed_at=START, removed_by=BOB,
                            **stamp))
        s.add(TargetLadder(team_id=team, target_id=w.target.id, steps="50% group; breach", set_by=BOB, set_at=START))
        s.add(LadderCallback(team_id=team, url="https://ops.example.com/hook", secret="x" * 64, set_by=BOB,
                             set_at=START))

    code, out, err = slm_bot("forget-user", BOB, "--team", team)
    assert code == 0, err
    assert mentions_of(db, BOB) == {}  # nowhere but the audit trail
    with db.session() as s:
        assert s.exec(select(Exclusion.agreed_by)).scalars().one() == FORMER_PERSON
        assert s.exec(select(ContractCare.owner_user_id)).scalars().one() is None  # its supplier's owner is reminded
        disputes = {d.number: (d.owner_user_id, d.closed_by) for d in s.exec(select(SupplierDispute)).scalars()}
        assert disputes == {1: (None, None), 2: (FORMER_PERSON, FORMER_PERSON)}  # an open one loses its owner
        assert s.exec(select(MaintenanceWindow.cancelled_by)).scalars().one() == FORMER_PERSON
        assert s.exec(select(WorkloadLimit.removed_by)).scalars().one() == FORMER_PERSON
        assert s.exec(select(TargetLadder.set_by)).scalars().one() == FORMER_PERSON
        assert s.exec(select(LadderCallback.set_by)).scalars().one() == FORMER_PERSON
