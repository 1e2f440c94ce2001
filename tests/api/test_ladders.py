"""Escalation ladders (issue 17) from the sender's side: ticket events sent over HTTP, the scheduled jobs run with the
frozen clock, the ladder's steps as they reach Slack's stand-in, and the priority callback as a real local HTTP
receiver gets it.

The ticket is P2 on Payroll, assigned to the Network group; the SLA's P2 resolution target (T3, added here) is 4h,
so 240 minutes of clock: 50% is 2h (11:00), 75% is 3h (12:00), the breach 4h (13:00), +30m 13:30. START is Monday
09:00 UTC and every time below is within the day, so the clock counts wall time.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlmodel import select

from bot import agreements
from bot.agreements import targets
from bot.scheduler import run_all_once
from bot.workspace.actor import Actor
from models import Agreement, AuditEvent, CallbackDelivery, Contact, ContactRole, TargetLadder
from tests.api.conftest import make_token
from tests.breach_world import ALICE, DAVE, DOCS, NETWORK_CHANNEL, world  # noqa: F401  (fixture)
from tests.conftest import START
from tests.helpers import text_of
from tests.servers import TLS_CONTEXT
from tests.slack.test_breach_sweep import in_force

LADDER = "50% group; 75% group manager; breach; +30m service-managers priority"
TICKET = "INC0020001"


class Receiver:
    """A local HTTP server standing in for the ticket tool: answers each POST with the next status given (then
    200), and records what it got. Like a real receiver, it acts once per delivery id (the header)."""

    def __init__(self, statuses: list[int], on_post=None):
        self.statuses, self.got, self.acted, self.on_post = list(statuses), [], [], on_post
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.got.append((dict(self.headers), body, status))
                if receiver.on_post is not None:  # what happens while this POST is answered (a test's doing)
                    receiver.on_post(receiver)
                delivery = self.headers["X-SLM-Delivery"]
                if status == 200 and delivery not in receiver.acted:
                    receiver.acted.append(delivery)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slm/priority"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


KEY = "x2b0Xj2mYb3Yh7iQmP1mKZ6D4nK3lF1d0Zr0yq7W1cU="  # a Fernet key for the tests (TOKEN_ENCRYPTION_KEY)


@pytest.fixture
def local_callbacks(harness_clean):
    """The settings a test's local receiver needs: LADDER_CALLBACK_ALLOW_PRIVATE (http to 127.0.0.1) and a
    TOKEN_ENCRYPTION_KEY to seal the secret with; put back after."""
    settings = harness_clean.deps.settings
    before = settings.ladder_callback_allow_private, settings.token_encryption_key
    settings.ladder_callback_allow_private, settings.token_encryption_key = True, KEY
    yield settings
    settings.ladder_callback_allow_private, settings.token_encryption_key = before


@pytest.fixture
def receiver(local_callbacks):
    made: list[Receiver] = []

    def make(statuses=(), on_post=None):
        made.append(Receiver(list(statuses), on_post))
        return made[-1]
    yield make
    for r in made:
        r.close()


@pytest.fixture
def p2(db, world):
    """The SLA gets a P2 resolution target of 4h (T3); the Network group gets Dave as its manager; the SLA is in
    force."""
    sm = Actor(team_id=world.team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        agreements.propose(s, sm, s.get(Agreement, world.sla_id),
                           targets.TargetChange(key=None, kind="resolution", level="P2", duration="4h"), "setup", DOCS)
        s.add(Contact(team_id=world.team, party_id=world.network_id, user_id=DAVE, role=ContactRole.MANAGERIAL.value,
                      created_at=START, created_by=ALICE))
    in_force(db, world)
    return world


@pytest.fixture
def api(slack, sandbox, harness_clean, p2):
    token = make_token(slack, sandbox)
    with httpx.Client(verify=TLS_CONTEXT, base_url=f"{harness_clean.base_url}/api",
                      headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        yield client


def agree(db) -> None:
    """Both sides agree the SLA's latest version (the sign-off flow is tested on its own): its terms are in force."""
    with db.session() as s:
        sla = s.exec(select(Agreement).where(Agreement.name == "Acme Payroll")).one()
        sla.agreed_version = sla.latest_version
        s.add(sla)


def send(api, event_id: str, kind: str, hours: float, **extra) -> None:
    answer = api.post("/v1/ticket-events", json={"id": event_id, "ticket": TICKET, "kind": kind,
                                                 "at": (START + timedelta(hours=hours)).isoformat(), **extra})
    assert answer.status_code == 200, answer.text


def open_ticket(api) -> None:
    send(api, "e1", "opened", 0, priority="P2", service="Payroll", group="Network group")


def at(clock, harness_clean, minutes: int) -> None:
    clock.set(START + timedelta(minutes=minutes))
    run_all_once(harness_clean.deps)


def the_alert(sandbox):
    # T3's alert (the world's own P1 ticket breaches T1 meanwhile)
    [alert] = [m for m in sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
               if text_of(m).startswith(("Warning: T3", "Breached: T3", "Resolved: T3"))]
    return alert


def thread(sandbox, alert) -> list[str]:
    return [text_of(m) for m in sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts, include_ephemeral=False)]


def steps_in(lines: list[str]) -> list[str]:
    return [re.search(r"step: ([^:]+):", line).group(1) for line in lines if line.startswith("step:")]


def step_posts(sandbox, where: str) -> list[str]:
    found = sandbox.dms(where) if where.startswith("U") else sandbox.channel_messages(where, include_ephemeral=False)
    return [text_of(m) for m in found if not m.thread_ts and text_of(m).startswith("Step ") and ": T3 " in text_of(m)]


def test_a_ladder_climbs_50_75_breach_and_30m_after_each_once_and_the_callback_is_signed_and_retried(
        slack, sandbox, db, clock, harness_clean, api, receiver):
    hook = receiver([503])  # the ticket tool is briefly down: the first POST gets a 503
    assert slack.command(f"ladder Acme Payroll T3 {LADDER}").ok
    assert "T3" in text_of(sandbox.last_ephemeral(ALICE)) and LADDER in text_of(sandbox.last_ephemeral(ALICE))
    agree(db)  # a term of the SLA: climbed once the version stating it is agreed
    slack.command(f"ladder callback {hook.url}")
    secret = re.search(r"[0-9a-f]{64}", text_of(sandbox.last_ephemeral(ALICE))).group()
    open_ticket(api)

    at(clock, harness_clean, 60)  # 60 of 240 minutes: 25%, below the first step
    assert [m for m in sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False) if "T3" in m.text] == []

    at(clock, harness_clean, 120)  # 120/240 = 50%: the alert opens (before the 80% warning level), step 1 runs
    alert = the_alert(sandbox)
    assert "2h of 4h used" in text_of(alert)
    assert steps_in(thread(sandbox, alert)) == ["50%"]
    assert "Network group notified (this alert)" in thread(sandbox, alert)[0]
    at(clock, harness_clean, 121)  # a minute on: nothing runs again
    assert steps_in(thread(sandbox, alert)) == ["50%"] and step_posts(sandbox, NETWORK_CHANNEL) == []

    at(clock, harness_clean, 180)  # 180/240 = 75%: the group's channel and its manager (Dave) hear
    assert steps_in(thread(sandbox, alert)) == ["50%", "75%"]
    assert len(step_posts(sandbox, NETWORK_CHANNEL)) == 1 and len(step_posts(sandbox, DAVE)) == 1
    assert "to you as Network group's manager" in step_posts(sandbox, DAVE)[0]
    assert step_posts(sandbox, ALICE) == []  # the service managers' step is later

    at(clock, harness_clean, 240)  # 240/240 = 100%: breached, the headline edited in place
    alert = the_alert(sandbox)
    assert text_of(alert).startswith("Breached") and steps_in(thread(sandbox, alert)) == ["50%", "75%", "breach"]

    at(clock, harness_clean, 269)  # 29 minutes after the breach: +30m not yet
    assert step_posts(sandbox, ALICE) == [] and hook.got == []

    at(clock, harness_clean, 270)  # 13:00 + 30m: the service managers, and the callback (a 503)
    assert steps_in(thread(sandbox, alert)) == ["50%", "75%", "breach", "+30m"]
    assert len(step_posts(sandbox, ALICE)) == 1
    [(headers, body, status)] = hook.got
    assert status == 503 and hook.acted == []
    # The signature is the HMAC-SHA256 of the body exactly as sent, keyed with the secret shown once.
    assert headers["X-SLM-Signature"] == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    sent = json.loads(body)
    assert (sent["ticket"], sent["priority"], sent["raise_to"], sent["step"]) == (TICKET, "P2", "P1", "+30m")

    at(clock, harness_clean, 270)  # the same minute again: its retry waits a minute (the first backoff)
    assert len(hook.got) == 1
    at(clock, harness_clean, 271)  # retried: the same delivery, the same signed body; 200 this time
    assert [g[2] for g in hook.got] == [503, 200] and hook.got[1][1] == body
    assert hook.got[1][0]["X-SLM-Delivery"] == headers["X-SLM-Delivery"] and len(hook.acted) == 1
    for minutes in (272, 300, 600):  # delivered: never sent again
        at(clock, harness_clean, minutes)
    assert len(hook.got) == 2
    assert steps_in(thread(sandbox, alert)) == ["50%", "75%", "breach", "+30m"]  # each step once
    assert len(step_posts(sandbox, ALICE)) == 1 and len(step_posts(sandbox, DAVE)) == 1
    with db.session() as s:
        assert [r.status for r in s.exec(select(CallbackDelivery))] == ["sent"]
        assert [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.action.in_(
            ["ladder.set", "ladder.callback"])).order_by(AuditEvent.id))] == ["ladder.set", "ladder.callback"]


def test_a_resolved_ticket_stops_the_ladder(slack, sandbox, db, clock, harness_clean, api, receiver):
    hook = receiver()
    assert slack.command(f"ladder Acme Payroll T3 {LADDER}").ok
    agree(db)
    slack.command(f"ladder callback {hook.url}")
    open_ticket(api)
    at(clock, harness_clean, 240)  # the bot first looks at 13:00: 50%, 75% and the breach all run now, in order
    alert = the_alert(sandbox)
    assert steps_in(thread(sandbox, alert)) == ["50%", "75%", "breach"]
    send(api, "e2", "resolved", 4 + 10 / 60)  # resolved at 13:10, before +30m
    at(clock, harness_clean, 250)
    for minutes in (270, 300):
        at(clock, harness_clean, minutes)
    assert "resolved" in thread(sandbox, the_alert(sandbox))[-1]
    assert steps_in(thread(sandbox, alert)) == ["50%", "75%", "breach"]  # +30m never ran
    assert step_posts(sandbox, ALICE) == [] and hook.got == []


def test_a_bot_down_past_two_steps_runs_both_in_order_saying_late(slack, sandbox, db, clock, harness_clean, api):
    assert slack.command("ladder Acme Payroll T3 50% group; 75% group manager").ok
    agree(db)
    open_ticket(api)
    at(clock, harness_clean, 60)
    at(clock, harness_clean, 210)  # back at 12:30: 210/240 = 87.5%
    lines = [line for line in thread(sandbox, the_alert(sandbox)) if line.startswith("step:")]
    assert steps_in(lines) == ["50%", "75%"]
    # 50% fell due at 120 minutes: 210 - 120 = 90 = 1h30m late; 75% at 180: 30m late.
    assert "late by 1h30m" in lines[0] and "late by 30m" in lines[1]
    assert "Late by 30m: this fell due while the bot was unavailable" in step_posts(sandbox, DAVE)[0]


def test_the_organisations_ladder_when_a_target_has_none_and_todays_behaviour_when_neither(
        slack, sandbox, db, clock, harness_clean, api):
    assert slack.command("settings ladder 50% group; breach; +10m service-managers").ok
    assert slack.command("ladder").ok
    assert "The organisation's: 50% group; breach; +10m service-managers" in text_of(sandbox.last_ephemeral(ALICE))
    open_ticket(api)
    at(clock, harness_clean, 120)  # 50% of T3, which has no ladder of its own: the organisation's first step
    assert steps_in(thread(sandbox, the_alert(sandbox))) == ["50%"]
    at(clock, harness_clean, 250)  # breach at 240, +10m at 250: the service managers hear
    assert steps_in(thread(sandbox, the_alert(sandbox))) == ["50%", "breach", "+10m"]
    assert len(step_posts(sandbox, ALICE)) == 1


def test_without_any_ladder_the_alert_and_its_escalation_are_todays(slack, sandbox, clock, harness_clean, api):
    open_ticket(api)
    at(clock, harness_clean, 120)  # 50%: the built-in ladder has no 50% step; the warning level is 80%
    assert [m for m in sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False) if "T3" in m.text] == []
    at(clock, harness_clean, 192)  # 192/240 = 80%: the warning, as today
    alert = the_alert(sandbox)
    assert "3h12m of 4h used" in text_of(alert) and steps_in(thread(sandbox, alert)) == []
    at(clock, harness_clean, 192 + 30)  # P2's escalation time (30m) unacknowledged: the service managers, as today
    assert [m for m in sandbox.dms(ALICE) if not m.thread_ts and text_of(m).startswith("Escalated: T3")]


@pytest.mark.parametrize("typed, said", [
    ("75% group; 50% group", "The step “50%” comes after “75%” in the list but not in time."),
    ("50% dance", "“dance” is not something a step does"),
    ("60x group", "“60x” is not a step's point"),
    ("150% group", "a percentage is between 1% and 100%"),
    ("+2 business hours service-managers", "give clock minutes or hours"),
])
def test_bad_ladder_text_is_refused_in_the_users_words_and_nothing_is_saved(slack, sandbox, db, p2, typed, said):
    slack.command(f"ladder Acme Payroll T3 {typed}")
    assert said in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"settings ladder {typed}")
    assert said in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert s.exec(select(TargetLadder)).all() == []
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "ladder.set")).all() == []
    slack.command("ladder Acme Payroll T9 50% group")
    assert "Acme Payroll has no target T9" in text_of(sandbox.last_ephemeral(ALICE))


@pytest.mark.parametrize("typed", ["50% groups", "breach; +30m groups"])
def test_a_near_miss_action_word_is_refused_naming_the_words_allowed(slack, sandbox, db, p2, typed):
    slack.command(f"ladder Acme Payroll T3 {typed}")
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "“groups” is not something a step does" in said
    assert "group, manager, service-managers (or managers, sm) or priority" in said
    with db.session() as s:
        assert s.exec(select(TargetLadder)).all() == []


def test_a_priority_step_without_a_callback_is_warned_and_not_once_one_is_set(slack, sandbox, p2, local_callbacks,
                                                                              receiver):
    assert slack.command(f"ladder Acme Payroll T3 {LADDER}").ok
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "climbs its own ladder" in said
    assert "No priority callback is set" in said and "/slm ladder callback" in said
    assert slack.command("ladder Acme Payroll T3 50% group").ok  # no priority step: nothing to warn of
    assert "No priority callback" not in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"ladder callback {receiver().url}")
    assert slack.command(f"ladder Acme Payroll T3 {LADDER}").ok
    assert "No priority callback" not in text_of(sandbox.last_ephemeral(ALICE))


def test_default_says_the_target_climbs_the_organisations_ladder_again(slack, sandbox, p2):
    assert slack.command("settings ladder 50% group; breach; +1h service-managers").ok
    assert slack.command("ladder Acme Payroll T3 75% group").ok
    assert slack.command("ladder Acme Payroll T3 default").ok
    assert ("T3* of *Acme Payroll* climbs the organisation's ladder again: 50% group; breach; "
            "+1h service-managers") in text_of(sandbox.last_ephemeral(ALICE))
