"""What arrives at /slack/events: signatures, workspaces, and Slack's own failures."""
from __future__ import annotations

import time

from sqlmodel import Session, select

from models import Member, Service
from tests.helpers import text_of

ALICE = "U0ALICE"


def test_a_bad_signature_is_refused_and_changes_nothing(slack, sandbox, db):
    outcome = slack.command("service add Payroll", secret="not-the-secret")
    assert outcome.status == 401
    assert sandbox.calls == [] and sandbox.messages == []
    with Session(db.engine) as s:
        assert list(s.exec(select(Member))) == []


def test_a_stale_request_is_refused(slack, sandbox):
    outcome = slack.command("help", timestamp=int(time.time()) - 6 * 60)  # Slack's window is five minutes
    assert outcome.status == 401
    assert sandbox.calls == []


def test_an_unsigned_request_is_refused(slack, sandbox):
    assert slack.command("help", signed=False).status == 401
    assert sandbox.calls == []


def test_two_workspaces_never_see_each_others_data(slack, sandbox, db):
    sandbox.add_team("T0OTHER", "Other Org")
    sandbox.add_user("U0OLGA", "Olga Other", team_id="T0OTHER", is_admin=True)
    sandbox.add_channel("other-general", team_id="T0OTHER", members=["U0OLGA"], channel_id="C0OTHERGEN")

    slack.command("service add Payroll")
    assert slack.submit().ok
    slack.command("service add Payroll", user="U0OLGA", team="T0OTHER", channel="C0OTHERGEN")
    assert slack.submit(user="U0OLGA", team="T0OTHER").ok  # the same name is free in another workspace
    slack.command("service add Mail", user="U0OLGA", team="T0OTHER", channel="C0OTHERGEN")
    assert slack.submit(user="U0OLGA", team="T0OTHER").ok

    slack.command("map")
    mine = text_of(sandbox.last_ephemeral(ALICE))
    assert "Payroll" in mine and "Mail" not in mine
    slack.command("map Mail")
    assert "There is no service or party called “Mail”" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("map", user="U0OLGA", team="T0OTHER", channel="C0OTHERGEN")
    theirs = text_of(sandbox.last_ephemeral("U0OLGA"))
    assert "Payroll" in theirs and "Mail" in theirs

    with Session(db.engine) as s:
        by_team = sorted((r.team_id, r.name) for r in s.exec(select(Service)))
    assert by_team == [("T0OTHER", "Mail"), ("T0OTHER", "Payroll"), ("T0SANDBOX", "Payroll")]


def test_rate_limits_and_server_errors_are_ridden_out(slack, sandbox, team):
    sandbox.fail_next("views.open", 429, retry_after=0)
    sandbox.fail_next("chat.postEphemeral", 503)
    slack.command("service add Payroll")
    assert sandbox.open_modal(team, ALICE) is not None
    assert slack.submit().ok
    assert "Added the service" in text_of(sandbox.last_ephemeral(ALICE))
    assert len(sandbox.calls_of("views.open")) == 2 and len(sandbox.calls_of("chat.postEphemeral")) == 2


def test_a_confirmation_falls_back_to_a_dm_where_the_bot_cannot_post(slack, sandbox):
    sandbox.add_channel("locked", members=[], channel_id="C0LOCKED")  # ALICE is not a member there
    slack.command("service add Payroll", channel="C0LOCKED")
    assert slack.submit().ok
    [dm] = sandbox.dms(ALICE)
    assert "Added the service *Payroll*" in text_of(dm)


def test_profile_is_read_once_and_kept(slack, sandbox, clock):
    slack.command("help")
    slack.command("help")
    assert len(sandbox.calls_of("users.info")) == 1
    clock.advance(hours=13)
    slack.command("help")
    assert len(sandbox.calls_of("users.info")) == 2


def test_healthz(harness_clean):
    import httpx

    resp = httpx.get(f"{harness_clean.base_url}/healthz")
    assert resp.status_code == 200 and resp.json() == {"ok": True, "mode": "slack"}


def test_a_listener_that_fails_tells_the_person_and_saves_nothing(slack, sandbox, db, monkeypatch):
    from bot import service_map

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service_map, "service_page", broken)
    outcome = slack.command("map")
    assert outcome.status == 200  # the command was acknowledged; the failure came after, and is told to the person
    assert "Something went wrong on our side, and what you asked for was not done" in text_of(sandbox.last_ephemeral(ALICE))
