"""An OLA's or contract's lapse notice as a reminder row: scheduled (by the hourly backstop, or when the agreement
changes), sent once when its warning window opens (late, saying so, after a downtime), not at all when the contract
was renewed or retired first. And the sweep reads only what is due. Through the jobs with the frozen clock."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timezone

from sqlalchemy import event
from sqlmodel import select

from bot import reminders
from bot.scheduler import run_all_once
from models import Agreement, Reminder
from tests.breach_world import ALICE, world  # noqa: F401  (fixture)
from tests.conftest import START
from tests.helpers import text_of

WINDOW_OPENS = datetime(2026, 10, 31, tzinfo=timezone.utc)  # 30 days before the contract's notice date, 30 November


def at(*when) -> datetime:
    return datetime(*when, tzinfo=timezone.utc)


def notices(sandbox) -> list[str]:
    return [text_of(m) for m in sandbox.dms(ALICE) if ":hourglass_flowing_sand:" in text_of(m)]


def lapse_rows(db) -> dict[tuple[str, str], tuple[str, datetime]]:
    """(agreement, "event:day") -> (status, due), of the rows each date has (not the days' looks again)."""
    with db.session() as s:
        return {(s.get(Agreement, r.subject_id).name, r.key.split(":", 2)[2]): (r.status, r.due_at)
                for r in s.exec(select(Reminder).where(Reminder.kind == "lapse").order_by(Reminder.id))
                if ":look:" not in r.key}


@contextmanager
def count_loaded(*entities):
    """The rows of each entity the ORM loads meanwhile (SQLAlchemy's load event), by id."""
    loaded: dict[str, set] = {e.__name__: set() for e in entities}

    def counter(name):
        def on_load(target, _context):
            loaded[name].add(target.id)
        return on_load
    listeners = [(e, counter(e.__name__)) for e in entities]
    for entity, listener in listeners:
        event.listen(entity, "load", listener)
    try:
        yield loaded
    finally:
        for entity, listener in listeners:
            event.remove(entity, "load", listener)


def test_the_backstop_schedules_each_date_once_and_the_notice_goes_once_as_the_window_opens(sandbox, db, clock, world,
                                                                                            harness_clean):
    run_all_once(harness_clean.deps)  # the agreements predate notices as rows: the backstop gives them theirs
    scheduled = {("Network OLA", "ends:2027-02-28"): ("pending", at(2027, 1, 29)),
                 ("Carrier X contract", "ends:2027-02-28"): ("pending", at(2027, 1, 29)),
                 ("Carrier X contract", "notice:2026-11-30"): ("pending", WINDOW_OPENS)}
    assert lapse_rows(db) == scheduled
    run_all_once(harness_clean.deps)
    assert lapse_rows(db) == scheduled  # once
    clock.set(at(2026, 10, 30, 23, 59))
    run_all_once(harness_clean.deps)
    assert notices(sandbox) == []
    clock.set(at(2026, 10, 31, 0, 1))
    run_all_once(harness_clean.deps)
    run_all_once(harness_clean.deps)  # the next minute, or a second replica
    [told] = notices(sandbox)
    assert "Carrier X's Underpinning contract *Carrier X contract* must be given notice by 2026-11-30 (30 days)" in told
    assert "*Acme Payroll* T1 P1 resolution" in told and "Late" not in told
    clock.set(at(2026, 11, 15, 12))
    run_all_once(harness_clean.deps)
    assert len(notices(sandbox)) == 1
    assert lapse_rows(db)["Carrier X contract", "notice:2026-11-30"] == ("sent", WINDOW_OPENS)


def test_a_bot_down_when_the_window_opened_sends_the_notice_when_back_late_and_once(sandbox, db, clock, world,
                                                                                   harness_clean):
    run_all_once(harness_clean.deps)
    clock.set(at(2026, 11, 10, 12))  # down from 30 October to 10 November
    run_all_once(harness_clean.deps)
    run_all_once(harness_clean.deps)
    [told] = notices(sandbox)
    assert "must be given notice by 2026-11-30 (20 days)" in told
    assert "Late: this notice fell due at 2026-10-31 00:00 UTC, while the bot was unavailable" in told


def test_a_contract_renewed_before_its_window_is_not_told_of_its_old_dates(sandbox, db, clock, world, harness_clean):
    run_all_once(harness_clean.deps)
    with db.session() as s:  # renewed for a year, as agreeing the new term leaves the row
        contract = s.exec(select(Agreement).where(Agreement.name == "Carrier X contract")).one()
        contract.end_date = date(2028, 2, 29)
        s.add(contract)
    clock.set(at(2026, 10, 31, 0, 1))
    run_all_once(harness_clean.deps)  # the backstop sees the new end date without its row
    assert lapse_rows(db)["Carrier X contract", "notice:2026-11-30"] == ("cancelled", WINDOW_OPENS)
    assert lapse_rows(db)["Carrier X contract", "notice:2027-12-01"] == ("pending", at(2027, 11, 1))
    clock.set(at(2026, 11, 20))
    run_all_once(harness_clean.deps)
    assert notices(sandbox) == []


def test_a_date_moved_where_nothing_rescheduled_is_still_not_told(sandbox, db, clock, world, harness_clean):
    """Even before the backstop runs, the notice checks the agreement's dates when it falls due."""
    run_all_once(harness_clean.deps)
    with db.session() as s:
        contract = s.exec(select(Agreement).where(Agreement.name == "Carrier X contract")).one()
        contract.notice_days = 30  # notice by 29 January 2027 now
        s.add(contract)
    clock.set(at(2026, 10, 31, 0, 1))
    reminders.sweep_due(db, clock.now())
    assert lapse_rows(db)["Carrier X contract", "notice:2026-11-30"] == ("cancelled", WINDOW_OPENS)
    assert notices(sandbox) == []


def test_retiring_the_contract_cancels_its_notices_at_once(slack, sandbox, db, clock, world, harness_clean):
    run_all_once(harness_clean.deps)
    assert slack.command('uc retire "Carrier X contract"', user=ALICE).ok
    contract_rows = {k: v for k, v in lapse_rows(db).items() if k[0] == "Carrier X contract"}
    assert {status for status, _due in contract_rows.values()} == {"cancelled"}
    clock.set(at(2026, 11, 1))
    run_all_once(harness_clean.deps)
    assert notices(sandbox) == []


def test_with_nothing_above_it_yet_the_notice_looks_again_each_day_and_goes_when_there_is(sandbox, db, clock, world,
                                                                                         harness_clean):
    """The OLA ends with the SLA above it (28 February): nothing would lose cover, so nothing is said; the SLA
    renewed, the next day's look tells of it."""
    run_all_once(harness_clean.deps)
    clock.set(at(2027, 1, 29, 0, 1))
    run_all_once(harness_clean.deps)
    assert notices(sandbox) == []
    with db.session() as s:
        looks = s.exec(select(Reminder.key, Reminder.due_at).where(Reminder.key.contains(":look:"))).all()
        assert sorted(due for _k, due in looks) == [at(2027, 1, 30), at(2027, 1, 30)]  # the OLA's and the contract's
        sla = s.get(Agreement, world.sla_id)
        sla.end_date = date(2028, 2, 29)
        s.add(sla)
    clock.set(at(2027, 1, 30, 0, 1))
    run_all_once(harness_clean.deps)
    told = notices(sandbox)
    assert len(told) == 2 and all("ends on 2027-02-28 (29 days)" in t for t in told)
    clock.set(at(2027, 2, 2))
    run_all_once(harness_clean.deps)
    assert len(notices(sandbox)) == 2


def test_the_sweep_reads_only_the_due_rows(db, clock, world, harness_clean):
    """A thousand reminders not yet due cost the minute's sweep nothing: its query is answered by the index on
    (status, due_at), and only the due row (and the agreements it is about) is loaded."""
    run_all_once(harness_clean.deps)
    with db.session() as s:
        s.add_all(Reminder(team_id=world.team, key=f"future:{n}", kind="lapse", due_at=at(2030, 1, 1, n % 24),
                           recipient="", subject_id=None, context={}, created_at=START) for n in range(1000))
    clock.set(at(2026, 10, 31, 0, 1))
    with db.session() as s:
        [due] = s.exec(select(Reminder.id).where(Reminder.due_at <= clock.now(), Reminder.status == "pending")).all()
    with count_loaded(Reminder, Agreement) as loaded:
        assert reminders.sweep_due(db, clock.now()) == 1
    assert loaded["Reminder"] == {due}  # and the agreements it is about: the contract, the SLA and legs above it
    with count_loaded(Reminder, Agreement) as loaded:
        assert reminders.sweep_due(db, clock.now()) == 0
    assert loaded == {"Reminder": set(), "Agreement": set()}
    assert "ix_reminder_due" in plan_of_due_query(db, clock.now())


def plan_of_due_query(db, now: datetime) -> str:
    """The database's plan for the sweep's own query (captured as it runs, then explained)."""
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM reminder" in statement and "due_at" in statement:
            seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.session() as s:
            reminders.due_ids(s, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    [(statement, parameters)] = seen
    with db.engine.begin() as conn:
        if db.is_sqlite:
            return " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
        conn.exec_driver_sql("ANALYZE reminder")
        return " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
