"""Run-chart signals (Anhøj rules, SPEC §3.2.4) against hand-worked examples.

Limits: longest run > round(log₂ n) + 3, crossings < qbinom(0.05, n − 1, ½), n the useful points
(qicharts2 ``runs.analysis``). The table below was worked by hand (the binomial sums are shown for
a few rows) and agrees with the critical values Anhøj & Olesen (2014) tabulate and with the run
length table of Schilling's rule.
"""

import math
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from commonground.insight.runchart import crossings_limit, longest_run_limit, run_chart

# n: (longest-run limit, crossings limit)
LIMITS = {
    # log₂ 10 = 3.32 → 3 + 3 = 6. Binomial(9, ½): 2⁹ = 512; Σ C(9,i) for i ≤ 0, 1, 2 is
    # 1, 10, 46, and 20·46 = 920 ≥ 512 while 20·10 = 200 < 512 → 2.
    10: (6, 2),
    11: (6, 2),
    # log₂ 12 = 3.58 → 4 + 3 = 7. Binomial(11, ½): 2¹¹ = 2048; sums 1, 12, 67, 232;
    # 20·67 = 1340 < 2048 ≤ 20·232 = 4640 → 3.
    12: (7, 3),
    # Binomial(12, ½): 2¹² = 4096; sums 1, 13, 79, 299; 20·79 = 1580 < 4096 ≤ 5980 → 3.
    13: (7, 3),
    14: (7, 4),
    15: (7, 4),
    # log₂ 16 = 4 → 7. Binomial(15, ½): 2¹⁵ = 32768; sums 1, 16, 121, 576, 1941;
    # 20·576 = 11520 < 32768 ≤ 20·1941 = 38820 → 4.
    16: (7, 4),
    17: (7, 5),
    18: (7, 5),
    19: (7, 6),
    20: (7, 6),
    21: (7, 6),
    22: (7, 7),
    # log₂ 23 = 4.52 → 5 + 3 = 8.
    23: (8, 7),
    24: (8, 8),
    25: (8, 8),
    30: (8, 10),
}


@pytest.mark.parametrize(("n", "limits"), LIMITS.items())
def test_limits_by_hand(n, limits):
    assert (longest_run_limit(n), crossings_limit(n)) == limits


def test_crossings_limit_is_the_binomial_quantile_of_qicharts2():
    for n in range(1, 1001):
        assert crossings_limit(n) == int(binom.ppf(0.05, n - 1, 0.5)), n


def test_longest_run_limit_is_schillings_rule():
    for n in range(1, 1001):
        assert longest_run_limit(n) == round(math.log2(n) + 3), n


def test_limits_need_a_useful_point():
    with pytest.raises(ValueError):
        longest_run_limit(0)
    with pytest.raises(ValueError):
        crossings_limit(0)


def test_hand_worked_random_looking_series():
    # 12 values; sorted 2 3 4 5 6 6 7 8 9 10 11 12 → median (6 + 7)/2 = 6.5, nobody on it.
    # Sides: 3− 5− 4− | 8+ 7+ | 6− | 9+ | 2− 6− | 10+ 11+ 12+ → runs 3, 2, 1, 1, 2, 3:
    # longest 3, crossings 5. Limits for 12: 7 and 3 → no signal.
    chart = run_chart([3, 5, 4, 8, 7, 6, 9, 2, 6, 10, 11, 12])
    assert (chart.n, chart.useful, chart.centre) == (12, 12, 6.5)
    assert (chart.longest_run, chart.crossings) == (3, 5)
    assert (chart.longest_run_limit, chart.crossings_limit) == (7, 3)
    assert (chart.long_run, chart.few_crossings, chart.signal) == (False, False, False)


def test_points_on_the_median_neither_break_nor_extend_a_run():
    # 11 values; sorted 1 2 3 4 5 5 5 7 8 8 9 → median 5; three points on it are skipped.
    # Sides: 2− 3− (5) (5) 1− | 8+ 9+ (5) 7+ 8+ | 4− → runs 3, 4, 1: the 5 between 9 and 7 does
    # not break the run of four. Useful 8 → limits round(log₂ 8) + 3 = 6 and, Binomial(7, ½):
    # 2⁷ = 128, sums 1, 8 → 20·8 = 160 ≥ 128 → 1.
    chart = run_chart([2, 3, 5, 5, 1, 8, 9, 5, 7, 8, 4])
    assert (chart.n, chart.useful, chart.centre) == (11, 8, 5.0)
    assert (chart.longest_run, chart.crossings) == (4, 2)
    assert (chart.longest_run_limit, chart.crossings_limit) == (6, 1)
    assert chart.signal is False


def test_a_shift_gives_too_few_crossings():
    # Five low then five high: median 5, runs 5 and 5, one crossing; for 10 useful points the
    # limit is 2 crossings → signal; a run of 5 is within the limit of 6.
    chart = run_chart([1, 1, 1, 1, 1, 9, 9, 9, 9, 9])
    assert (chart.longest_run, chart.crossings) == (5, 1)
    assert chart.few_crossings is True
    assert chart.long_run is False
    assert chart.signal is True


def test_a_long_run_with_plenty_of_crossings():
    # 30 points: nine above, then (below, below, above) six times, then three below — 15 above
    # and 15 below, so the median lies between them and every point is useful.
    # Runs: 9, then 2, 1 six times, then 3 → 14 runs, 13 crossings, longest 9.
    # Limits for 30: round(log₂ 30 = 4.91) + 3 = 8 → a run of 9 is a signal; 13 ≥ 10 crossings.
    sides = [1] * 9 + [-1, -1, 1] * 6 + [-1] * 3
    values = [100 + i if side > 0 else i for i, side in enumerate(sides)]
    chart = run_chart(values)
    assert (chart.useful, chart.longest_run, chart.crossings) == (30, 9, 13)
    assert (chart.longest_run_limit, chart.crossings_limit) == (8, 10)
    assert (chart.long_run, chart.few_crossings, chart.signal) == (True, False, True)


def test_published_example_with_a_fixed_centre_line():
    # Wentzel-Larsen & Anhøj, "Improving tools for quality improvement: crossings, runs and
    # crossrun" (Science Trends, 2019): 13 points, crossings from time 3 to 4, 6 to 7, 7 to 8,
    # 9 to 10 and 10 to 11, longest run 3 — "five crossings, and the longest run is three";
    # for 13 points a signal needs fewer than three crossings (or a run longer than 7), so none.
    # The values are rebuilt from that description: 1 below and 3 above a centre line at 2.
    sides = [-1, -1, -1, 1, 1, 1, -1, 1, 1, -1, 1, 1, 1]
    chart = run_chart([2 + side for side in sides], centre=2)
    assert (chart.useful, chart.crossings, chart.longest_run) == (13, 5, 3)
    assert (chart.crossings_limit, chart.longest_run_limit) == (3, 7)
    assert chart.signal is False


def test_fewer_than_ten_values_get_counts_but_no_verdict():
    # Median 2 (on which one point sits): four below, four above, one crossing.
    chart = run_chart([1, 1, 1, 1, 2, 9, 9, 9, 9])
    assert (chart.n, chart.useful, chart.crossings, chart.longest_run) == (9, 8, 1, 4)
    assert chart.enough_data is False
    assert (chart.long_run, chart.few_crossings, chart.signal) == (None, None, None)
    assert run_chart([1] * 9, min_points=5).enough_data is False  # nothing useful: no verdict


def test_censored_and_missing_values_are_left_out_and_counted():
    series = [3, 5, 4, 8, 7, 6, 9, 2, 6, 10, 11, 12]
    with_gaps = [*series[:4], (4, 7, True), None, *[(i + 6, v) for i, v in enumerate(series[4:])]]
    chart = run_chart(with_gaps)
    assert (chart.n, chart.censored, chart.missing) == (12, 1, 1)
    # The "<7" is never read: everything else is the chart of the twelve values.
    assert chart == replace(run_chart(series), censored=1, missing=1)


def test_only_the_last_segment_is_analysed():
    before = [(i, 100 + i) for i in range(5)]
    after = [(5 + i, v) for i, v in enumerate([3, 5, 4, 8, 7, 6, 9, 2, 6, 10, 11, 12])]
    assert run_chart(before + after, breaks=[5]) == run_chart([v for _, v in after])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60))
def test_counting_properties(values):
    chart = run_chart(values)
    centre = chart.centre
    sides = [1 if v > centre else -1 for v in values if v != centre]
    assert chart.useful == len(sides) == len(values) - values.count(centre)
    changes = sum(a != b for a, b in pairwise(sides))
    assert chart.crossings == changes
    if sides:
        # The longest of crossings + 1 runs covering the useful points is at least their mean.
        assert chart.longest_run >= math.ceil(len(sides) / (chart.crossings + 1))
        assert chart.longest_run <= len(sides)
    assert chart.enough_data == (len(values) >= 10 and bool(sides))
