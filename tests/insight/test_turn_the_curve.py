"""Turn the curve (SPEC §3.2.5): the forecast, "beats the forecast?" and the scorecard columns.

Every number below is worked by hand in the comments.
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonground.insight.trends import TrendClass, series_trend
from commonground.insight.turn_the_curve import (
    as_decimal,
    beats_forecast,
    change_since_baseline,
    forecast,
    percent_of_target,
    scorecard_row,
    variance_from_target,
)

D = Decimal

# y = 10, 12, 11, 15, 14 at x = 0..4.
# Pairwise slopes (y_j − y_i)/(j − i): 2, 0.5, 5/3, 1, −1, 1.5, 2/3, 4, 1.5, −1
# sorted: −1, −1, 0.5, 2/3, 1, 1.5, 1.5, 5/3, 2, 4 → Sen's slope (1 + 1.5)/2 = 1.25.
# No ties: var S = 5·4·15/18 = 16.67, C = 1.96·4.08 = 8.0015 → ranks 1 and 10 → CI (−1, 4).
# Median point (x_med, y_med) = (2, 12).
HISTORY = [10, 12, 11, 15, 14]


def test_forecast_by_hand():
    one, two = forecast(HISTORY, horizon=2)
    # One period ahead (x = 5, three from the median point): 12 + 1.25·3 = 15.75,
    # interval 12 − 1·3 = 9 to 12 + 4·3 = 24.
    assert (one.x, one.periods_ahead) == (5.0, 1.0)
    assert (one.value, one.low, one.high) == (15.75, 9.0, 24.0)
    # Two ahead (x = 6): 12 + 1.25·4 = 17, interval 8 to 28.
    assert (two.x, two.periods_ahead) == (6.0, 2.0)
    assert (two.value, two.low, two.high) == (17.0, 8.0, 28.0)
    assert one.basis.slope == 1.25 and one.basis.slope_ci == (-1.0, 4.0)


def test_forecast_follows_the_periods_given():
    # The same values every other year from 2010: the slope is per year (0.625) and the next
    # forecast is for 2020, the next position after 2018 when stepping one year.
    (one,) = forecast([(2010 + 2 * i, v) for i, v in enumerate(HISTORY)])
    assert one.x == 2019.0
    # y_med + slope·(x − x_med) = 12 + 0.625·(2019 − 2014)
    assert one.value == 12 + 0.625 * 5
    (biennial,) = forecast([(2010 + 2 * i, v) for i, v in enumerate(HISTORY)], step=2)
    assert biennial.x == 2020.0 and biennial.value == 15.75


def test_a_falling_slope_orders_the_interval():
    (one,) = forecast([-v for v in HISTORY])
    assert (one.value, one.low, one.high) == (-15.75, -24.0, -9.0)


def test_forecast_uses_only_the_last_segment_and_needs_five_values():
    earlier = [(i, 100.0) for i in range(-5, 0)]
    assert forecast(earlier + list(enumerate(HISTORY)), breaks=[0]) == forecast(HISTORY)
    assert forecast(HISTORY[:4]) == []
    assert forecast([*HISTORY[:4], (4, 14, True)]) == []  # a censored value is no value
    assert forecast([]) == []


def test_the_latest_value_against_the_forecast_made_without_it():
    # History as above, then 17 at x = 5: the forecast for x = 5 was 15.75 (9 to 24).
    check = beats_forecast([*HISTORY, 17], "higher_better")
    assert (check.x, check.actual) == (5.0, 17.0)
    assert check.forecast.value == 15.75
    assert check.difference == 1.25
    assert check.beats is True
    assert check.position == "within"
    assert beats_forecast([*HISTORY, 17], "lower_better").beats is False
    assert beats_forecast([*HISTORY, 17], "neutral").beats is None
    assert beats_forecast([*HISTORY, 30], "higher_better").position == "above"
    assert beats_forecast([*HISTORY, 5], "lower_better").position == "below"


def test_a_value_on_the_forecast_does_not_beat_it():
    check = beats_forecast([*HISTORY, 15.75], "higher_better")
    assert check.difference == 0 and check.beats is False
    assert beats_forecast([*HISTORY, 15.75], "lower_better").beats is False


def test_no_verdict_without_a_latest_value_or_enough_history():
    censored = beats_forecast([*HISTORY, (5, 20, True)], "higher_better")
    assert censored.actual is None and censored.beats is None
    assert censored.forecast.value == 15.75  # the forecast is still drawn
    short = beats_forecast([*HISTORY[1:], 17], "higher_better")
    assert short.forecast is None and short.beats is None and short.actual == 17.0
    empty = beats_forecast([], "higher_better")
    assert (empty.x, empty.actual, empty.forecast, empty.beats) == (None, None, None, None)


def test_a_latest_value_that_opens_a_new_segment_has_no_forecast():
    series = [*enumerate(HISTORY), (5, 40)]
    assert beats_forecast(series, "higher_better", breaks=[5]).forecast is None
    # With the break earlier, the history of the segment is what counts.
    check = beats_forecast([(-1, 500), *series], "higher_better", breaks=[0])
    assert check.forecast.value == 15.75


# --- scorecard columns -------------------------------------------------------------------------


def test_scorecard_formulas_by_hand():
    # A = 45, T = 60, B = 40: 45/60 × 100 = 75; (45 − 60)/60 = −0.25; (45 − 40)/40 = 0.125.
    assert percent_of_target(45, 60) == D(75)
    assert variance_from_target(45, 60) == D("-0.25")
    assert change_since_baseline(45, 40) == D("0.125")


def test_scorecard_with_the_graduation_rate():
    # Graduation 86.5 % against a target of 90 %, baseline 81.2 %:
    # 86.5/90 × 100 = 96.111…; (86.5 − 90)/90 = −3.5/90 = −0.03888…; (86.5 − 81.2)/81.2
    # = 5.3/81.2 = 0.065270935960591133…
    assert percent_of_target(D("86.5"), D("90")) == D("96.11111111111111111111111111")
    assert variance_from_target(D("86.5"), D("90")) == D("-0.03888888888888888888888888889")
    assert change_since_baseline(D("86.5"), D("81.2")) == D("0.06527093596059113300492610837")


def test_scorecard_exact_against_fractions():
    # 28 significant digits, rounded half to even: compare with the exact fraction.
    value = percent_of_target(1, 3)
    assert abs(Fraction(value) - Fraction(100, 3)) < Fraction(1, 10**26)


@pytest.mark.parametrize(
    ("actual", "other"),
    [(None, 60), (45, None), (None, None), (45, 0), (D("45"), D("0.0"))],
)
def test_missing_figures_or_zero_divisors_give_none(actual, other):
    assert percent_of_target(actual, other) is None
    assert variance_from_target(actual, other) is None
    assert change_since_baseline(actual, other) is None


def test_zero_actual_is_a_figure():
    assert percent_of_target(0, 50) == 0
    assert variance_from_target(0, 50) == -1
    assert change_since_baseline(0, 50) == -1


def test_floats_are_read_as_written():
    assert as_decimal(0.1) == D("0.1")
    assert percent_of_target(0.1, 0.4) == D(25)
    with pytest.raises(TypeError):
        as_decimal(True)


def test_scorecard_row_with_the_current_trend():
    # 2015–2019 rising, a break in 2020 (new test), 2020–2025 rising again: the current trend
    # is the last segment's, which has run six periods.
    series = [(2015 + i, 70 + i) for i in range(5)] + [(2020 + i, 60 + 2 * i) for i in range(6)]
    trend = series_trend(series, "higher_better", breaks=[2020])
    row = scorecard_row(actual=D("70"), target=D("80"), baseline=D("62"), trend=trend)
    assert row.percent_of_target == D("87.5")
    assert row.variance_from_target == D("-0.125")
    assert row.change_since_baseline == D("0.1290322580645161290322580645")  # 8/62
    assert row.current_trend == TrendClass.IMPROVING
    assert row.periods_run == 6
    assert row.has_break is True
    empty = scorecard_row(actual=None, target=None, baseline=None, trend=None)
    assert empty.current_trend == TrendClass.NOT_ENOUGH_DATA
    assert (empty.periods_run, empty.has_break, empty.percent_of_target) == (0, False, None)


amounts = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)


@given(amounts, amounts.filter(lambda t: t != 0))
def test_percent_and_variance_say_the_same(actual, target):
    # A/T × 100 = (1 + (A − T)/T) × 100, exactly in fractions up to the 28-digit rounding.
    percent = Fraction(percent_of_target(actual, target))
    variance = Fraction(variance_from_target(actual, target))
    tolerance = (abs(Fraction(actual) / Fraction(target)) + 1) * Fraction(1, 10**24)
    assert abs(percent - (1 + variance) * 100) <= tolerance


@given(amounts, amounts.filter(lambda b: b > 0))
def test_change_since_baseline_has_the_sign_of_the_change(actual, baseline):
    change = change_since_baseline(actual, baseline)
    assert (change > 0) == (actual > baseline)
    assert (change == 0) == (actual == baseline)
