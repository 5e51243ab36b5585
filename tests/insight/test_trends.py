"""Mann–Kendall and Sen's slope (SPEC §3.2.3) against published figures and hand-worked numbers.

The published figures are ``shared/data/mk-oracle/expected.json``: R ``trend`` 1.1.6 vignette
("src": "R", printed to 4–7 significant digits) and pymannkendall 1.4.3 outputs ("src": "P" or a
key naming pymannkendall, printed at full double precision). Every figure of every case is
checked, each to the precision it is printed with: |ours − printed| ≤ half a unit of its last
digit (integers exactly).

One exception, stated rather than hidden: pymannkendall computes p = 2·(1 − Φ(|z|)), where the
subtraction from 1 leaves an absolute error of about 2⁻⁵³ ≈ 1.1e-16 — its last printed digits of p
are noise (for Yue & Wang's p ≈ 4.9e-13 already the fourth digit). We compute p = 2·Φ(−|z|) as R
does. For those p-values the test checks (1) that 2·(1 − Φ(our z)) reproduces the printed value to
the last digit — so our z is the published z — and (2) that our p is within 2⁻⁵¹ ≈ 4.4e-16 of
the printed one, the accuracy the published computation has.
"""

import csv
import json
import math
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import numpy as np
import pymannkendall
import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from scipy.stats import kendalltau, norm

from commonground.insight.trends import (
    MannKendall,
    Observation,
    Polarity,
    TrendClass,
    as_observations,
    classify,
    mann_kendall,
    period_position,
    segments,
    series_trend,
    trend,
    variance_s,
)
from commonground.measurement.models import Indicator
from commonground.measurement.periods import parse_period

ORACLE = Path(settings.DATA_DIR) / "mk-oracle"


def column(filename: str, name: str | None = None) -> list[float]:
    """A numeric column of an oracle CSV (the only one, or the one named)."""
    with open(ORACLE / filename, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    index = header.index(name) if name else len(header) - 1
    return [float(row[index]) for row in rows[1:]]


@pytest.fixture(scope="module")
def expected():
    with open(ORACLE / "expected.json", encoding="utf-8") as handle:
        # Decimals keep the printed digits, so each figure's precision is known.
        return json.load(handle, parse_float=Decimal)


def agrees(computed: float, printed) -> bool:
    """|computed − printed| ≤ half a unit in the printed value's last digit."""
    if isinstance(printed, int):
        return computed == printed
    half_unit = Decimal(1).scaleb(printed.as_tuple().exponent) / 2
    return abs(Decimal(repr(float(computed))) - printed) <= half_unit


# case → (data, options, {printed field: our attribute}); every case and field must be here.
FIELDS = {
    "n": "n",
    "S": "s",
    "varS": "var_s",
    "tau": "tau_b",
    "tau_R": "tau_b",
    "Tau": "tau_a",
    "z": "z",
    "p": "p",
    "slope": "slope",
    "sen_slope": "slope",
    "intercept": "intercept",
}
NOT_FIGURES = {"src", "with_ties", "trend", "ci95"}  # "trend" and "ci95" have their own tests

CASES = {
    "maxau_Q_mk_test": (("maxau.csv", "Q"), {}),
    "maxau_s_sens_slope": (("maxau.csv", "s"), {}),
    "births_original_test": (("daily-total-female-births.csv", "Births"), {}),
    "shampoo_hamed_rao": (("shampoo.csv", "Sales"), {"autocorrelation": "hamed_rao"}),
    "shampoo_yue_wang": (("shampoo.csv", "Sales"), {"autocorrelation": "yue_wang"}),
    "shampoo_original_test_computed_by_pymannkendall_1.4.3": (("shampoo.csv", "Sales"), {}),
    "PrecipGL_computed_by_pymannkendall_1.4.3": (("PrecipGL.csv", None), {}),
}
HCB_COLUMNS = ["we", "ka", "mz", "ko", "bh", "bi"]


def oracle_cases(expected):
    """(label, printed figures, our result, printed by pymannkendall?) for every case."""
    for key, printed in expected.items():
        if key == "_note":
            continue
        if key == "hcb_mk_test":
            for name in HCB_COLUMNS:
                yield f"hcb/{name}", printed[name], mann_kendall(column("hcb.csv", name)), False
            continue
        (filename, name), options = CASES[key]
        by_pymannkendall = printed.get("src") != "R"
        yield key, printed, mann_kendall(column(filename, name), **options), by_pymannkendall


def test_every_case_of_the_oracle_is_known(expected):
    assert set(expected) - {"_note"} == {*CASES, "hcb_mk_test"}
    assert set(expected["hcb_mk_test"]) - {"n", "src", "with_ties"} == set(HCB_COLUMNS)


def test_every_figure_agrees_to_its_printed_precision(expected):
    checked = 0
    for label, printed, result, by_pymannkendall in oracle_cases(expected):
        for field, value in printed.items():
            if field in NOT_FIGURES:
                continue
            ours = getattr(result, FIELDS[field])
            if field == "p" and by_pymannkendall:
                continue  # see test_pymannkendall_p_values
            assert agrees(ours, value), f"{label} {field}: ours {ours!r}, printed {value}"
            checked += 1
    # 67 figures here; with the two CI limits, five p-values, hcb n and births "trend" below: 76.
    assert checked == 67


def test_pymannkendall_p_values(expected):
    checked = 0
    for label, printed, result, by_pymannkendall in oracle_cases(expected):
        if not by_pymannkendall:
            continue
        # pymannkendall's own formula, fed our z, gives its printed p to the last digit ...
        assert agrees(2 * (1 - norm.cdf(abs(result.z))), printed["p"]), label
        # ... and our accurate tail is within that formula's own rounding of it.
        assert abs(Decimal(repr(result.p)) - printed["p"]) <= Decimal(2.0**-51), label
        checked += 1
    assert checked == 5


def test_hcb_sample_size_and_ties(expected):
    assert expected["hcb_mk_test"]["n"] == 144
    for name in HCB_COLUMNS:
        values = column("hcb.csv", name)
        result = mann_kendall(values)
        assert result.n == 144
        # Ties lower var S below the untied n(n−1)(2n+5)/18 = 335,088, and tau_b above tau_a.
        assert result.var_s < 144 * 143 * 293 / 18
        assert abs(result.tau_b) > abs(result.tau_a)


def test_sens_slope_confidence_interval_of_maxau(expected):
    printed = expected["maxau_s_sens_slope"]
    low, high = mann_kendall(column("maxau.csv", "s")).slope_ci
    assert agrees(low, printed["ci95"][0])
    assert agrees(high, printed["ci95"][1])


def test_births_trend_is_the_published_increasing(expected):
    assert expected["births_original_test"]["trend"] == "increasing"
    series = column("daily-total-female-births.csv", "Births")
    assert trend(series, Polarity.NEUTRAL).classification == TrendClass.RISING
    assert trend(series, Polarity.HIGHER_BETTER).classification == TrendClass.IMPROVING
    assert trend(series, Polarity.LOWER_BETTER).classification == TrendClass.WORSENING


def test_pymannkendall_itself_reproduces_the_oracle_z(expected):
    # The note says pymannkendall 1.4.3 reproduces every z; it is our reference implementation
    # for the property tests below, so check that claim once.
    births = pymannkendall.original_test(column("daily-total-female-births.csv", "Births"))
    assert agrees(births.z, expected["births_original_test"]["z"])


# --- hand-worked -------------------------------------------------------------------------------


def test_hand_worked_five_points():
    # y = 1, 3, 2, 5, 4 at x = 0..4. Pairs (i<j), sign of y_j − y_i:
    #   1→3 +, 1→2 +, 1→5 +, 1→4 +, 3→2 −, 3→5 +, 3→4 +, 2→5 +, 2→4 +, 5→4 −   S = 8 − 2 = 6
    # var S = 5·4·15/18 = 16.666…; z = (6 − 1)/√16.666… = 1.224744…; p = 2·Φ(−z) = 0.220671…
    # tau_a = tau_b = 6/10 (no ties).
    # Slopes: 2, 0.5, 4/3, 0.75, −1, 1, 1/3, 3, 1, −1 → sorted −1, −1, 1/3, 0.5, 0.75, 1, 1, 4/3,
    # 2, 3 → median (0.75 + 1)/2 = 0.875. CI: C = 1.959964·√16.666… = 8.00152; ranks
    # round((10 − 8.00152)/2) = 1 and round((10 + 8.00152)/2 + 1) = 10 → (−1, 3).
    # Intercept = median(y) − median(x)·slope = 3 − 2·0.875 = 1.25.
    result = mann_kendall([1, 3, 2, 5, 4])
    assert result.n == 5
    assert result.s == 6
    assert result.var_s == pytest.approx(50 / 3, abs=1e-12)
    assert result.z == pytest.approx(5 / math.sqrt(50 / 3), abs=1e-12)
    assert result.z == pytest.approx(1.224744871, abs=1e-9)
    assert result.p == pytest.approx(0.2206713619, abs=1e-9)
    assert result.tau_a == result.tau_b == pytest.approx(0.6)
    assert result.slope == 0.875
    assert result.slope_ci == (-1.0, 3.0)
    assert result.intercept == 1.25
    assert (result.x_median, result.y_median) == (2.0, 3.0)
    assert result.line(6) == pytest.approx(3 + 0.875 * 4)


def test_hand_worked_ties():
    # y = 1, 2, 2, 3, 3, 3: S = 5 (from 1) + 3 + 3 (each 2 below the three 3s) = 11.
    # Ties: one group of 2, one of 3. var S = [6·5·17 − (2·1·9 + 3·2·11)]/18 = (510 − 84)/18
    # = 23.666…; z = 10/√23.666… = 2.055566…
    # tau_a = 11/15. tau_b: 15 pairs, 1 + 3 tied pairs → D = √(11·15), tau_b = 11/√165.
    result = mann_kendall([1, 2, 2, 3, 3, 3])
    assert result.s == 11
    assert result.var_s == pytest.approx(426 / 18, abs=1e-12)
    assert result.z == pytest.approx(10 / math.sqrt(426 / 18), abs=1e-12)
    assert result.tau_a == pytest.approx(11 / 15)
    assert result.tau_b == pytest.approx(11 / math.sqrt(165))
    assert variance_s(6, [2, 3]) == 426 / 18


def test_all_values_equal_is_no_evidence():
    result = mann_kendall([4, 4, 4, 4, 4, 4])
    assert (result.s, result.var_s, result.z, result.p) == (0, 0.0, 0.0, 1.0)
    assert result.tau_b is None  # 0/0 in R
    assert result.slope == 0.0
    assert trend([4] * 6, "higher_better").classification == TrendClass.NO_CLEAR_TREND


def test_without_continuity_correction():
    result = mann_kendall([1, 3, 2, 5, 4], continuity=False)
    assert result.z == pytest.approx(6 / math.sqrt(50 / 3), abs=1e-12)


def test_uneven_positions_give_slopes_per_unit_of_x():
    # Same values, twice the spacing: S and the test are the same, the slope halves.
    even = mann_kendall([(0, 1), (1, 3), (2, 2), (3, 5), (4, 4)])
    spread = mann_kendall([(0, 1), (2, 3), (4, 2), (6, 5), (8, 4)])
    assert (spread.s, spread.z, spread.p) == (even.s, even.z, even.p)
    assert spread.slope == even.slope / 2
    assert spread.slope_ci == (even.slope_ci[0] / 2, even.slope_ci[1] / 2)


def test_censored_values_are_left_out_counted_and_keep_positions():
    series = [(0, 1), (1, 7, True), (2, 3), (3, 2), (4, None), (5, 5), (6, 4)]
    result = trend(series, "higher_better")
    assert (result.n, result.censored, result.missing, result.periods) == (5, 1, 1, 7)
    # The kept values are 1, 3, 2, 5, 4 in that order: S as in the hand-worked example; the 7
    # behind "<7" (or ">7") is never read.
    assert result.test.s == 6
    assert result.test.slope == mann_kendall([(0, 1), (2, 3), (3, 2), (5, 5), (6, 4)]).slope


def test_decimals_and_floats_give_the_same_figures():
    decimals = [Decimal("86.5"), Decimal("87.25"), Decimal("86.75"), Decimal("88"), Decimal("89.5")]
    assert mann_kendall(decimals) == mann_kendall([float(d) for d in decimals])


def test_series_forms():
    assert as_observations([3, None, 4]) == [
        Observation(0.0, 3),
        Observation(1.0, None),
        Observation(2.0, 4),
    ]
    assert as_observations([(2021, 5), (2019, 4, True)]) == [
        Observation(2019.0, 4, True),
        Observation(2021.0, 5),
    ]
    assert as_observations([float("nan")]) == [Observation(0.0, None)]
    with pytest.raises(ValueError, match="same position"):
        as_observations([(1, 2), (1, 3)])
    with pytest.raises(TypeError):
        as_observations([True])
    with pytest.raises(TypeError):
        as_observations(["12"])
    with pytest.raises(ValueError, match="at least 3"):
        mann_kendall([1, 2])


# --- classification ----------------------------------------------------------------------------


def fake_test(s: int, p: float) -> MannKendall:
    return MannKendall(
        n=10,
        s=s,
        var_s=125.0,
        z=0.0,
        p=p,
        tau_a=0.0,
        tau_b=0.0,
        slope=0.0,
        slope_ci=None,
        intercept=0.0,
        x_median=0.0,
        y_median=0.0,
        confidence=0.95,
    )


@pytest.mark.parametrize(
    ("s", "polarity", "expected"),
    [
        (12, "higher_better", TrendClass.IMPROVING),
        (12, "lower_better", TrendClass.WORSENING),
        (12, "neutral", TrendClass.RISING),
        (-12, "higher_better", TrendClass.WORSENING),
        (-12, "lower_better", TrendClass.IMPROVING),
        (-12, "neutral", TrendClass.FALLING),
    ],
)
def test_a_clear_trend_is_judged_by_polarity(s, polarity, expected):
    assert classify(fake_test(s, 0.01), polarity) == expected


def test_p_at_alpha_is_not_clear():
    assert classify(fake_test(12, 0.05), "higher_better") == TrendClass.NO_CLEAR_TREND
    assert classify(fake_test(12, 0.0499999), "higher_better") == TrendClass.IMPROVING
    assert classify(fake_test(12, 0.05), "higher_better", alpha=0.1) == TrendClass.IMPROVING
    assert classify(None, "neutral") == TrendClass.NOT_ENOUGH_DATA
    with pytest.raises(ValueError):
        classify(fake_test(12, 0.01), "up_is_good")


def test_alpha_is_a_parameter():
    # 1..5: S = 10, var S = 16.666…, z = 9/√16.666… = 2.2045, p = 0.02749.
    rising = [1, 2, 3, 4, 5]
    assert trend(rising, "higher_better").test.p == pytest.approx(0.0274863361, abs=1e-9)
    assert trend(rising, "higher_better").classification == TrendClass.IMPROVING
    assert trend(rising, "higher_better", alpha=0.01).classification == TrendClass.NO_CLEAR_TREND


def test_fewer_than_five_values_is_not_enough_data():
    short = trend([1, 2, 3, 4], "higher_better")
    assert short.classification == TrendClass.NOT_ENOUGH_DATA
    assert short.test is None and short.n == 4
    # Five periods of which one is censored: still four values.
    censored = trend([1, 2, 3, 4, (4, 9, True)], "higher_better")
    assert censored.classification == TrendClass.NOT_ENOUGH_DATA
    assert censored.censored == 1
    assert trend([1, 2, 3, 4, 5], "higher_better").enough_data


def test_polarity_values_are_the_indicator_model_values():
    assert set(Polarity.values) == set(Indicator.Polarity.values)


# --- segments ----------------------------------------------------------------------------------


def test_a_break_starts_a_new_segment_at_its_period():
    series = [(year, value) for year, value in zip(range(2010, 2020), range(10), strict=True)]
    parts = segments(series, breaks=[2015])
    assert [(p.start, p.end, p.periods) for p in parts] == [(2010, 2014, 5), (2015, 2019, 5)]


def test_breaks_outside_the_data_do_not_make_segments():
    series = [(year, 1.0) for year in range(2010, 2015)]
    assert len(segments(series, breaks=[2000, 2030])) == 1
    assert segments([], breaks=[2015]) == []


def test_series_trend_reports_the_last_segment_and_knows_the_break():
    # Worse before the break, better after it: the report must show the current method's trend.
    before = [(2010 + i, 50 + 3 * i) for i in range(6)]
    after = [(2016 + i, 80 - 2 * i) for i in range(5)]
    result = series_trend(before + after, "lower_better", breaks=[2016])
    assert result.has_break
    assert [t.classification for t in result.segments] == [
        TrendClass.WORSENING,
        TrendClass.IMPROVING,
    ]
    assert result.classification == TrendClass.IMPROVING
    assert result.periods_run == 5
    assert (result.current.start, result.current.end) == (2016, 2020)
    # Read as one series, the jump at the change of method would read as "worsening".
    assert trend(before + after, "lower_better").classification == TrendClass.WORSENING


def test_a_break_with_too_little_data_after_it():
    series = [(2010 + i, i) for i in range(8)]
    result = series_trend(series, "higher_better", breaks=[2016])
    assert result.has_break
    assert result.classification == TrendClass.NOT_ENOUGH_DATA
    assert result.periods_run == 2
    assert result.segments[0].classification == TrendClass.IMPROVING


def test_periods_run_counts_every_period_of_the_segment():
    series = [(2010, 1), (2011, None), (2012, 3, True), (2013, 4), (2014, 5), (2015, 6)]
    result = series_trend(series, "higher_better")
    assert not result.has_break
    assert result.periods_run == 6
    assert series_trend([], "higher_better").classification == TrendClass.NOT_ENOUGH_DATA
    assert series_trend([], "higher_better").periods_run == 0


# --- period positions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "step"),
    [
        (["2023", "2024", "2025"], 1),
        (["2024Q3", "2024Q4", "2025Q1"], 1),
        (["2024-11", "2024-12", "2025-01"], 1),
        (["SY2023-24", "SY2024-25"], 1),
        (["FY2023", "FY2024"], 1),
        (["2019", "2021"], 2),
    ],
)
def test_consecutive_periods_are_one_apart(codes, step):
    positions = [period_position(parse_period(code)) for code in codes]
    assert [b - a for a, b in pairwise(positions)] == [step] * (len(codes) - 1)


def test_period_positions_by_hand():
    assert period_position(parse_period("2024")) == 2024
    assert period_position(parse_period("2024Q1")) == 2024 * 4
    assert period_position(parse_period("2024-03")) == 2024 * 12 + 2
    # A school year starting in August is read from its first month: still year 2024.
    assert period_position(parse_period("SY2024-25", school_year_start_month=8)) == 2024


# --- properties against pymannkendall and scipy ------------------------------------------------

values = st.lists(
    st.one_of(st.integers(0, 6), st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 3))),
    min_size=3,
    max_size=40,
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(values)
def test_agrees_with_pymannkendall_original_test(series):
    ours = mann_kendall(series)
    theirs = pymannkendall.original_test(series)
    assert ours.s == theirs.s
    assert ours.var_s == pytest.approx(theirs.var_s, rel=1e-12)
    assert ours.tau_a == pytest.approx(theirs.Tau, rel=1e-12)
    if theirs.var_s > 0:
        assert ours.z == pytest.approx(theirs.z, rel=1e-12, abs=1e-15)
        assert ours.p == pytest.approx(theirs.p, abs=1e-15)
    assert ours.slope == pytest.approx(theirs.slope, rel=1e-12, abs=1e-12)
    assert ours.intercept == pytest.approx(theirs.intercept, rel=1e-9, abs=1e-9)


@hypothesis_settings(max_examples=100, deadline=None)
@given(values, st.data())
def test_missing_values_match_pymannkendall_skipping_nans(series, data):
    gaps = data.draw(st.lists(st.integers(0, len(series) - 1), max_size=len(series) // 3))
    with_gaps = [None if i in gaps else v for i, v in enumerate(series)]
    if sum(v is not None for v in with_gaps) < 3:
        return
    ours = mann_kendall(with_gaps)
    theirs = pymannkendall.original_test([np.nan if v is None else v for v in with_gaps])
    assert ours.s == theirs.s
    assert ours.var_s == pytest.approx(theirs.var_s, rel=1e-12)
    assert ours.slope == pytest.approx(theirs.slope, rel=1e-12, abs=1e-12)
    assert ours.intercept == pytest.approx(theirs.intercept, rel=1e-9, abs=1e-9)


@hypothesis_settings(max_examples=100, deadline=None)
@given(values)
def test_tau_b_is_kendalls_tau_b_against_time(series):
    ours = mann_kendall(series)
    if ours.tau_b is None:
        return
    assert ours.tau_b == pytest.approx(kendalltau(range(len(series)), series).statistic, abs=1e-12)


@hypothesis_settings(max_examples=100, deadline=None)
@given(values, st.integers(-50, 50))
def test_mirroring_and_shifting(series, shift):
    ours = mann_kendall(series)
    mirrored = mann_kendall([-v for v in series])
    assert (mirrored.s, mirrored.var_s) == (-ours.s, ours.var_s)
    assert mirrored.z == -ours.z and mirrored.p == ours.p
    assert mirrored.slope == pytest.approx(-ours.slope, abs=1e-9)
    shifted = mann_kendall([v + shift for v in series])
    assert (shifted.s, shifted.z, shifted.p) == (ours.s, ours.z, ours.p)


@hypothesis_settings(max_examples=100, deadline=None)
@given(values)
def test_slope_interval_holds_the_slope(series):
    result = mann_kendall(series)
    if result.slope_ci is not None:
        low, high = result.slope_ci
        assert low <= result.slope <= high
