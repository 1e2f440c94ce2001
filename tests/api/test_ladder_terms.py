"""A target's own escalation ladder is one of its agreement's terms (issue 17): `/slm ladder <sla> <target> <steps>`
proposes it as the SLA's next version, stated in the document in the customer's words and in the version's
difference; an alert climbs the ladder of the version in force, not a proposed one. Ladders set by command before
they were terms keep being climbed until a version stating ladders is agreed.

Signed `/slm` requests into the real app, ticket events over HTTP, the scheduled jobs with the frozen clock; the
world and its arithmetic are tests/api/test_ladders.py's (T3: P2 resolution 4h, so 50% at 120 minutes and the 80%
warning at 192).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models import Agreement, AgreementVersion, AuditEvent, Target, TargetLadder
from tests.api.test_ladders import (LADDER, TICKET, agree, api, at, local_callbacks, p2, receiver,  # noqa: F401
                                    open_ticket, steps_in, thread)
from tests.breach_world import ALICE, NETWORK_CHANNEL, world  # noqa: F401  (fixtures)
from tests.conftest import START
from tests.helpers import text_of

SECOND = "INC0020002"


def alerts_of_t3(sandbox) -> list:
    return [m for m in sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
            if text_of(m).startswith(("Warning: T3", "Breached: T3", "Resolved: T3"))]


def alert_of(sandbox, ticket: str):
    [alert] = [m for m in alerts_of_t3(sandbox) if ticket in text_of(m)]
    return alert


def sla(db) -> Agreement:
    with db.session() as s:
        return s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()


def latest(db) -> AgreementVersion:
    row = sla(db)
    with db.session() as s:
        return s.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == row.id,
                                                     AgreementVersion.number == row.latest_version)).one()


def open_second_ticket(api, minutes: int) -> None:
    answer = api.post("/v1/ticket-events", json={
        "id": "second", "ticket": SECOND, "kind": "opened", "at": (START + timedelta(minutes=minutes)).isoformat(),
        "priority": "P2", "service": "Payroll", "group": "Network group"})
    assert answer.status_code == 200, answer.text


def test_a_ladder_is_proposed_stated_in_the_document_and_difference_and_climbed_only_once_agreed(
        slack, sandbox, db, clock, harness_clean, api):
    in_force_before = sla(db).agreed_version
    assert slack.command(f"ladder Acme Payroll T3 {LADDER}").ok
    said = text_of(sandbox.last_ephemeral(ALICE))
    proposed = latest(db)
    assert f"Version {proposed.number} of Acme Payroll proposed" in said
    assert f"T3's escalation ladder: the organisation's ladder → {LADDER}" in said
    assert "an approver for Acme Retail" in said  # who must agree, besides a service manager
    assert "Until then its new alerts climb the ladder in force: the built-in ladder" in said
    # The version states it: in its content, its difference in words and its document, in the customer's words.
    assert proposed.changes == [f"T3's escalation ladder: the organisation's ladder → {LADDER}"]
    assert [t.get("ladder") for t in proposed.content["targets"] if t["key"] == "T3"] == [LADDER]
    assert ("- **T3:** at 50% of the time used: the support group handling it is told; at 75% of "
            "the time used: the support group handling it and that group's manager are told; at "
            "the breach: the alert says the target is breached; 30 minutes after the breach: the provider's service "
            "managers are told and the ticket's priority is raised.") in proposed.document
    assert "the other targets follow the organisation's ladder" in proposed.document
    assert sla(db).agreed_version == in_force_before  # proposed, not agreed

    open_ticket(api)
    at(clock, harness_clean, 120)  # 50%: the proposed ladder's first step, but it is not in force
    assert alerts_of_t3(sandbox) == []
    at(clock, harness_clean, 192)  # 80%: the built-in ladder's warning, as the version in force says
    first = alert_of(sandbox, TICKET)
    assert steps_in(thread(sandbox, first)) == []

    agree(db)  # both sides agree the version stating it
    open_second_ticket(api, 200)
    at(clock, harness_clean, 200 + 120)  # the second ticket's 50%: it climbs the agreed ladder
    assert steps_in(thread(sandbox, alert_of(sandbox, SECOND))) == ["50%"]
    assert steps_in(thread(sandbox, alert_of(sandbox, TICKET))) == []  # the open alert keeps the ladder it opened with


def test_a_refused_ladder_leaves_no_version_and_default_on_a_draft_changes_the_next_version(slack, sandbox, db, p2):
    before = sla(db).latest_version
    slack.command("ladder Acme Payroll T3 75% group; 50% group")
    assert "comes after “75%” in the list but not in time" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("ladder Acme Payroll T3 default")  # it has none: nothing to propose
    assert f"That changes nothing in version {before}" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert sla(db).latest_version == before
        assert [t.ladder for t in s.exec(select(Target))] == [None] * len(s.exec(select(Target)).all())
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "ladder.set")).all() == []


def set_before_ladders_were_terms(db) -> None:
    """As migration 0027 leaves it: the agreed version, made before, states no ladders (its targets have no
    "ladder"); T3's ladder set by command then is its row, copied into the target."""
    with db.session() as s:
        agreement = s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()
        version = s.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == agreement.id,
                                                        AgreementVersion.number == agreement.agreed_version)).one()
        version.content = {**version.content, "targets": [{k: v for k, v in t.items() if k != "ladder"}
                                                          for t in version.content["targets"]]}
        s.add(version)
        t3 = s.exec(select(Target).where(Target.agreement_id == agreement.id, Target.key == "T3")).one()
        t3.ladder = "50% group"
        s.add(t3)
        s.add(TargetLadder(team_id=agreement.team_id, target_id=t3.id, steps="50% group", set_by=ALICE,
                           set_at=START))


def test_a_ladder_set_before_ladders_were_terms_is_climbed_until_a_version_stating_ladders_is_agreed(
        slack, sandbox, db, clock, harness_clean, api):
    """The row set by command before is still climbed; a proposal says what it replaces; once agreed, the version's
    ladder is climbed."""
    set_before_ladders_were_terms(db)
    slack.command("ladder")
    assert "Acme Payroll T3: 50% group" in text_of(sandbox.last_ephemeral(ALICE))
    assert slack.command("ladder Acme Payroll T3 75% group").ok
    assert ("T3's escalation ladder: 50% group (set before ladders were terms) → 75% group"
            in text_of(sandbox.last_ephemeral(ALICE)))
    number = sla(db).latest_version
    slack.command("ladder")
    assert (f"Acme Payroll T3: 50% group (version {number} proposes 75% group, not yet agreed)"
            in text_of(sandbox.last_ephemeral(ALICE)))

    open_ticket(api)
    at(clock, harness_clean, 120)  # the old row's 50% step, not the proposal
    assert steps_in(thread(sandbox, alert_of(sandbox, TICKET))) == ["50%"]
    agree(db)
    open_second_ticket(api, 130)
    at(clock, harness_clean, 130 + 120)  # 50% of the second: the agreed version's 75% ladder has nothing yet
    assert [m for m in alerts_of_t3(sandbox) if SECOND in text_of(m)] == []
    at(clock, harness_clean, 130 + 180)
    assert steps_in(thread(sandbox, alert_of(sandbox, SECOND))) == ["75%"]


def test_a_ladder_set_before_can_be_proposed_away_and_is_stated_by_the_next_version_otherwise(slack, sandbox, db,
                                                                                                api):
    set_before_ladders_were_terms(db)
    assert slack.command("ladder Acme Payroll T3 default").ok  # not "changes nothing": the row is still climbed
    assert ("T3's escalation ladder: 50% group (set before ladders were terms) → the organisation's ladder"
            in text_of(sandbox.last_ephemeral(ALICE)))
    assert [t["ladder"] for t in latest(db).content["targets"] if t["key"] == "T3"] == [None]


def test_an_unrelated_change_after_the_upgrade_states_the_ladder_set_before(slack, sandbox, db, api):
    set_before_ladders_were_terms(db)
    slack.command("sla limit Acme Payroll up to 400 tickets a month")
    assert ("T3's escalation ladder, set before ladders were terms, now stated: 50% group"
            in text_of(sandbox.last_ephemeral(ALICE)))
    assert "- **T3:** at 50% of the time used: the support group handling it is told." \
        in latest(db).document


def test_a_ladder_proposed_while_the_sweep_reads_the_ladders_in_force_is_not_climbed(
        slack, sandbox, db, clock, harness_clean, api):
    """A sweep reads which agreements have their agreed version as their latest, then those agreements' targets: a
    proposal committed between the two reads (PostgreSQL reads each statement afresh; so does SQLite outside a
    write) must not make the targets' proposed ladder the one an alert opens with. The proposal is made by a signed
    request at that very moment, from a hook on the database's statements (SQLAlchemy's cursor events)."""
    from sqlalchemy import event

    if db.is_sqlite:
        pytest.skip("SQLite: the sweep holds the database's write lock by then, so no proposal commits in between")
    open_ticket(api)
    proposed = []

    def propose_between_the_reads(conn, cursor, statement, parameters, context, executemany):
        said = " ".join(statement.split()).lower()
        if not proposed and said.startswith("select agreement.id, agreement.agreed_version, agreement.latest_version "
                                            "from agreement"):
            proposed.append("proposing")  # once: the proposal's own reply reads the ladders in force too
            proposed[0] = slack.command("ladder Acme Payroll T3 50% group").ok

    event.listen(db.engine, "after_cursor_execute", propose_between_the_reads)
    try:
        at(clock, harness_clean, 120)  # 50% of T3: the proposed ladder's step, not in force
    finally:
        event.remove(db.engine, "after_cursor_execute", propose_between_the_reads)
    assert proposed == [True]
    assert sla(db).agreed_version != sla(db).latest_version  # proposed, not agreed
    assert alerts_of_t3(sandbox) == []  # the built-in ladder, as agreed: nothing before the 80% warning


def test_a_period_goals_ladder_is_stated_in_its_error_budget_and_a_tickets_in_its_time(slack, sandbox, db, p2):
    """The document names what a step's percentage is of: T2 (availability 99.9%) climbs its error budget; T3 (P2
    resolution 4h) a ticket's time. Neither reads "of the time (or error budget)", which the customer must decode."""
    assert slack.command("ladder Acme Payroll T2 50% group; breach; +1h service-managers").ok
    assert slack.command("ladder Acme Payroll T3 75% group").ok
    document = latest(db).document
    assert "- **T2:** at 50% of the error budget used: the support group handling it is told; at the breach" in document
    assert "- **T3:** at 75% of the time used: the support group handling it is told." in document
    assert "(or error budget) used" not in document
