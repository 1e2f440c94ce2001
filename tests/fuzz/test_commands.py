"""Every `/slm` command, fed hypothesis-made text as signed slash commands into the real app.

Each one is acked (200) and answered (an ephemeral reply, a message or a modal); no unexpected exception
(handlers/errors.py logs "listener failed" and says "Something went wrong"); and a refused command (the bot's
error reply) changed no table's row count.
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from handlers.commands.router import help_groups
from handlers.errors import OURS
from handlers.registry import subcommands
from models import Agreement, Party, Service
from tests.bench.seed import SCALES, seed
from tests.fuzz.conftest import fuzz_settings, row_counts
from tests.fuzz.words import command_args
from tests.helpers import text_of

ALICE, CAROL = "U0ALICE", "U0CAROL"  # an admin, and a customer's approver with no role in the bot
REFUSED = (":no_entry_sign:", ":warning:")  # how handlers/errors.py's replies begin (messages/templates/error.yml.j2)
COMMANDS = sorted(" ".join(words) for words in subcommands())


def _seeded_names(db, team) -> list[str]:
    seed(db, team, SCALES["smoke"])
    with db.session() as s:
        return [*s.exec(select(Service.name).order_by(Service.id)).all()[:4],
                *s.exec(select(Party.name).order_by(Party.id)).all()[:4],
                *s.exec(select(Agreement.name).order_by(Agreement.id)).all()[:3]]


def _answers(sandbox, before_messages: int, before_calls: int) -> list[tuple[str, bool]]:
    """What the bot sent since (messages, and the modals it opened): each one's text, and whether it is a refusal
    (its first block is handlers/errors.py's reply, messages/templates/error.yml.j2)."""
    with sandbox._lock:
        messages = [(text_of(m), refusal(m.blocks)) for m in sandbox.messages[before_messages:]]
        views = [(str(c["args"].get("view", "")), False) for c in sandbox.calls[before_calls:]
                 if c["method"] in ("views.open", "views.push")]
    return messages + views


def refusal(blocks: list[dict]) -> bool:
    first = (blocks[0].get("text") or {}).get("text", "") if blocks and isinstance(blocks[0], dict) else ""
    return isinstance(first, str) and first.startswith(REFUSED)


def send_and_check(slack, sandbox, db, logged_errors, text: str, user: str) -> bool:
    before = row_counts(db)
    n_messages, n_calls = len(sandbox.messages), len(sandbox.calls)
    outcome = slack.command(text, user=user)
    assert outcome.status == 200, (text, outcome.status, outcome.body[:300])
    answers = _answers(sandbox, n_messages, n_calls)
    assert answers, f"/slm {text!r} got no answer"
    assert not any(OURS in said for said, _ in answers), f"/slm {text!r} failed unexpectedly: {answers}"
    assert not (errors := logged_errors.take()), f"/slm {text!r} logged errors: {errors}"
    if [refused for _, refused in answers] == [True]:  # refused, and nothing else said or opened
        assert row_counts(db) == before, f"/slm {text!r} was refused ({answers[0][0][:200]}) but wrote rows"
        return True
    return False


def test_every_command_is_in_the_fuzzed_list():
    listed = {" ".join(s.words) for _title, group in help_groups() for s in group}
    assert listed <= set(COMMANDS)


def test_every_command_answers_whatever_is_typed(slack, sandbox, db, team, logged_errors):
    names = _seeded_names(db, team)
    refusals: list[bool] = []

    @fuzz_settings(examples=400)
    @given(command=st.sampled_from(COMMANDS), args=command_args(names), user=st.sampled_from([ALICE, CAROL]),
           shout=st.booleans())
    def run(command, args, user, shout):
        typed = f"{command.upper() if shout else command} {args}"
        refusals.append(send_and_check(slack, sandbox, db, logged_errors, typed, user))

    run()
    assert any(refusals) and not all(refusals), "the fuzzing should reach both refusals and commands that run"


def test_text_that_names_no_command_gets_help(slack, sandbox, db, logged_errors):
    @fuzz_settings(examples=60)
    @given(text=command_args([]))
    def run(text):
        send_and_check(slack, sandbox, db, logged_errors, text, ALICE)

    run()
