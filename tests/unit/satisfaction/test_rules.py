"""Issue 17's pure rules: the settings as typed, the sample by the ticket, the period before, the flag's test."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import parsing
from bot.satisfaction import sampled
from bot.satisfaction.figures import previous_period, targets_met
from bot.workspace.settings import CHOICES


@pytest.mark.parametrize("typed,read", [("1 month", "1 month"), ("2 WEEKS", "2 weeks"), ("30d", "30 days"),
                                        ("3 mo", "3 months")])
def test_ask_every_reads_days_weeks_and_months(typed, read):
    assert CHOICES["satisfaction_ask_every"].read(typed) == read


@pytest.mark.parametrize("typed", ["", "0 days", "monthly", "13 months", "2 years"])
def test_ask_every_refuses_what_it_cannot_read(typed):
    with pytest.raises(parsing.ParseError):
        CHOICES["satisfaction_ask_every"].read(typed)


@pytest.mark.parametrize("typed,read", [("25%", "25%"), ("0", "0%"), (" 100 % ", "100%")])
def test_sample_is_a_whole_percentage(typed, read):
    assert CHOICES["satisfaction_sample"].read(typed) == read


@pytest.mark.parametrize("typed", ["101%", "-5%", "12.5%", "half"])
def test_sample_refuses_others(typed):
    with pytest.raises(parsing.ParseError):
        CHOICES["satisfaction_sample"].read(typed)


@pytest.mark.parametrize("typed", ["0", "many", "1001"])
def test_min_ratings_is_at_least_one(typed):
    with pytest.raises(parsing.ParseError):
        CHOICES["satisfaction_min_ratings"].read(typed)


@given(st.text(min_size=1, max_size=40))
def test_the_sample_is_by_the_ticket_and_grows_with_the_share(ref):
    # SHA-256 of "T1:<ref>" as a number, modulo 100: a ticket in a 30% sample is in every larger one, none is in 0%.
    bucket = int(hashlib.sha256(f"T1:{ref}".encode()).hexdigest(), 16) % 100
    assert [sampled("T1", ref, p) for p in (0, 30, 100)] == [False, bucket < 30, True]
    assert sampled("T1", ref, 30) == sampled("T1", ref, 30)


def test_the_period_before():
    assert previous_period(date(2026, 10, 1), date(2026, 11, 1)) == (date(2026, 9, 1), date(2026, 10, 1))
    assert previous_period(date(2026, 1, 1), date(2026, 4, 1)) == (date(2025, 10, 1), date(2026, 1, 1))  # a quarter
    assert previous_period(date(2026, 3, 10), date(2026, 3, 24)) == (date(2026, 2, 24), date(2026, 3, 10))  # 14 days


def test_targets_met_counts_only_the_measured():
    assert targets_met([True, None, True]) is True
    assert targets_met([True, False]) is False
    assert targets_met([None, None]) is None and targets_met([]) is None
