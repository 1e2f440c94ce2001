"""A requirement recorded from someone's message (issue 15 review): the audit trail, which forget-user never edits,
keeps only the SHA-256 of the words they wrote, not the words."""
from __future__ import annotations

import hashlib

from sqlmodel import select

from messages.ids import Block
from models import AuditEvent
from tests.slack.test_requirements import acme, quote_and_open, stored  # noqa: F401 (acme: the fixture)

WORDS = "We need P1 incidents fixed within 4 hours, says Carol from payroll"


def test_the_trail_keeps_a_hash_of_the_quoted_words_not_the_words(slack, sandbox, db, team, acme):  # noqa: F811
    _, who = quote_and_open(slack, sandbox, team, WORDS)
    assert slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])}).ok
    assert slack.submit(sandbox.open_modal(team, "U0ALICE"), {Block.REQ_TARGET: "4 hours", Block.REQ_LEVEL: "P1"}).ok
    [req] = stored(db)
    assert req.source_quote.startswith("We need P1")
    with db.read_session() as s:
        [added] = s.exec(select(AuditEvent).where(AuditEvent.entity == "requirement")).all()
    # the statement (the requirement itself, which forget-user keeps) may hold them; the quote of them may not
    assert added.after["source_quote"] != req.source_quote
    assert added.after["source_quote"] == "sha256:" + hashlib.sha256(req.source_quote.encode()).hexdigest()
