"""Issue 17, satisfaction: a ticket under an SLA, sent over the HTTP API and resolved, earns its requester a DM asking
for a rating (queued by the scheduled sweep through the outbox, never inside the API's request); a signed press of
a rating records it once, a new one changes it (audited), a comment is kept as its hash in the trail; the rating is
in the SLA's review pack. Nobody is asked twice: a resend, a reopen-then-resolve, a second ticket in the same
period; and the organisation's sample is followed."""
from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta

from sqlmodel import select

from bot.reviews import build_pack, pack_document
from messages.ids import Action, Block, Callback
from models import Agreement, AuditEvent, SatisfactionAsk, Ticket
from tests.api.conftest import make_token
from tests.api.test_the_loop import run_at, sender
from tests.conftest import START
from tests.evaluation.world import DOCS, sla_in_force
from tests.helpers import text_of

CAROL = "U0CAROL"
ASKED = "How did we do?"


def _sla(db, team):
    return sla_in_force(db, team, START, lambda T, office: [
        T(key=None, kind="resolution", level="P1", duration="4h")])


def _send(api, event_id: str, kind: str, hours: float, ticket: str, **extra) -> dict:
    sent = api.post("/v1/ticket-events", json={"id": event_id, "ticket": ticket, "kind": kind,
                                               "at": (START + timedelta(hours=hours)).isoformat(), **extra})
    assert sent.status_code == 200, sent.text
    return sent.json()


def _open(api, event_id: str, hours: float, ticket: str, requester: str | None = CAROL, **extra) -> dict:
    return _send(api, event_id, "opened", hours, ticket, priority="P1", service="Payroll", requester=requester,
                 **extra)


def asks(sandbox, user: str = CAROL):
    return [m for m in sandbox.dms(user) if ASKED in text_of(m)]


def _rows(db, **where) -> list[SatisfactionAsk]:
    with db.session() as s:
        q = select(SatisfactionAsk)
        for k, v in where.items():
            q = q.where(getattr(SatisfactionAsk, k) == v)
        rows = list(s.exec(q.order_by(SatisfactionAsk.id)))
        s.expunge_all()
        return rows


def _trail(db, action: str) -> list[AuditEvent]:
    with db.session() as s:
        rows = list(s.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))
        s.expunge_all()
        return rows


def test_a_resolved_ticket_asks_its_requester_and_the_rating_reaches_the_pack(slack, sandbox, db, team, clock,
                                                                             harness_clean, caplog):
    clock.set(START)
    world = _sla(db, team)
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        _open(api, "s1", 0, "INC1", title="Payroll run fails")
        _send(api, "s2", "resolved", 2, "INC1")
    assert asks(sandbox) == []  # the API's request asks nobody: the sweep does, after it

    run_at(harness_clean, clock, START + timedelta(hours=3))
    [dm] = asks(sandbox)
    shown = text_of(dm)
    assert "INC1 Payroll run fails" in shown and "Under the SLA Acme Payroll" in shown
    [row] = _rows(db)
    assert (row.outcome, row.user_id, row.agreement_id) == ("asked", CAROL, world["agreement_id"])

    # Carol presses 4: recorded, and her DM says so in place.
    assert slack.click(f"{Action.SATISFACTION_RATE}_4", message=dm, user=CAROL).status == 200
    [dm] = asks(sandbox)
    assert "You rated it *4 of 5*" in text_of(dm)
    # The same press again records nothing more; 2 changes it, audited before and after.
    assert slack.click(f"{Action.SATISFACTION_RATE}_4", message=dm, user=CAROL).status == 200
    assert len(_trail(db, "satisfaction.rate")) == 1
    assert slack.click(f"{Action.SATISFACTION_RATE}_2", message=dm, user=CAROL).status == 200
    first, second = _trail(db, "satisfaction.rate")
    assert (first.before["rating"], first.after["rating"]) == (None, 4)
    assert (second.before["rating"], second.after["rating"], second.actor) == (4, 2, CAROL)
    [dm] = asks(sandbox)
    assert "You rated it *2 of 5*" in text_of(dm)

    # Someone else pressing Carol's button changes nothing.
    slack.click(f"{Action.SATISFACTION_RATE}_5", message=dm, user="U0BOB")
    assert _rows(db)[0].rating == 2

    # A comment, behind "Add a comment": kept with the rating, in the trail only as its hash, never logged.
    words = "The engineer was kind but it took two calls"
    caplog.set_level(logging.DEBUG)
    assert slack.click(Action.SATISFACTION_COMMENT, message=dm, user=CAROL).status == 200
    form = sandbox.open_modal(team, CAROL)
    assert form.callback_id == Callback.SATISFACTION_COMMENT_FORM
    assert slack.submit(form, {Block.SAT_COMMENT: words}, user=CAROL).ok
    assert _rows(db)[0].comment == words
    [commented] = _trail(db, "satisfaction.comment")
    assert commented.after == {"comment": "sha256:" + hashlib.sha256(words.encode()).hexdigest()}
    with db.session() as s:
        assert not [e for e in s.exec(select(AuditEvent)) if words in str((e.before, e.after, e.detail))]
    assert words not in caplog.text
    assert "Your comment is recorded" in text_of(asks(sandbox)[0])

    # The pack of March: one rating, a 2: mean 2.00, none rated 4 or 5; no February rating to compare with.
    with db.session() as s:
        agreement = s.get(Agreement, world["agreement_id"])
        pack = build_pack(s, agreement, date(2026, 3, 1), date(2026, 4, 1), START + timedelta(days=40))
        document = pack_document.render(s, team, pack, DOCS, START + timedelta(days=40)).text
    assert (pack.satisfaction["count"], pack.satisfaction["mean"], pack.satisfaction["top_share"],
            pack.satisfaction["trend"], pack.satisfaction["flagged"]) == (1, "2.00", "0.0", "", False)
    assert "### Customer satisfaction" in document
    assert "| Mar 2026 | 1 | 2.00 | 0.0% | — |" in document
    assert "Too few ratings to judge (1 of the 5 needed)." in document
    assert words not in document  # the comment is the person's: not in a pack posted to a channel


def test_nobody_is_asked_twice(slack, sandbox, db, team, clock, harness_clean):
    clock.set(START)
    _sla(db, team)
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        _open(api, "a1", 0, "INC1")
        _send(api, "a2", "resolved", 1, "INC1")
        run_at(harness_clean, clock, START + timedelta(hours=2))
        assert len(asks(sandbox)) == 1

        assert _send(api, "a2", "resolved", 1, "INC1")["unchanged"] == 1  # the resolve sent again
        run_at(harness_clean, clock, START + timedelta(hours=3))
        _send(api, "a3", "reopened", 3, "INC1")  # reopened, and resolved again
        run_at(harness_clean, clock, START + timedelta(hours=4))
        _send(api, "a4", "resolved", 4, "INC1")
        run_at(harness_clean, clock, START + timedelta(hours=5))
        assert len(asks(sandbox)) == 1

        # A second ticket of Carol's, resolved the same month: she was asked on 2 March, so not before 2 April.
        _open(api, "b1", 5, "INC2")
        _send(api, "b2", "resolved", 6, "INC2")
        run_at(harness_clean, clock, START + timedelta(hours=7))
        assert len(asks(sandbox)) == 1
        assert [r.outcome for r in _rows(db)] == ["asked", "asked_recently"]

        # 3 April (32 days on): a month has passed since she was asked, so her next ticket is asked about.
        later = 32 * 24
        _open(api, "c1", later, "INC3")
        _send(api, "c2", "resolved", later + 1, "INC3")
        run_at(harness_clean, clock, START + timedelta(hours=later + 2))
        assert len(asks(sandbox)) == 2
        assert [r.outcome for r in _rows(db)] == ["asked", "asked_recently", "asked"]
    with db.session() as s:
        assert len(s.exec(select(Ticket)).all()) == 3


def _in_sample(team: str, ticket: str, percent: int) -> bool:
    """The rule as the README states it: SHA-256 of "<workspace>:<ticket>", as a number, modulo 100, under the
    percentage."""
    return int(hashlib.sha256(f"{team}:{ticket}".encode()).hexdigest(), 16) % 100 < percent


def test_the_sample_asks_the_share_the_organisation_set_and_the_same_tickets_again(slack, sandbox, db, team, clock,
                                                                                  harness_clean):
    clock.set(START)
    _sla(db, team)
    assert slack.command("settings satisfaction_sample 30%").ok
    tickets = [f"INC-S{n:02}" for n in range(1, 21)]
    expected = {t for t in tickets if _in_sample(team, t, 30)}
    assert 0 < len(expected) < len(tickets)  # the sample bites: some asked, some not
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        for n, ref in enumerate(tickets, 1):
            _open(api, f"{ref}-o", 0, ref, requester=f"U0REQ{n:02}")
            _send(api, f"{ref}-r", "resolved", 1, ref)
        run_at(harness_clean, clock, START + timedelta(hours=2))
        with db.session() as s:
            refs = dict(s.exec(select(Ticket.id, Ticket.external_id)).all())
        decided = {refs[r.ticket_id]: r.outcome for r in _rows(db)}
        assert {t for t, outcome in decided.items() if outcome == "asked"} == expected
        assert {t for t, outcome in decided.items() if outcome == "sampled_out"} == set(tickets) - expected

        # 0%: nobody; and an address as the requester is never asked (the bot does not look addresses up).
        assert slack.command("settings satisfaction_sample 0").ok
        _open(api, "z-o", 2, "INC-Z", requester="U0ZED")
        _send(api, "z-r", "resolved", 3, "INC-Z")
        run_at(harness_clean, clock, START + timedelta(hours=4))
        assert slack.command("settings satisfaction_sample 100%").ok
        _open(api, "m-o", 4, "INC-M", requester="carol@acme.example")
        _send(api, "m-r", "resolved", 5, "INC-M")
        run_at(harness_clean, clock, START + timedelta(hours=6))
    with db.session() as s:
        refs = dict(s.exec(select(Ticket.id, Ticket.external_id)).all())
    decided = {refs[r.ticket_id]: (r.outcome, r.user_id) for r in _rows(db)}
    assert decided["INC-Z"] == ("sampled_out", None)
    assert decided["INC-M"] == ("not_slack_user", None)


def test_a_ticket_no_sla_measures_asks_nobody(slack, sandbox, db, team, clock, harness_clean):
    clock.set(START)
    _sla(db, team)  # P1 only
    with sender(harness_clean, make_token(slack, sandbox)) as api:
        _send(api, "p1", "opened", 0, "INC9", priority="P3", service="Payroll", requester=CAROL)
        _send(api, "p2", "resolved", 1, "INC9")
    run_at(harness_clean, clock, START + timedelta(hours=2))
    assert asks(sandbox) == []
    assert [(r.outcome, r.user_id) for r in _rows(db)] == [("no_sla", None)]
