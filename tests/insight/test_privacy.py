"""Small-cell suppression (SPEC §3.2.7): nothing public shows a count below k."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonground.insight.aggregation import Aggregate, ValueRow, aggregate_period
from commonground.insight.privacy import is_small

K = 10


def rate(numerator, denominator):
    return Aggregate(
        value=None,
        reporters=1,
        numerator=None if numerator is None else Decimal(numerator),
        denominator=None if denominator is None else Decimal(denominator),
    )


def count(value):
    return Aggregate(value=None if value is None else Decimal(str(value)), reporters=1)


# --- rates: numerator, denominator − numerator and denominator must all reach k -------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "small"),
    [
        (10, 20, False),  # 10 counted, 10 not counted: both exactly k
        (9, 20, True),  # numerator below k
        (11, 20, True),  # only 9 not counted
        (10, 19, True),  # only 9 not counted
        (945, 1056, False),
        (0, 100, True),  # "nobody" is a small count too
        (100, 100, True),  # "everybody": 0 not counted
        (5, 9, True),  # denominator below k
        (0, 0, True),
        (10, 10_000, False),
        (9_990, 10_000, False),
        (9_991, 10_000, True),
    ],
)
def test_rate_boundaries(numerator, denominator, small):
    assert is_small(rate(numerator, denominator), "rate", K) is small


def test_rate_boundaries_in_fractions():
    # Numerators are Decimals; 9.5 people is below 10.
    assert is_small(rate("9.5", 100), "rate", K) is True
    assert is_small(rate("10.0", "20.0"), "rate", K) is False


def test_a_rate_without_its_parts_is_never_shown():
    assert is_small(rate(None, 100), "rate", K) is True
    assert is_small(rate(50, None), "rate", K) is True
    assert is_small(rate(None, None), "rate", K) is True


def test_k_moves_the_boundary():
    assert is_small(rate(5, 10), "rate", 5) is False
    assert is_small(rate(5, 10), "rate", 6) is True
    assert is_small(rate(1, 2), "rate", 1) is False


def test_the_aggregate_of_two_small_partners_can_be_shown():
    rows = [
        ValueRow(1, "2024", None, numerator=Decimal(6), denominator=Decimal(12)),
        ValueRow(2, "2024", None, numerator=Decimal(4), denominator=Decimal(8)),
    ]
    pooled = aggregate_period(rows, "ratio_of_sums", Decimal(100))
    assert (pooled.numerator, pooled.denominator) == (Decimal(10), Decimal(20))
    assert is_small(pooled, "rate", K) is False
    assert is_small(aggregate_period(rows[:1], "ratio_of_sums", Decimal(100)), "rate", K)


# --- counts: 0 < value < k is withheld --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "small"),
    [
        (0, False),  # zero is shown
        ("0.5", True),
        (1, True),
        (9, True),
        ("9.999", True),
        (10, False),  # k itself is shown
        (11, False),
        (1_000_000, False),
        (None, False),  # nothing to show, nothing to withhold
    ],
)
def test_count_boundaries(value, small):
    assert is_small(count(value), "count", K) is small


@pytest.mark.parametrize("value_type", ["mean", "amount", "score", "yes_no", "narrative"])
def test_other_value_types_are_not_counts_of_people(value_type):
    assert is_small(count(3), value_type, K) is False
    assert is_small(rate(1, 2), value_type, K) is False


# --- properties -------------------------------------------------------------------------------


@given(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=1, max_value=50),
)
def test_a_rate_is_shown_exactly_when_both_groups_reach_k(numerator, others, k):
    denominator = numerator + others
    assert is_small(rate(numerator, denominator), "rate", k) is (numerator < k or others < k)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=100))
def test_a_count_is_shown_exactly_when_zero_or_at_least_k(value, k):
    assert is_small(count(value), "count", k) is (0 < value < k)
