"""Service credit clauses read into rules, and the amounts they earn, against amounts worked out by hand."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.parsing import credits
from bot.parsing.credits import CreditRule, Miss, Money, NotComputable, Per

GBP12K = Money(D(12000), "GBP")


@pytest.mark.parametrize("clause, rule", [
    ("5% of the monthly charge per 0.1% under", CreditRule(amount=credits.Amount(percent=D(5)), per=Per.SHORTFALL,
                                                            step=D("0.1"))),
    ("10% of the monthly charge", CreditRule(amount=credits.Amount(percent=D(10)))),
    ("£500 per breach", CreditRule(amount=credits.Amount(money=Money(D(500), "GBP")), per=Per.BREACH)),
    ("2% of the monthly charge per hour over", CreditRule(amount=credits.Amount(percent=D(2)), per=Per.HOUR_OVER)),
    ("500 EUR per breach, capped at 20% of the monthly charge",
     CreditRule(amount=credits.Amount(money=Money(D(500), "EUR")), per=Per.BREACH, cap=credits.Amount(percent=D(20)))),
    ("  5 %  OF THE MONTHLY FEE for each 0.5% below the goal.", CreditRule(amount=credits.Amount(percent=D(5)),
                                                                          per=Per.SHORTFALL, step=D("0.5"))),
    ("none", CreditRule(none=True)),
    ("", CreditRule(none=True)),
    (None, CreditRule(none=True)),
])
def test_the_stated_forms_compute(clause, rule):
    assert credits.parse_credit(clause) == rule


@pytest.mark.parametrize("clause", [
    "5% per 0.1% under",                       # of what?
    "as agreed at the review",
    "£500 per breach, capped at a fair amount",
    "0% of the monthly charge",
    "5% of the monthly charge per 0% under",
    "5% of the annual charge",
    "£500 per fortnight",
    "x" * 400,
])
def test_anything_else_stays_words(clause):
    assert credits.parse_credit(clause) == NotComputable(clause)
    credit = credits.compute(credits.parse_credit(clause), GBP12K, [Miss(D(95), D(90))])
    assert credit.money is None and credit.why == f"not computable: {clause}"


def test_hand_computed_amounts():
    # 99.9% goal, 99.75% achieved: 0.15 points under, 1.5 steps of 0.1 -> 1.5 x 5% x 12,000 = 900
    shortfall = credits.compute(credits.parse_credit("5% of the monthly charge per 0.1% under"), GBP12K,
                                [Miss(D("99.9"), D("99.75"))])
    assert shortfall.money == Money(D("900.00"), "GBP")
    assert shortfall.working == "£600.00 × 0.15% under / 0.1% = £900.00"
    # once per missed period: two missed months of a quarter -> 2 x 10% x 12,000
    flat = credits.compute(credits.parse_credit("10% of the monthly charge"), GBP12K,
                           [Miss(D(95), D(90)), Miss(D(95), D(94))])
    assert flat.money == Money(D("2400.00"), "GBP")
    # three missed tickets
    per_breach = credits.compute(credits.parse_credit("£500 per breach"), None, [Miss(D(95), D(70), breaches=3)])
    assert per_breach.money == Money(D("1500.00"), "GBP") and str(per_breach.money) == "£1,500.00"
    # 2.5 hours over at 2% of 12,000 (240 an hour) = 600
    hours = credits.compute(credits.parse_credit("2% of the monthly charge per hour over"), GBP12K,
                            [Miss(D("99.9"), D("99.2"), hours_over=D("2.5"))])
    assert hours.money == Money(D("600.00"), "GBP")
    # 9 breaches x 500 = 4,500, capped at 20% of 12,000 = 2,400
    capped = credits.compute(credits.parse_credit("500 GBP per breach, capped at 20% of the monthly charge"), GBP12K,
                             [Miss(D(95), D(10), breaches=9)])
    assert capped.money == Money(D("2400.00"), "GBP") and "capped at" in capped.working


def test_what_cannot_be_reckoned_is_said_not_guessed():
    rule = credits.parse_credit("10% of the monthly charge")
    assert credits.compute(rule, None, [Miss(D(95), D(90))]).why == "not computable: no monthly charge stated"
    hours = credits.compute(credits.parse_credit("2% of the monthly charge per hour over"), GBP12K,
                            [Miss(D(95), D(90), hours_over=None)])
    assert hours.money is None and "hours over are not measured" in hours.why
    assert credits.compute(credits.parse_credit("none"), GBP12K, [Miss(D(95), D(90))]).why == "no service credit"
    assert credits.compute(rule, GBP12K, []).why == "nothing missed"


@pytest.mark.parametrize("text, charge", [
    ("£12,000 per month", Money(D(12000), "GBP")),
    ("GBP 12,000 monthly", Money(D(12000), "GBP")),
    ("12k EUR a month", Money(D(12000), "EUR")),
    ("The customer pays $8,500.50 per month, invoiced quarterly.", Money(D("8500.5"), "USD")),
    ("£12,000", None),                          # per what?
    ("", None),
    ("£5 per month, rising to £6 per month", None),  # which one?
])
def test_the_monthly_charge(text, charge):
    assert credits.parse_monthly_charge(text) == charge


amounts = st.one_of(
    st.builds(lambda p: credits.Amount(percent=p), st.decimals("0.1", "100", places=1)),
    st.builds(lambda a, c: credits.Amount(money=Money(a, c)), st.decimals("1", "100000", places=2),
              st.sampled_from(["GBP", "EUR", "USD", "CHF"])))
rules = st.builds(
    lambda amount, per, step, cap: CreditRule(amount=amount, per=per, step=step if per == Per.SHORTFALL else None,
                                              cap=cap),
    amounts, st.sampled_from(list(Per)), st.decimals("0.01", "5", places=2), st.none() | amounts,
).filter(lambda r: not (r.cap and r.cap.money and r.amount.money and r.cap.money.currency != r.amount.money.currency))


@given(rules)
def test_a_rule_reads_back_from_its_own_words(rule):
    assert credits.parse_credit(str(rule)) == rule


@given(st.decimals("0.1", "50", places=1), st.decimals("0.05", "1", places=2), st.decimals("90", "100", places=3),
       st.decimals("1", "100", places=3), st.integers(100, 10**6))
def test_a_shortfall_credit_is_proportional_and_never_negative(percent, step, goal, achieved, charge):
    rule = CreditRule(amount=credits.Amount(percent=percent), per=Per.SHORTFALL, step=step)
    money = credits.compute(rule, Money(D(charge), "GBP"), [Miss(goal, achieved)]).money
    expected = D(charge) * percent / 100 * max(goal - achieved, D(0)) / step
    assert money.amount >= 0 and abs(money.amount - expected) <= D("0.005")
