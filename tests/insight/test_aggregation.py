"""Aggregation rules (SPEC §3.2.1) against hand-worked numbers (habit 8).

The rate example is the graduation rate of the spec's values file: one partner graduated 945 of
1,056 students, another 242 of 316. The initiative's rate is 1,187 of 1,372 = 86.516…%, not the
mean of 89.49% and 76.58% (83.04%).
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonground.insight.aggregation import RULES as KNOWN_RULES
from commonground.insight.aggregation import (
    Aggregate,
    ValueRow,
    aggregate_period,
    aggregate_series,
)
from commonground.measurement.models import Indicator

D = Decimal
HUNDRED = D(100)
ONE = D(1)
RULES = ["sum", "ratio_of_sums", "weighted_mean", "latest", "max", "min", "none"]


def dec(number):
    return None if number is None else D(str(number))


def row(partner, value=None, *, period="2024", num=None, den=None, censored=False):
    return ValueRow(
        partnership_id=partner,
        period=period,
        value=dec(value),
        numerator=dec(num),
        denominator=dec(den),
        censored=censored,
    )


def series(rows, rule="sum", *, cumulative=False, order=None, scale=ONE):
    codes = order or sorted({r.period for r in rows})
    return aggregate_series(
        rows,
        rule=rule,
        scale_factor=scale,
        cumulative=cumulative,
        period_order={code: index for index, code in enumerate(codes)},
    )


# --- ratio of sums ----------------------------------------------------------------------------


def test_ratio_of_sums_is_sum_of_numerators_over_sum_of_denominators():
    rows = [row(1, num=945, den=1056), row(2, num=242, den=316)]
    result = aggregate_period(rows, "ratio_of_sums", HUNDRED)
    assert result.numerator == D(1187)
    assert result.denominator == D(1372)
    assert result.value == D(1187) / D(1372) * HUNDRED
    assert result.value.quantize(D("0.001")) == D("86.516")
    assert (result.reporters, result.censored) == (2, 0)


def test_ratio_of_sums_is_not_the_mean_of_percentages():
    rows = [row(1, num=945, den=1056), row(2, num=242, den=316)]
    mean_of_percentages = (D(945) / D(1056) + D(242) / D(316)) / 2 * HUNDRED
    assert mean_of_percentages.quantize(D("0.001")) == D("83.035")
    result = aggregate_period(rows, "ratio_of_sums", HUNDRED)
    assert result.value - mean_of_percentages > D(3)


def test_a_rate_from_one_reporter_is_its_own_rate():
    result = aggregate_period([row(1, num=945, den=1056)], "ratio_of_sums", HUNDRED)
    assert result.value.quantize(D("0.0001")) == D("89.4886")


def test_ratio_of_sums_uses_the_scale_factor():
    rows = [row(1, num=3, den=4), row(2, num=1, den=4)]
    assert aggregate_period(rows, "ratio_of_sums", ONE).value == D("0.5")
    assert aggregate_period(rows, "ratio_of_sums", HUNDRED).value == D(50)
    assert aggregate_period(rows, "ratio_of_sums", D(1000)).value == D(500)


def test_ratio_of_sums_skips_rows_without_both_parts_without_counting_them_censored():
    rows = [row(1, num=30, den=40), row(2, num=5), row(3, den=50), row(4, value=99)]
    result = aggregate_period(rows, "ratio_of_sums", HUNDRED)
    assert (result.numerator, result.denominator, result.value) == (D(30), D(40), D(75))
    assert (result.reporters, result.censored) == (1, 0)


def test_ratio_of_sums_with_zero_denominators_has_no_value():
    result = aggregate_period([row(1, num=0, den=0)], "ratio_of_sums", HUNDRED)
    assert result.value is None
    assert result.reporters == 1


# --- the other rules --------------------------------------------------------------------------


def test_sum():
    result = aggregate_period([row(1, 10), row(2, 20), row(3, "30.5")], "sum", HUNDRED)
    assert result == Aggregate(value=D("60.5"), reporters=3, censored=0)


def test_weighted_mean_weights_each_value_by_its_denominator():
    # (80 × 100 + 50 × 300) ÷ 400 = 23,000 ÷ 400 = 57.5; the plain mean would be 65.
    rows = [row(1, 80, den=100), row(2, 50, den=300)]
    result = aggregate_period(rows, "weighted_mean", HUNDRED)
    assert result.value == D("57.5")
    assert result.denominator == D(400)
    assert result.reporters == 2


def test_weighted_mean_needs_a_weight():
    rows = [row(1, 80, den=100), row(2, 50)]
    assert aggregate_period(rows, "weighted_mean", ONE).value == D(80)
    assert aggregate_period(rows, "weighted_mean", ONE).reporters == 1
    zero = aggregate_period([row(1, 80, den=0)], "weighted_mean", ONE)
    assert (zero.value, zero.denominator) == (None, None)


def test_max_and_min():
    rows = [row(1, 12), row(2, "-3"), row(3, "12.5"), row(4, 7)]
    assert aggregate_period(rows, "max", ONE) == Aggregate(D("12.5"), 4, 0)
    assert aggregate_period(rows, "min", ONE) == Aggregate(D(-3), 4, 0)


def test_none_counts_the_reporters_but_gives_no_value():
    result = aggregate_period([row(1, 10), row(2, 20), row(3, 5, censored=True)], "none", ONE)
    assert result == Aggregate(value=None, reporters=2, censored=1)


def test_the_scale_factor_only_applies_to_ratio_of_sums():
    rows = [row(1, 10, den=1), row(2, 20, den=1)]
    for rule, expected in [("sum", 30), ("max", 20), ("min", 10), ("weighted_mean", 15)]:
        assert aggregate_period(rows, rule, HUNDRED).value == D(expected)


def test_an_unknown_rule_is_refused_whatever_the_rows():
    with pytest.raises(ValueError, match="median"):
        aggregate_period([row(1, 10)], "median", ONE)
    with pytest.raises(ValueError, match="median"):
        aggregate_period([], "median", ONE)


# --- censored values --------------------------------------------------------------------------


def test_censored_values_are_excluded_from_every_rule_and_counted():
    # A "<10" keeps 10 as its bound; read as a number it would change every result below.
    rows = [row(1, 40, num=40, den=50), row(2, 10, num=10, den=200, censored=True)]
    rows.append(row(3, 20, num=20, den=50))
    expected = {
        "sum": D(60),
        "ratio_of_sums": D(60),  # 60 ÷ 100 × 100, not 70 ÷ 300 × 100
        "weighted_mean": D(30),  # (40 × 50 + 20 × 50) ÷ 100
        "latest": D(60),
        "max": D(40),
        "min": D(20),  # not the censored 10
        "none": None,
    }
    for rule, value in expected.items():
        result = aggregate_period(rows, rule, HUNDRED)
        assert (result.value, result.reporters, result.censored) == (value, 2, 1), rule


def test_only_censored_rows_give_no_value_but_are_counted():
    rows = [row(1, 10, censored=True), row(2, 95, censored=True)]
    for rule in ["sum", "max", "min", "latest", "none"]:
        assert aggregate_period(rows, rule, ONE) == Aggregate(None, 0, 2), rule


def test_ratio_of_sums_excludes_a_censored_rates_denominator_too():
    rows = [row(1, num=945, den=1056), row(2, num=5, den=316, censored=True)]
    result = aggregate_period(rows, "ratio_of_sums", HUNDRED)
    assert (result.numerator, result.denominator) == (D(945), D(1056))
    assert result.censored == 1


# --- empty input ------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_no_rows_give_no_value(rule):
    result = aggregate_period([], rule, HUNDRED)
    assert (result.value, result.reporters, result.censored) == (None, 0, 0)


def test_an_empty_series_is_empty():
    for rule in RULES:
        for cumulative in (False, True):
            assert series([], rule, cumulative=cumulative) == {}


# --- series: period order, cumulative and latest carry-forward --------------------------------


def test_each_period_is_aggregated_on_its_own_without_carry_forward():
    rows = [
        row(1, 10, period="2022"),
        row(2, 5, period="2022"),
        row(1, 25, period="2023"),
        row(2, 12, period="2024"),
    ]
    result = series(rows, "sum")
    assert {code: (a.value, a.reporters) for code, a in result.items()} == {
        "2022": (D(15), 2),
        "2023": (D(25), 1),
        "2024": (D(12), 1),
    }


def test_cumulative_carries_each_reporters_latest_value_into_later_periods():
    # Running totals: partner 1 reports 10 then 25; partner 2 reports 5, skips 2023, then 12.
    rows = [
        row(1, 10, period="2022"),
        row(2, 5, period="2022"),
        row(1, 25, period="2023"),
        row(2, 12, period="2024"),
    ]
    result = series(rows, "sum", cumulative=True)
    assert {code: (a.value, a.reporters) for code, a in result.items()} == {
        "2022": (D(15), 2),  # 10 + 5
        "2023": (D(30), 2),  # 25 + 5 carried
        "2024": (D(37), 2),  # 25 carried + 12
    }


def test_a_reporter_starting_later_joins_from_its_first_period():
    rows = [row(1, 10, period="2022"), row(2, 4, period="2023"), row(1, 11, period="2024")]
    result = series(rows, "sum", cumulative=True)
    assert [(a.value, a.reporters) for a in result.values()] == [
        (D(10), 1),
        (D(14), 2),
        (D(15), 2),
    ]


def test_the_latest_rule_carries_forward_without_the_cumulative_flag():
    rows = [row(1, 10, period="2022"), row(2, 5, period="2022"), row(1, 25, period="2023")]
    result = series(rows, "latest", cumulative=False)
    assert [a.value for a in result.values()] == [D(15), D(30)]


def test_cumulative_rates_carry_numerators_and_denominators():
    rows = [
        row(1, num=945, den=1056, period="SY2018-19"),
        row(2, num=242, den=316, period="SY2018-19"),
        row(1, num=950, den=1000, period="SY2019-20"),
    ]
    result = series(rows, "ratio_of_sums", cumulative=True, scale=HUNDRED)
    later = result["SY2019-20"]
    assert (later.numerator, later.denominator) == (D(1192), D(1316))
    assert later.value == D(1192) / D(1316) * HUNDRED


def test_a_censored_latest_value_replaces_the_earlier_number():
    """The latest report is what stands; if it is censored it is excluded and counted."""
    rows = [
        row(1, 10, period="2022"),
        row(2, 50, period="2022"),
        row(1, 8, period="2023", censored=True),
    ]
    result = series(rows, "sum", cumulative=True)
    assert result["2023"] == Aggregate(value=D(50), reporters=1, censored=1)


def test_periods_follow_the_given_order_not_the_input_or_the_alphabet():
    rows = [
        row(1, 3, period="b"),
        row(1, 1, period="c"),
        row(1, 2, period="a"),
        row(2, 100, period="c"),
    ]
    result = series(rows, "sum", cumulative=True, order=["c", "a", "b"])
    assert list(result) == ["c", "a", "b"]
    # Partner 2 reported only in "c", which comes first, so it is carried into "a" and "b".
    assert [a.value for a in result.values()] == [D(101), D(102), D(103)]


def test_periods_can_be_ordered_by_their_dates():
    from commonground.measurement.periods import parse_period

    codes = ["2024-10", "2024-09", "2024-11"]
    rows = [row(1, i, period=code) for i, code in enumerate(codes, start=1)]
    result = aggregate_series(
        rows,
        rule="latest",
        scale_factor=ONE,
        cumulative=True,
        period_order={code: parse_period(code).start for code in codes},
    )
    assert list(result) == ["2024-09", "2024-10", "2024-11"]
    assert [a.value for a in result.values()] == [D(2), D(1), D(3)]


def test_only_periods_with_a_report_appear_in_the_series():
    rows = [row(1, 1, period="2022"), row(1, 2, period="2024")]
    result = series(rows, "sum", cumulative=True, order=["2022", "2023", "2024"])
    assert list(result) == ["2022", "2024"]


# --- properties -------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**6)


@st.composite
def rate_rows(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    rows = []
    for partner in range(count):
        den = draw(st.integers(min_value=1, max_value=10**6))
        num = draw(st.integers(min_value=0, max_value=den))
        rows.append(row(partner, num=num, den=den))
    return rows


@given(rate_rows(), st.randoms())
def test_ratio_of_sums_is_exact_and_order_independent(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    result = aggregate_period(shuffled, "ratio_of_sums", HUNDRED)
    num = sum(r.numerator for r in rows)
    den = sum(r.denominator for r in rows)
    assert (result.numerator, result.denominator) == (num, den)
    assert result.value == num / den * HUNDRED
    assert D(0) <= result.value <= HUNDRED
    # The pooled rate lies between the lowest and the highest partner's rate.
    rates = [r.numerator / r.denominator * HUNDRED for r in rows]
    assert min(rates) - D("1e-20") <= result.value <= max(rates) + D("1e-20")


@given(st.lists(st.tuples(amounts, st.booleans()), max_size=10))
def test_sum_max_min_ignore_censored_rows(values):
    rows = [row(i, v, censored=c) for i, (v, c) in enumerate(values)]
    shown = [D(v) for v, c in values if not c]
    assert aggregate_period(rows, "sum", ONE).value == (sum(shown) if shown else None)
    assert aggregate_period(rows, "max", ONE).value == (max(shown) if shown else None)
    assert aggregate_period(rows, "min", ONE).value == (min(shown) if shown else None)
    for rule in ["sum", "latest", "max", "min", "none"]:
        result = aggregate_period(rows, rule, ONE)
        assert result.censored == sum(c for _, c in values)
        assert result.reporters + result.censored == len(values)


@given(
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=5),
    st.data(),
)
def test_cumulative_changes_nothing_when_everyone_reports_every_period(partners, periods, data):
    rows = [
        row(p, data.draw(amounts), period=f"{2000 + t}")
        for t in range(periods)
        for p in range(partners)
    ]
    assert series(rows, "sum", cumulative=True) == series(rows, "sum", cumulative=False)


def test_every_aggregation_an_indicator_can_choose_is_a_known_rule():
    assert set(Indicator.Aggregation.values) == KNOWN_RULES == set(RULES)


# --- cells, working groups' rows, geography ---------------------------------------------------

from commonground.insight.aggregation import aggregate_cells, derive_parent_cells  # noqa: E402


def crow(partner, cell, value=None, *, period="2024", num=None, den=None, censored=False):
    return ValueRow(partner, period, dec(value), dec(num), dec(den), censored, cell)


def cells(rows, rule="sum", *, cumulative=False, parents=None, scale=ONE):
    codes = sorted({r.period for r in rows})
    return aggregate_cells(
        rows,
        rule=rule,
        scale_factor=scale,
        cumulative=cumulative,
        period_order={code: index for index, code in enumerate(codes)},
        parents=parents,
    )


def test_every_cell_is_aggregated_over_partners_on_its_own():
    rows = [
        crow(1, "", num=945, den=1056),
        crow(1, "race=black", num=100, den=130),
        crow(2, "", num=242, den=316),
        crow(2, "race=black", num=40, den=60),
        crow(2, "race=white", num=150, den=200),
    ]
    result = cells(rows, "ratio_of_sums", scale=HUNDRED)
    assert set(result) == {("2024", ""), ("2024", "race=black"), ("2024", "race=white")}
    black = result[("2024", "race=black")]
    assert (black.numerator, black.denominator, black.reporters) == (D(140), D(190), 2)
    assert black.value == D(140) / D(190) * HUNDRED
    assert result[("2024", "race=white")].reporters == 1
    assert result[("2024", "")].value == D(1187) / D(1372) * HUNDRED


def test_a_censored_cell_is_left_out_and_counted_in_that_cell_only():
    rows = [crow(1, "race=asian", 5, censored=True), crow(2, "race=asian", 12), crow(1, "", 40)]
    result = cells(rows)
    assert result[("2024", "race=asian")] == Aggregate(D(12), 1, 1)
    assert result[("2024", "")] == Aggregate(D(40), 1, 0)


def test_cumulative_cells_carry_each_reporters_latest_figure_per_cell():
    rows = [
        crow(1, "", 10, period="2022"),
        crow(1, "sex=f", 6, period="2022"),
        crow(2, "sex=f", 3, period="2022"),
        crow(1, "", 15, period="2023"),  # partner 1 reports only its total in 2023
        crow(2, "sex=f", 5, period="2024"),
    ]
    result = cells(rows, cumulative=True)
    assert result[("2023", "")].value == D(15)
    assert result[("2023", "sex=f")] == Aggregate(D(9), 2, 0)  # 6 carried + 3 carried
    assert result[("2024", "sex=f")] == Aggregate(D(11), 2, 0)  # 6 carried + 5 new
    assert result[("2024", "")] == Aggregate(D(15), 1, 0)
    # Not cumulative: only what was reported at each period.
    plain = cells(rows)
    assert plain[("2024", "sex=f")] == Aggregate(D(5), 1, 0)
    assert ("2024", "") not in plain


# Geography: Virginia ⊃ {Albemarle, Charlottesville}; Albemarle ⊃ {Crozet, Scottsville}.
PLACES = {"place": {"albemarle": "va", "cville": "va", "crozet": "albemarle", "scott": "albemarle"}}


def test_a_parent_place_aggregates_its_children_recursively_when_nobody_reported_it():
    rows = [
        crow(1, "place=crozet", num=30, den=40),
        crow(1, "place=scott", num=20, den=40),
        crow(2, "place=cville", num=50, den=100),
        crow(2, "place=crozet", num=10, den=20),
    ]
    result = cells(rows, "ratio_of_sums", parents=PLACES, scale=HUNDRED)
    albemarle = result[("2024", "place=albemarle")]
    # Partner 1: 50 of 80; partner 2: 10 of 20 → 60 of 100, two reporters.
    assert (albemarle.numerator, albemarle.denominator, albemarle.reporters) == (
        D(60),
        D(100),
        2,
    )
    virginia = result[("2024", "place=va")]
    # Partner 1: Albemarle 50/80; partner 2: Charlottesville 50/100 + Albemarle 10/20.
    assert (virginia.numerator, virginia.denominator, virginia.reporters) == (D(110), D(200), 2)
    assert virginia.value == D(55)


def test_a_parent_place_reported_directly_is_taken_as_reported():
    rows = [
        crow(1, "place=albemarle", 100),  # partner 1 reports the county itself...
        crow(1, "place=crozet", 30),  # ...and one of its towns (not all of them)
        crow(2, "place=crozet", 7),
        crow(2, "place=scott", 8),
    ]
    result = cells(rows, parents=PLACES)
    # 100 as reported by partner 1, 7 + 8 built for partner 2; partner 1's Crozet not added.
    assert result[("2024", "place=albemarle")] == Aggregate(D(115), 2, 0)
    assert result[("2024", "place=va")] == Aggregate(D(115), 2, 0)
    assert result[("2024", "place=crozet")] == Aggregate(D(37), 2, 0)


def test_a_censored_child_place_makes_that_reporters_parent_censored():
    rows = [
        crow(1, "place=crozet", 30),
        crow(1, "place=scott", 5, censored=True),
        crow(2, "place=scott", 12),
    ]
    result = cells(rows, parents=PLACES)
    assert result[("2024", "place=albemarle")] == Aggregate(D(12), 1, 1)


def test_geography_with_another_dimension_keeps_the_other_pairs():
    rows = [
        crow(1, "place=crozet;sex=f", 3),
        crow(1, "place=scott;sex=f", 4),
        crow(1, "place=scott;sex=m", 9),
    ]
    result = cells(rows, parents=PLACES)
    assert result[("2024", "place=albemarle;sex=f")].value == D(7)
    assert result[("2024", "place=albemarle;sex=m")].value == D(9)
    assert result[("2024", "place=va;sex=f")].value == D(7)


def test_derived_parents_follow_the_rule():
    children = {
        "place=crozet": crow(1, "place=crozet", 30, den=10),
        "place=scott": crow(1, "place=scott", 10, den=30),
    }
    for rule, expected in [("max", D(30)), ("min", D(10)), ("sum", D(40))]:
        assert derive_parent_cells(children, PLACES, rule)["place=albemarle"].value == expected
    weighted = derive_parent_cells(children, PLACES, "weighted_mean")["place=albemarle"]
    assert (weighted.value, weighted.denominator) == (D(15), D(40))  # (300 + 300) / 40


def test_a_cycle_in_the_hierarchy_does_not_hang():
    cyclic = {"place": {"a": "b", "b": "a"}}
    result = derive_parent_cells({"place=a": crow(1, "place=a", 1)}, cyclic, "sum")
    assert result["place=a"].value == D(1)
