"""Timing: a period is reported once it is over, is late after its due date, locks on submit."""

from datetime import date
from decimal import Decimal

import pytest

from commonground.measurement.models import ReportingAssignment, Submission
from commonground.measurement.validation import Finding, Registry, Validator
from commonground.measurement.validation.findings import ERROR, WARNING
from tests.measurement.test_validation_world import (
    codes,
    entry,
    v_fixture,  # noqa: F401  (the fixture "v")
)

D = Decimal
Status = Submission.Status
pytestmark = pytest.mark.django_db


def timing(v, today, submission=None, entries=None):
    validator = Validator(v.registry, today=today, history={})
    return validator.check_timing(submission or v.submission, entries)


def test_a_period_can_be_reported_from_the_day_after_it_ends(v):
    """SY2024-25 runs 1 July 2024 – 30 June 2025 (school years start in July)."""
    assert timing(v, date(2025, 6, 30)) == [
        Finding(
            "period_not_ended",
            "The period SY2024-25 is not over yet: its data can be reported from 1 July 2025.",
            ERROR,
            "period",
        )
    ]
    assert codes(timing(v, date(2024, 9, 1))) == ["period_not_ended"]
    assert timing(v, date(2025, 7, 1)) == []


def test_a_report_is_late_the_day_after_its_due_date_and_still_accepted(v):
    """Due 30 days after 30 June 2025: on 30 July it is on time, on 31 July late (a warning)."""
    assert timing(v, date(2025, 7, 30)) == []
    assert timing(v, date(2025, 7, 31)) == [
        Finding(
            "late",
            "The SY2024-25 report was due on 30 July 2025: it is late, but the data is still "
            "accepted.",
            WARNING,
            "period",
        )
    ]


def test_the_deadlines_of_the_indicators_being_saved_count(v):
    """Graduation rate is due 10 days after the period; the reading score 30 days."""
    ReportingAssignment.objects.filter(indicator=v.grad).update(deadline_days=10)
    v.registry = Registry.load(v.alpha)
    on_11_july = date(2025, 7, 11)
    assert codes(timing(v, on_11_july)) == ["late"]  # the earliest due date of the report
    grad = [entry(v.grad, numerator=D(1), denominator=D(2))]
    assert "due on 10 July 2025" in timing(v, on_11_july, entries=grad)[0].message
    assert timing(v, on_11_july, entries=[entry(v.score, value=D(5))]) == []
    # Indicators reported through a working group are due by the indicator's own deadline.
    assert timing(v, on_11_july, entries=[entry(v.served, value=D(5))]) == []


@pytest.mark.parametrize(
    ("status", "locked"),
    [
        (Status.DRAFT, False),
        (Status.RETURNED, False),
        (Status.REOPENED, False),
        (Status.SUBMITTED, True),
        (Status.APPROVED, True),
    ],
)
def test_a_submitted_or_approved_report_is_locked(v, status, locked):
    v.submission.status = status
    found = timing(v, date(2025, 7, 10))
    if locked:
        assert found == [
            Finding(
                "submission_locked",
                f"The SY2024-25 report is {status.label.lower()}: it cannot be changed now.",
                ERROR,
            )
        ]
    else:
        assert found == []


def test_a_quarter_and_a_bad_period(v):
    quarter = Submission.objects.create(partnership=v.partner, period="2025Q2")
    assert codes(timing(v, date(2025, 6, 30), quarter)) == ["period_not_ended"]
    assert timing(v, date(2025, 7, 1), quarter) == []
    # The visits are due 30 days after the quarter ends, 30 July.
    assert codes(timing(v, date(2025, 7, 31), quarter)) == ["late"]
    # A malformed period is each value's problem (bad_period), not the timing's.
    odd = Submission(partnership=v.partner, period="sometime")
    assert timing(v, date(2025, 7, 1), odd) == []


def test_today_comes_from_the_module_function_by_default(v, monkeypatch):
    from commonground.measurement import validation

    monkeypatch.setattr(validation, "today", lambda: date(2025, 1, 1))
    validator = Validator(v.registry, history={})
    assert validator.today == date(2025, 1, 1)
    assert codes(validator.check_timing(v.submission)) == ["period_not_ended"]
