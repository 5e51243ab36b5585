"""Outliers: the modified z-score against the partner's own approved history."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonground.measurement.models import DataValue, ReviewState, SeriesBreak, Submission
from commonground.measurement.validation import Finding, Registry, Validator, modified_z
from commonground.measurement.validation.findings import WARNING
from commonground.measurement.validation.outliers import load_history, median, segment
from tests.measurement.test_validation_world import (
    ON_TIME,
    PERIOD,
    codes,
    entry,
    v_fixture,  # noqa: F401  (the fixture "v")
)

D = Decimal
pytestmark = pytest.mark.django_db

# Six past values: sorted 98 99 100 100 101 102, so the median is 100; the absolute deviations
# are 0 2 2 1 1 0, sorted 0 0 1 1 2 2, so MAD = 1 and M = 0.6745 · (x − 100).
SERIES = [D(100), D(102), D(98), D(101), D(99), D(100)]


# --- the statistic, by hand ---------------------------------------------------------------------


def test_median():
    assert median([D(3), D(1), D(2)]) == 2
    assert median(SERIES) == 100
    assert median([D(1), D(2)]) == D("1.5")


@pytest.mark.parametrize(
    ("x", "score"),
    [
        (D(130), D("20.2350")),  # 0.6745 × 30 / 1: an outlier
        (D(106), D("4.0470")),  # 0.6745 × 6 = 4.047 > 3.5: an outlier
        (D(105), D("3.3725")),  # 0.6745 × 5 = 3.3725 ≤ 3.5: not one
        (D(100), D(0)),
        (D(94), D("-4.0470")),  # as far below: an outlier too
    ],
)
def test_modified_z_on_a_hand_worked_series(x, score):
    assert modified_z(x, SERIES) == score


def test_when_mad_is_zero_the_mean_absolute_deviation_stands_in():
    """10 10 10 10 12: median 10, MAD 0; mean absolute deviation (0+0+0+0+2)/5 = 0.4.

    M = 0.7979 · (x − 10) / 0.4: for 11.5, 2.992125 (not flagged); for 12, 3.9895 (flagged).
    """
    history = [D(10), D(10), D(10), D(10), D(12)]
    assert modified_z(D("11.5"), history) == D("2.992125")
    assert modified_z(D(12), history) == D("3.9895")


def test_no_score_without_enough_history_or_without_spread():
    assert modified_z(D(1000), SERIES[:4]) is None
    assert modified_z(D(1000), [D(7)] * 8) is None


def test_series_segments():
    assert segment("SY2019-20", []) is None
    assert segment("SY2019-20", ["SY2021-22"]) is None
    assert segment("SY2021-22", ["SY2021-22"]) == "SY2021-22"
    assert segment("2024Q3", ["2023Q1", "2024Q2"]) == "2024Q2"


# --- outlier findings ---------------------------------------------------------------------------


def _validator(v, history):
    return Validator(v.registry, today=ON_TIME, history=history)


def test_an_outlier_is_a_warning_naming_the_usual_value(v):
    validator = _validator(v, {(v.partner.pk, v.complete.pk, "sex=f"): SERIES})
    found = validator.outliers(v.partner, PERIOD, [entry(v.complete, {"sex": "f"}, value=D(130))])
    assert found == [
        Finding(
            "outlier",
            "Children enrolled, Female: the value 130 is far from this partner's usual values "
            "(typically 100 over 6 approved periods). Check it, or explain it in the comment.",
            WARNING,
            "value",
            0,
        )
    ]
    assert (
        validator.outliers(v.partner, PERIOD, [entry(v.complete, {"sex": "f"}, value=D(105))]) == []
    )
    assert codes(
        validator.outliers(v.partner, PERIOD, [entry(v.complete, {"sex": "f"}, value=D(106))])
    ) == ["outlier"]


def test_no_outlier_with_fewer_than_five_past_points(v):
    validator = _validator(v, {(v.partner.pk, v.complete.pk, ""): SERIES[:4]})
    assert validator.outliers(v.partner, PERIOD, [entry(v.complete, value=D(100000))]) == []


def test_only_the_same_partner_indicator_and_cell_count(v):
    history = {(v.partner.pk, v.complete.pk, "sex=f"): SERIES}
    validator = _validator(v, history)
    far = D(500)
    for item in (entry(v.complete, {"sex": "m"}, value=far), entry(v.complete, value=far)):
        assert validator.outliers(v.partner, PERIOD, [item]) == []
    partner_b = v.world.partners["b"]
    assert validator.outliers(partner_b, PERIOD, [entry(v.complete, {"sex": "f"}, value=far)]) == []


def test_censored_yes_no_and_narrative_values_are_not_judged(v):
    history = {
        (v.partner.pk, v.complete.pk, ""): SERIES,
        (v.partner.pk, v.plan.pk, ""): [D(0)] * 4 + [D(1)] * 2,
    }
    validator = _validator(v, history)
    assert (
        validator.outliers(v.partner, PERIOD, [entry(v.complete, value=D(900), censor=">")]) == []
    )
    assert validator.outliers(v.partner, PERIOD, [entry(v.plan, value=D(1))]) == []


def test_entries_with_errors_are_skipped(v):
    validator = _validator(v, {(v.partner.pk, v.complete.pk, ""): SERIES})
    items = [entry(v.complete, value="lots"), entry(v.unassigned, value=D(900))]
    assert validator.outliers(v.partner, PERIOD, items) == []


# --- history from the database ------------------------------------------------------------------


def _approved(v, indicator, period, cell="", partner=None, state=ReviewState.APPROVED, **numbers):
    partner = partner or v.partner
    submission, _created = Submission.objects.get_or_create(
        partnership=partner, period=period, defaults={"status": Submission.Status.APPROVED}
    )
    return DataValue.objects.create(
        submission=submission,
        indicator=indicator,
        partnership=partner,
        period=period,
        cell=cell,
        review_state=state,
        **numbers,
    )


RATES = [(90, "SY2018-19"), (91, "SY2019-20"), (89, "SY2020-21"), (90, "SY2021-22")]
RATES += [(92, "SY2022-23"), (88, "SY2023-24")]


@pytest.fixture
def rate_history(v):
    """Graduation rates 90 91 89 90 92 88 % (of 100): median 90, MAD 1, as SERIES shifted."""
    for numerator, period in RATES:
        _approved(v, v.grad, period, numerator=D(numerator), denominator=D(100))
    # None of these is the partner's approved history of the total:
    _approved(v, v.grad, "SY2017-18", numerator=D(5), denominator=D(100), censor="<")
    _approved(v, v.grad, "SY2016-17", numerator=D(5), denominator=D(100), state="pending")
    _approved(v, v.grad, "SY2016-17", "sex=f", numerator=D(5), denominator=D(100))
    _approved(
        v, v.grad, "SY2016-17", partner=v.world.partners["b"], numerator=D(5), denominator=D(100)
    )
    return v


def test_a_rate_is_compared_as_a_rate_with_history_read_in_one_query(rate_history):
    v = rate_history
    validator = Validator(v.registry, today=ON_TIME)
    low = [entry(v.grad, numerator=D(60), denominator=D(100))]
    with CaptureQueriesContext(connection) as queries:
        found = validator.outliers(v.partner, PERIOD, low)
        validator.outliers(v.partner, PERIOD, low)
    assert len(queries.captured_queries) == 1
    # M = 0.6745 × (60 − 90) / 1 = −20.235.
    assert found == [
        Finding(
            "outlier",
            "Graduation rate: the rate 60 is far from this partner's usual rates (typically 90 "
            "over 6 approved periods). Check it, or explain it in the comment.",
            WARNING,
            "numerator",
            0,
        )
    ]
    # 93 %: M = 0.6745 × 3 = 2.0235.
    assert (
        validator.outliers(v.partner, PERIOD, [entry(v.grad, numerator=D(186), denominator=D(200))])
        == []
    )


def test_load_history_keeps_approved_exact_values_with_their_periods(rate_history):
    v = rate_history
    history = load_history(v.registry, [v.partner.pk])
    assert sorted(history) == [(v.partner.pk, v.grad.pk, ""), (v.partner.pk, v.grad.pk, "sex=f")]
    assert history[(v.partner.pk, v.grad.pk, "sex=f")] == [("SY2016-17", D(5))]
    assert sorted(history[(v.partner.pk, v.grad.pk, "")]) == sorted(
        (period, D(rate)) for rate, period in RATES
    )


def test_the_period_being_checked_is_not_its_own_history(rate_history):
    """A revision of SY2023-24 is compared with the five other years only."""
    v = rate_history
    validator = Validator(v.registry, today=ON_TIME)
    found = validator.outliers(
        v.partner, "SY2023-24", [entry(v.grad, numerator=D(60), denominator=D(100))]
    )
    assert "over 5 approved periods" in found[0].message


def test_history_before_a_series_break_is_another_method(rate_history):
    v = rate_history
    SeriesBreak.objects.create(indicator=v.grad, period="SY2020-21", note="new cohort formula")
    validator = Validator(Registry.load(v.alpha), today=ON_TIME)
    # Since the break: SY2020-21 … SY2023-24, four points — not enough to judge.
    assert (
        validator.outliers(v.partner, PERIOD, [entry(v.grad, numerator=D(1), denominator=D(100))])
        == []
    )
    # A value before the break is judged against the two earlier years only: not enough either.
    assert (
        validator.outliers(
            v.partner, "SY2019-20", [entry(v.grad, numerator=D(1), denominator=D(100))]
        )
        == []
    )


def test_preload_history_reads_many_partners_in_one_query(rate_history):
    v = rate_history
    validator = Validator(v.registry, today=ON_TIME)
    with CaptureQueriesContext(connection) as queries:
        validator.preload_history([v.partner.pk, v.world.partners["b"].pk])
        for partner in (v.partner, v.world.partners["b"]):
            validator.outliers(partner, PERIOD, [entry(v.grad, numerator=D(1), denominator=D(100))])
    assert len(queries.captured_queries) == 1
