"""Equity gaps, their trends and the report card's headline shares (SPEC §3.2.6)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonground.insight.equity import (
    GapTrend,
    Share,
    equity,
    share_of_gaps_closing,
    share_of_outcomes_improving,
)
from commonground.insight.trends import TrendClass, series_trend, trend

D = Decimal
YEARS = range(2018, 2025)


def by_year(*values):
    return [(year, None if v is None else D(str(v))) for year, v in zip(YEARS, values, strict=True)]


# On-time graduation (%), by race, 2018–2024.
GRADUATION = {
    "white": by_year(90, 90.5, 91, 91.2, 91.8, 92, 92.1),
    # Gap to white 12, 11, 10.5, 9.2, 8.8, 8, 7.1: falls every year → S = −21 of 21 pairs,
    # var S = 7·6·19/18 = 44.33, z = −20/6.658 = −3.004, p = 0.0027 → closing.
    "black": by_year(78, 79.5, 80.5, 82, 83, 84, 85),
    # Flat at 86 while white rises: gap 4, 4.5, 5, 5.2, 5.8, 6, 6.1 → widening.
    "hispanic": by_year(86, 86, 86, 86, 86, 86, 86),
    # Above white by 5, 1.5, 5, 1.8, 3.2, 2, 3.4: S = −5 + 5 − 4 + 3 + 0 + 1 = 0 → no clear trend.
    "asian": by_year(95, 92, 96, 93, 95, 94, 95.5),
    # Only three years published.
    "pacific": by_year(None, None, None, None, 70, 71, 73),
}


def test_best_off_group_is_the_default_reference():
    result = equity(GRADUATION, polarity="higher_better")
    assert result.at == 2024
    assert (result.reference, result.reference_value) == ("asian", D("95.5"))
    gaps = {gap.group: gap for gap in result.gaps}
    assert gaps["asian"].is_reference and gaps["asian"].difference is None
    # 92.1 − 95.5 = −3.4; 92.1 / 95.5 = 0.96439790575916…
    assert gaps["white"].difference == D("-3.4")
    assert gaps["white"].ratio == D("0.9643979057591623036649214660")
    # 85 − 95.5 = −10.5; 85 / 95.5 = 0.890052356…
    assert gaps["black"].difference == D("-10.5")
    assert gaps["black"].ratio == D("0.8900523560209424083769633508")


def test_lower_is_better_picks_the_lowest_group():
    absent = {"a": by_year(10, 10, 10, 10, 10, 10, 12), "b": by_year(9, 9, 9, 9, 9, 9, 8)}
    result = equity(absent, polarity="lower_better")
    assert result.reference == "b"
    (gap_a,) = [g for g in result.gaps if g.group == "a"]
    assert (gap_a.difference, gap_a.ratio) == (D(4), D("1.5"))


def test_gap_trends_against_a_named_reference():
    result = equity(GRADUATION, polarity="higher_better", reference="white")
    trends = {gap.group: gap.trend for gap in result.gaps}
    assert trends == {
        "white": None,
        "black": GapTrend.CLOSING,
        "hispanic": GapTrend.WIDENING,
        "asian": GapTrend.NO_CLEAR_TREND,
        "pacific": GapTrend.NOT_ENOUGH_DATA,
    }
    black = next(g for g in result.gaps if g.group == "black")
    test = black.gap_trend.current.test
    assert (test.n, test.s) == (7, -21)
    assert test.var_s == pytest.approx(7 * 6 * 19 / 18)
    assert test.p == pytest.approx(0.002666, abs=1e-6)
    assert black.difference == D("-7.1") and black.ratio == D("85") / D("92.1")


def test_a_group_overtaking_the_reference_is_judged_on_the_absolute_gap():
    # The gap changes sign: −3, −2, −1, 0, 1, 2, 3 → |gap| 3, 2, 1, 0, 1, 2, 3: no clear trend.
    groups = {
        "ref": by_year(50, 50, 50, 50, 50, 50, 50),
        "other": by_year(47, 48, 49, 50, 51, 52, 53),
    }
    result = equity(groups, polarity="higher_better", reference="ref")
    assert result.gaps[1].trend == GapTrend.NO_CLEAR_TREND


def test_censored_values_leave_periods_out_of_the_gap_trend():
    groups = {
        "ref": by_year(90, 90.5, 91, 91.2, 91.8, 92, 92.1),
        "small": [
            (2018, D(78)),
            (2019, D(80), True),
            (2020, D("80.5")),
            (2021, D(82)),
            (2022, D(83)),
            (2023, D(84)),
            (2024, D(85)),
        ],
    }
    result = equity(groups, polarity="higher_better", reference="ref")
    gap = result.gaps[1]
    assert gap.censored_periods == 1
    assert gap.gap_trend.current.n == 6
    assert gap.trend == GapTrend.CLOSING
    # Censored at the period read: no value, no gap, but the trend still stands.
    latest_censored = {**groups, "small": [*groups["small"][:-1], (2024, D(9), True)]}
    gap = equity(latest_censored, polarity="higher_better", reference="ref").gaps[1]
    assert (gap.value, gap.difference, gap.ratio) == (None, None, None)
    assert gap.trend == GapTrend.CLOSING


def test_breaks_split_the_gap_series():
    result = equity(GRADUATION, polarity="higher_better", reference="white", breaks=[2021])
    black = next(g for g in result.gaps if g.group == "black")
    assert black.gap_trend.has_break
    assert black.trend == GapTrend.NOT_ENOUGH_DATA  # 2021–2024 is four periods


def test_neutral_indicators_need_a_named_reference():
    result = equity(GRADUATION, polarity="neutral")
    assert result.reference is None
    assert all(g.difference is None and g.trend is None for g in result.gaps)
    named = equity(GRADUATION, polarity="neutral", reference="white")
    assert named.reference == "white"
    assert next(g for g in named.gaps if g.group == "black").trend == GapTrend.CLOSING


def test_ties_for_best_off_go_to_the_group_listed_first():
    groups = {"b": [(2024, D(90))], "a": [(2024, D(90))], "c": [(2024, D(80))]}
    assert equity(groups, polarity="higher_better").reference == "b"


def test_a_reference_of_zero_has_no_ratio():
    groups = {"ref": [(2024, D(0))], "other": [(2024, D(3))]}
    result = equity(groups, polarity="lower_better")
    assert result.reference == "ref"
    assert (result.gaps[1].difference, result.gaps[1].ratio) == (D(3), None)


def test_reading_an_earlier_period():
    result = equity(GRADUATION, polarity="higher_better", at=2018)
    assert (result.at, result.reference, result.reference_value) == (2018, "asian", D(95))
    pacific = next(g for g in result.gaps if g.group == "pacific")
    assert (pacific.value, pacific.difference) == (None, None)


def test_unknown_reference_is_an_error():
    with pytest.raises(ValueError, match="reference"):
        equity(GRADUATION, polarity="higher_better", reference="martian")


def test_no_data_at_all():
    result = equity({}, polarity="higher_better")
    assert (result.at, result.reference, result.gaps) == (None, None, ())


# --- headlines ---------------------------------------------------------------------------------


def test_share_of_outcomes_improving():
    rising, falling, flat = [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], [3, 1, 3, 1, 3, 1]
    trends = [
        trend(rising, "higher_better"),  # improving
        trend(falling, "higher_better"),  # worsening
        trend(rising, "lower_better"),  # worsening
        trend(falling, "lower_better"),  # improving
        trend(flat, "higher_better"),  # no clear trend
        trend([1, 2, 3], "higher_better"),  # not enough data: not counted
        trend(rising, "neutral"),  # rising: no judgement, not counted
        series_trend(rising, "higher_better"),  # a SeriesTrend counts by its current segment
    ]
    assert [t.classification for t in trends[:5]] == [
        TrendClass.IMPROVING,
        TrendClass.WORSENING,
        TrendClass.WORSENING,
        TrendClass.IMPROVING,
        TrendClass.NO_CLEAR_TREND,
    ]
    share = share_of_outcomes_improving(trends)
    assert (share.numerator, share.denominator) == (3, 6)
    assert share.share == 0.5


def test_share_of_gaps_closing():
    result = equity(GRADUATION, polarity="higher_better", reference="white")
    # closing, widening, no clear trend count; not enough data and the reference do not.
    share = share_of_gaps_closing(result.gaps)
    assert (share.numerator, share.denominator) == (1, 3)
    assert share.share == pytest.approx(1 / 3)
    assert share_of_gaps_closing(["closing", "closing", "widening", None]) == Share(2, 3)


def test_strives_headline_and_an_empty_one():
    assert Share(34, 53).share == pytest.approx(0.6415, abs=1e-4)
    assert Share(0, 0).share is None
    assert share_of_outcomes_improving([]) == Share(0, 0)


@given(
    st.lists(
        st.sampled_from(["closing", "widening", "no_clear_trend", "not_enough_data", None]),
        max_size=30,
    )
)
def test_gap_share_counts(verdicts):
    share = share_of_gaps_closing(verdicts)
    assert share.numerator == verdicts.count("closing")
    assert share.denominator == len(verdicts) - verdicts.count("not_enough_data") - verdicts.count(
        None
    )
