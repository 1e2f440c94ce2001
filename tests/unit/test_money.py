"""Reading the cost of an outage: an amount, its currency, per hour."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsing import Money, ParseError, format_money, parse_money


@pytest.mark.parametrize("typed,amount,currency", [
    ("£20,000 an hour", "20000", "GBP"), ("20k EUR/h", "20000", "EUR"), ("20,000 EUR", "20000", "EUR"),
    ("USD 5,000 per hour", "5000", "USD"), ("€1.5m/hour", "1500000", "EUR"), ("5000 euros hourly", "5000", "EUR"),
    ("1,5k CHF", "1500", "CHF"),
])
def test_amounts_in_a_currency(typed, amount, currency):
    assert parse_money(typed) == Money(Decimal(amount), currency)


@pytest.mark.parametrize("typed,reason", [
    ("lots", "it needs a number"), ("20,000", "say which currency"), ("$5,000 a day", "per hour, not per day"),
    ("30 bananas", 'I don\'t know the currency "bananas"'), ("20 EUR GBP", "two currencies"),
])
def test_what_is_not_money_says_why(typed, reason):
    with pytest.raises(ParseError) as err:
        parse_money(typed)
    assert reason in str(err.value) and "£20,000 an hour" in str(err.value)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2), st.sampled_from(["GBP", "EUR", "USD", "JPY"]))
def test_the_canonical_form_reads_back(amount, currency):
    money = parse_money(format_money(Money(amount, currency)))
    assert money.amount == amount and money.currency == currency


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_money_or_a_parse_error(text):
    try:
        parse_money(text)
    except ParseError:
        pass
