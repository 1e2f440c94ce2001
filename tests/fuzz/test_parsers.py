"""The pure readers of what people type (bot/parsing, the commands' argument splitting, the values a button or a
modal carries back): on any text they answer, or refuse with the error made for people, and never crash."""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import parsing
from bot.calendars.records import parse_closures
from bot.errors import DomainError
from bot.parsing import credits, recurrence
from bot.parsing._common import ParseError
from bot.reviews.offsets import parse_offset
from bot.reviews.pack_period import PeriodProblem, parse_period
from bot.service_map.records import OTHER_ACTIVITIES, parse_activities
from bot.workspace.roles import parse_role
from handlers.commands import arguments
from handlers.commands.router import match
from handlers.flows.requirement_dm import parse_numbers
from handlers.paging import read_value
from handlers.presenters.actions import read_next_value
from handlers.replies import FormAltered, read_metadata
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.words import ODD, command_args

TODAY = date(2026, 3, 2)
typed = st.one_of(command_args([]), st.text(), st.sampled_from(ODD))
READERS = {  # what each reader may refuse with: the errors that carry a sentence for the person
    "parse_duration": (parsing.parse_duration, ParseError),
    "parse_percentage": (parsing.parse_percentage, ParseError),
    "parse_service_hours": (lambda t: parsing.parse_service_hours(t, "Europe/London"), ParseError),
    "parse_money": (parsing.parse_money, ParseError),
    "parse_quantity": (parsing.parse_quantity, ParseError),
    "parse_credit": (credits.parse_credit, ()),
    "parse_money_amount": (credits.parse_money_amount, ()),
    "parse_monthly_charge": (credits.parse_monthly_charge, ()),
    "parse_recurrence": (lambda t: recurrence.parse_recurrence(t, "Europe/London", TODAY), ParseError),
    "parse_offsets": (recurrence.parse_offsets, ParseError),
    "parse_offset": (parse_offset, ParseError),
    "parse_period": (lambda t: parse_period(t, TODAY, ["monthly"], 4), PeriodProblem),
    "parse_role": (parse_role, DomainError),
    "parse_closures": (parse_closures, DomainError),
    "parse_activities": (lambda t: parse_activities([OTHER_ACTIVITIES], t), DomainError),
    "one_name": (arguments.one_name, ()),
    "name_and_trailing": (lambda t: arguments.name_and_trailing(t, lambda w: w.startswith("v")), ()),
    "two_names": (lambda t: arguments.two_names(t, lambda n: n.istitle(), "/slm x <a> <b>", "service"), DomainError),
    "match": (match, ()),
    "parse_numbers": (parse_numbers, ()),
    "read_value": (read_value, ()),
    "read_next_value": (read_next_value, ()),
    "read_metadata": (lambda t: read_metadata({"private_metadata": t}), FormAltered),
}
# A value Slack carries back for us (a button's, a modal's private_metadata) can be crafted: JSON of any shape.
crafted = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("cfo"), inner,
                                                                                   max_size=3), max_leaves=6)


@pytest.mark.parametrize("name", sorted(READERS))
def test_a_reader_answers_or_refuses_in_words(name):
    read, refusal = READERS[name]

    @fuzz_settings(examples=150)
    @given(text=st.one_of(typed, crafted.map(json.dumps)))
    def run(text):
        try:
            read(text)
        except refusal as err:  # noqa: PERF203
            assert str(err).strip(), f"{name}({text!r}) refused without saying why"

    run()


def test_names_come_back_without_their_quotes_or_spaces():
    @fuzz_settings(examples=200)
    @given(typed)
    def run(text):
        name = arguments.one_name(text)
        assert name == name.strip() or len(text.strip()) < 2
        assert name in text

    run()


def test_the_router_finds_the_words_typed_first():
    @fuzz_settings(examples=200)
    @given(typed)
    def run(text):
        found, rest = match(text)
        if found is not None:
            assert [w.lower() for w in text.split()[:len(found.words)]] == list(found.words)
            assert rest in text

    run()


def test_a_crafted_metadata_reads_as_a_dict_or_is_refused_as_altered():
    """Every handler reads private_metadata with .get(): JSON that is no object is no metadata of ours (found by
    the fuzzing: `null` read as None); an id that is no id refuses the form (FormAltered, a DomainError)."""
    @fuzz_settings(examples=100)
    @given(st.dictionaries(st.sampled_from(["review_id", "channel_id", "topics", "other"]), crafted) | crafted)
    def run(value):
        try:
            meta = read_metadata({"private_metadata": json.dumps(value)})
        except FormAltered:
            assert isinstance(value, dict)
            return
        assert isinstance(meta, dict)
        if isinstance(meta.get("review_id"), int):
            assert 0 < meta["review_id"] < 2**31

    run()


def test_a_superscript_is_no_requirement_number():
    """Found by the fuzzing: "²" passed str.isdigit() and int() then raised."""
    assert parse_numbers("12,²,13") == [12, 13]


def test_a_long_number_in_a_charges_clause_is_read_as_no_charge():
    """Found by the fuzzing: 3,000 digits in a clause took parse_monthly_charge seconds (each digit tried as the
    start of an amount); the amount now starts only where a number does. The answer is the same: no charge."""
    assert credits.parse_monthly_charge("1" * 3000) is None
    assert credits.parse_monthly_charge("pays " + "1," * 1500 + " GBP per month") is None
    assert str(credits.parse_monthly_charge("The customer pays 12,000 GBP per month")) == "£12,000.00"
