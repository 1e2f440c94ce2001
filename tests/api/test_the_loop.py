"""Issue 11's "Done means", end to end: measurements sent over HTTP to the harness's server with a token made by a
signed `/slm token new`, the scheduler's jobs run with the frozen clock (`run_all_once`), and what reaches the Slack
stand-in. The P1 ticket that warns, is paused and breaches is tests/api/test_breach_from_api.py; the cases here are
the others the issue names."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from bot import cli
from bot.scheduler import run_all_once
from tests.api.conftest import make_token
from tests.breach_world import ALICE, NETWORK_CHANNEL, world  # noqa: F401  (fixture)
from tests.conftest import START
from tests.evaluation.test_openslo import draft, shell  # noqa: F401  (fixture)
from tests.evaluation.world import sla_in_force
from tests.helpers import text_of
from tests.slack.test_breach_sweep import in_force
from tests.servers import TLS_CONTEXT

UTC = timezone.utc
FRIDAY = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # London is on UTC in December


@contextmanager
def sender(harness, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(verify=TLS_CONTEXT, base_url=f"{harness.base_url}/api", headers=headers, timeout=30) as client:
        yield client


def at(hours: float, start: datetime = START) -> str:
    return (start + timedelta(hours=hours)).isoformat()


def event(event_id: str, kind: str, hours: float, ticket: str = "INC0012345", **extra) -> dict:
    return {"id": event_id, "ticket": ticket, "kind": kind, "at": at(hours), **extra}


OPENED = event("e1", "opened", 0, priority="P1", service="Payroll", group="Network group")
UNASSIGNED = event("e1", "opened", 0, priority="P1", service="Payroll")


def run_at(harness, clock, when: datetime) -> None:
    clock.set(when)
    run_all_once(harness.deps)


def alerts(sandbox, channel: str = NETWORK_CHANNEL):
    return sandbox.channel_messages(channel, include_ephemeral=False)


def top_dms(sandbox, user: str = ALICE):
    """The breach alerts a service manager got by DM (not the annual review's reminders, which this SLA, agreed
    long before its review month, also earns)."""
    return [m for m in sandbox.dms(user) if not m.thread_ts
            and not (m.metadata or {}).get("event_payload", {}).get("key", "").startswith("reminder:sla_review:")]


def test_a_weekend_in_a_business_hours_calendar_stops_the_clock(slack, sandbox, db, team, clock, harness_clean):
    clock.set(FRIDAY)
    sla_in_force(db, team, FRIDAY, lambda T, office: [
        T(key=None, kind="resolution", level="P3", duration="8 business hours", calendar_id=office.id)])
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        sent = api.post("/v1/ticket-events", json={"id": "w1", "ticket": "INC0077", "kind": "opened",
                                                   "at": FRIDAY.isoformat(), "priority": "P3", "service": "Payroll"})
        assert sent.status_code == 200, sent.text

    # Sunday evening: 50 hours on the wall, 2 of them (Friday 15:00-17:00) inside Mon-Fri 09:00-17:00.
    run_at(harness_clean, clock, datetime(2026, 12, 6, 23, 0, tzinfo=UTC))
    assert top_dms(sandbox) == []
    run_at(harness_clean, clock, datetime(2026, 12, 7, 13, 30, tzinfo=UTC))  # 2h + Monday 09:00-13:30
    [alert] = top_dms(sandbox)  # nothing beneath the target: the service managers hear of it
    shown = text_of(alert)
    assert shown.startswith("Warning: T1 P3 resolution") and "6h30m of 8h used" in shown, shown
    assert "This target has no owner" in shown
    run_at(harness_clean, clock, datetime(2026, 12, 7, 15, 20, tzinfo=UTC))
    [alert] = top_dms(sandbox)
    assert alert.edits == 1 and text_of(alert).startswith("Breached:") and "over by 20m" in text_of(alert)


def test_an_outage_burning_the_month_at_14x_is_warned_before_the_breach(slack, sandbox, db, clock, harness_clean,
                                                                        world):
    in_force(db, world)

    def flaps(first: int, last: int) -> dict:  # down one minute in every hour: 1.67% of the time, a 16.7x burn
        return {"outages": [{"id": f"flap-{h}", "service": "Payroll", "start": at(h), "end": at(h + 1 / 60)}
                            for h in range(first, last + 1)]}

    with sender(harness_clean, make_token(slack, sandbox)) as api:
        assert api.post("/v1/batch", json=flaps(0, 1)).json()["stored"] == 2
        run_at(harness_clean, clock, START + timedelta(minutes=61))
        [warned] = top_dms(sandbox)  # the availability goal has nothing beneath it: the service managers hear
        shown = text_of(warned)
        assert shown.startswith("Warning: T2 Availability 99.9% (Acme Payroll)"), shown
        # 99.9% of March (744h) allows 44.64 minutes down; at one in sixty, 42.6 minutes left last 42.6 hours.
        assert "over 1h" in shown and "this month's 99.9% is gone in 2 days" in shown, shown
        assert "This target has no owner" in shown

        assert api.post("/v1/batch", json=flaps(2, 45)).json()["stored"] == 44
        run_at(harness_clean, clock, START + timedelta(hours=45, minutes=2))
    first, breached = [m for m in top_dms(sandbox) if "T2 Availability" in m.text]  # (T1: the world's own ticket)
    assert first.ts == warned.ts and first.ts < breached.ts  # the warning came first, a day and a half before
    assert text_of(breached).startswith("Breached: T2 Availability 99.9% (Acme Payroll)")
    # The warning stopped because the budget is spent, not because the burn slowed: it says where to look
    assert "the period's goal is breached: see its own alert" in text_of(first), text_of(first)
    assert "within target" not in text_of(first)


def test_an_ingestion_resend_changes_nothing_in_slack(slack, sandbox, db, clock, harness_clean, world):
    in_force(db, world)
    batch = {"ticket_events": [OPENED, event("e2", "paused", 1, reason="awaiting customer"),
                               event("e3", "resumed", 1.5), event("e4", "resolved", 5)]}
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        assert api.post("/v1/batch", json=batch).json()["stored"] == 4
        run_at(harness_clean, clock, START + timedelta(hours=5, minutes=1))
        [alert] = alerts(sandbox)
        assert "over by 30m (4h30m of 4h)" in text_of(alert), text_of(alert)
        assert "resolved, the target was missed" in text_of(alert)

        again = api.post("/v1/batch", json=batch)  # the sender did not hear the answer, and sends it all again
        assert again.status_code == 200 and again.json()["unchanged"] == 4 and again.json()["stored"] == 0
        run_at(harness_clean, clock, START + timedelta(hours=5, minutes=2))
    [same] = alerts(sandbox)
    assert (same.ts, same.edits, text_of(same)) == (alert.ts, alert.edits, text_of(alert))
    assert sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts, include_ephemeral=False) == []
    slack.command("clock INC0012345")
    assert "Corrected by the sender" not in text_of(sandbox.last_ephemeral(ALICE))


@pytest.fixture
def p1_sla(db, team):
    """An SLA in force with a P1 resolution 4h and 99.9% availability, no ticket yet, nothing beneath its targets
    (so its alerts go to the service manager, Alice)."""
    return sla_in_force(db, team, START, lambda T, office: [
        T(key=None, kind="resolution", level="P1", duration="4h"), T(key=None, kind="availability", goal="99.9%")])


@pytest.mark.parametrize("refused", ["none", "wrong", "revoked"])
def test_a_bad_token_is_refused_and_nothing_reaches_slack(slack, sandbox, clock, harness_clean, p1_sla, refused):
    token = make_token(slack, sandbox)
    if refused == "revoked":
        slack.command("token revoke grafana")
    with sender(harness_clean, {"none": None, "wrong": "slm_not-a-token-at-all-0000000", "revoked": token}[refused]
                ) as api:
        answer = api.post("/v1/ticket-events", json=UNASSIGNED)
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    run_at(harness_clean, clock, START + timedelta(hours=5))
    assert top_dms(sandbox) == []

    with sender(harness_clean, make_token(slack, sandbox, "grafana-2")) as api:  # the same event, a good token
        assert api.post("/v1/ticket-events", json=UNASSIGNED).status_code == 200
    run_at(harness_clean, clock, START + timedelta(hours=5, minutes=1))
    [alert] = top_dms(sandbox)
    assert text_of(alert).startswith("Breached: T1 P1 resolution 4h (Acme Payroll)")


def test_a_malformed_batch_stores_nothing_and_nothing_reaches_slack(slack, sandbox, clock, harness_clean, p1_sla):
    bad = {"ticket_events": [UNASSIGNED, event("e2", "paused", 3.5)],  # a pause must say why
           "outages": [{"id": "o1", "service": "Payroll", "start": "2026-03-02T09:00:00"}]}  # no zone
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        answer = api.post("/v1/batch", json=bad)
        assert answer.status_code == 422
        assert set(answer.json()["errors"]) == {"ticket_events[1].reason", "outages[0].start"}, answer.json()
        # Well formed, but one outage names a service the map does not have: refused whole all the same.
        unknown = {"ticket_events": [UNASSIGNED], "outages": [{"id": "o1", "service": "Payroll", "start": at(0)},
                                                               {"id": "o2", "service": "Payrol", "start": at(0)}]}
        answer = api.post("/v1/batch", json=unknown)
        assert answer.status_code == 422 and list(answer.json()["errors"]) == ["outages[1].service"], answer.json()
        run_at(harness_clean, clock, START + timedelta(hours=5))
        assert top_dms(sandbox) == []  # neither the ticket's breach nor the outage's

        fixed = {"ticket_events": [UNASSIGNED, event("e2", "paused", 3.5, reason="awaiting customer")],
                 "outages": [{"id": "o1", "service": "Payroll", "start": "2026-03-02T09:00:00Z"}]}
        assert api.post("/v1/batch", json=fixed).json()["stored"] == 3
    run_at(harness_clean, clock, START + timedelta(hours=5, minutes=1))
    shown = sorted(text_of(m).split("\n")[0] for m in top_dms(sandbox))
    assert shown == ["Breached: T2 Availability 99.9% (Acme Payroll)",
                     "Warning: T1 P1 resolution 4h (Acme Payroll)"], shown  # paused since 12:30: 3h30m of 4h


def test_a_ticket_resolved_on_exactly_its_time_is_in_time_in_the_alert(slack, sandbox, db, clock, harness_clean,
                                                                       world):
    in_force(db, world)
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        assert api.post("/v1/batch", json={"ticket_events": [OPENED, event("e2", "resolved", 4)]}).status_code == 200
    run_at(harness_clean, clock, START + timedelta(hours=4, minutes=1))
    [alert] = alerts(sandbox)  # history arriving late: the warning it passed is said once, already resolved
    shown = text_of(alert)
    assert "4h of 4h used, resolution in time" in shown and "resolved, within target" in shown, shown


def test_a_corrected_event_recomputes_the_clock_and_the_alert_says_what_changed(slack, sandbox, db, clock,
                                                                                harness_clean, world):
    in_force(db, world)
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        assert api.post("/v1/batch", json={"ticket_events": [OPENED, event("e2", "resolved", 5)]}).status_code == 200
        run_at(harness_clean, clock, START + timedelta(hours=5, minutes=1))
        [alert] = alerts(sandbox)
        assert "resolved, the target was missed" in text_of(alert)
        slack.command("clock INC0012345")
        assert "over by 1h" in text_of(sandbox.last_ephemeral(ALICE))

        # The sender's tool had the wrong time: resolved at 11:00, within the 4 hours.
        corrected = api.post("/v1/ticket-events", json=event("e2", "resolved", 2))
        assert corrected.json()["corrected"] == 1
        run_at(harness_clean, clock, START + timedelta(hours=5, minutes=2))

    slack.command("clock INC0012345")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Corrected by the sender" in shown and "resolved, now at" in shown and "version 2" in shown
    assert "2h of 4h used, resolution in time" in shown, shown
    [alert] = alerts(sandbox)
    assert alert.edits == 1 and "resolved, within target" in text_of(alert), text_of(alert)
    [line] = [text_of(m) for m in sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts, include_ephemeral=False)]
    assert "corrected" in line and "2h of 4h used" in line, line


def test_the_openslo_round_trip_measures_the_imported_goal(slack, sandbox, db, team, clock, harness_clean, shell,
                                                           capsys):
    """An SLA's goals exported as OpenSLO, imported into next year's draft, and the imported availability goal is
    the one an outage sent over HTTP is measured against once that draft is in force."""
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    clock.set(now)
    sla_in_force(db, team, now, lambda T, office: [T(key=None, kind="availability", goal="99.9%")],
                 term=(datetime(2026, 1, 1).date(), datetime(2026, 12, 31).date()))
    assert cli.main(["openslo", "export", "Acme Payroll", "--team", team]) == 0
    (shell / "slos.yaml").write_text(capsys.readouterr().out)
    new = draft(db, team, "Acme Payroll 2027")
    assert cli.main(["openslo", "import", "Acme Payroll 2027", str(shell / "slos.yaml"), "--team", team]) == 0
    from models import Agreement

    with db.session() as s:  # next year's draft is agreed (the sign-off flow is tested elsewhere)
        agreement = s.get(Agreement, new)
        agreement.status, agreement.agreed_version = "active", agreement.latest_version
        s.add(agreement)

    january = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        assert api.post("/v1/outages", json={"id": "o-2027", "service": "Payroll",
                                             "start": january.isoformat()}).status_code == 200
    run_at(harness_clean, clock, january + timedelta(minutes=50))  # 99.9% of January: 44.64 minutes
    breached = [text_of(m) for m in top_dms(sandbox) if text_of(m).startswith("Breached:")]
    assert len(breached) == 1 and "Availability 99.9% (Acme Payroll 2027)" in breached[0], breached
