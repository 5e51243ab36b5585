"""The pipeline inside ``save_values`` and ``validate_entries``: errors refuse, warnings stay."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonground.core.errors import PermissionDenied
from commonground.core.models import AuditEvent
from commonground.measurement import validation
from commonground.measurement.models import DataValue, Indicator, ReviewState, Submission
from commonground.measurement.services import InvalidValue, save_values
from commonground.measurement.services.values import validate_entries
from commonground.measurement.validation import Finding
from commonground.measurement.validation.findings import ERROR, WARNING
from tests.measurement.test_validation_world import (
    codes,
    entry,
    v_fixture,  # noqa: F401  (the fixture "v")
)

D = Decimal
pytestmark = pytest.mark.django_db

ABOVE_MAX = (
    "Reading score: the value 11 is above the highest expected value (10). Check it, or explain "
    "it in the comment."
)


def save(v, *items, actor=None):
    return save_values(actor=actor, submission=v.submission, entries=list(items))


def refused(v, *items) -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        save(v, *items)
    return caught.value


def test_warnings_are_stored_in_each_values_flags(v):
    saved = save(
        v,
        entry(v.score, value=D(11), comment="A new test; the scale changed."),
        entry(v.mean, value=D(3)),
    )
    assert [value.flags for value in saved] == [[{"code": "above_max", "message": ABOVE_MAX}], []]
    score = DataValue.objects.get(indicator=v.score)
    assert score.flags == [{"code": "above_max", "message": ABOVE_MAX}]
    # The comment explains the warning; it stays a warning.
    assert score.comment == "A new test; the scale changed."
    event = AuditEvent.objects.filter(action="value.saved", object_id=str(score.pk)).get()
    assert event.after["flags"] == [{"code": "above_max", "message": ABOVE_MAX}]


def test_errors_refuse_the_save_with_every_finding_in_the_details(v):
    before = AuditEvent.objects.count()
    error = refused(
        v,
        entry(v.score, value=D(11)),
        entry(v.served, {"sex": "f"}, value="many"),
        entry(v.grad, {"race": "black"}, numerator=D(945), denominator=D(900)),
    )
    assert error.code == "not_a_number"
    assert error.message == "Children served, Female: 'many' is not a number."
    assert error.details == {
        "findings": [
            asdict(Finding("above_max", ABOVE_MAX, WARNING, "value", 0)),
            asdict(
                Finding(
                    "not_a_number",
                    "Children served, Female: 'many' is not a number.",
                    ERROR,
                    "value",
                    1,
                )
            ),
            asdict(
                Finding(
                    "above_max",
                    "Graduation rate, Black: the rate 105 is above the highest expected value "
                    "(100). Check it, or explain it in the comment.",
                    WARNING,
                    "numerator",
                    2,
                )
            ),
            asdict(
                Finding(
                    "numerator_above_denominator",
                    "Graduation rate, Black: the numerator (945) is larger than the denominator "
                    "(900).",
                    ERROR,
                    "numerator",
                    2,
                )
            ),
        ]
    }
    assert not DataValue.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_period_not_over_is_refused(v, monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: date(2025, 6, 1))
    error = refused(v, entry(v.mean, value=D(3)))
    assert error.code == "period_not_ended"
    assert error.message == (
        "The period SY2024-25 is not over yet: its data can be reported from 1 July 2025."
    )
    assert not DataValue.objects.exists()


def test_late_data_is_saved_and_the_lateness_is_not_copied_onto_values(v, monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: date(2026, 1, 1))
    [value] = save(v, entry(v.mean, value=D(3)))
    assert value.flags == []


def test_a_group_is_checked_against_the_total_saved_before(v):
    save(v, entry(v.complete, value=D(50)))
    save(v, entry(v.complete, {"sex": "f"}, value=D(20)))  # the others come later
    error = refused(v, entry(v.complete, {"sex": "m"}, value=D(25)))
    assert error.code == "cells_differ_from_total"
    assert error.details["findings"][0]["index"] == 0
    save(v, entry(v.complete, {"sex": "m"}, value=D(30)))
    assert refused(v, entry(v.complete, {"sex": "f"}, value=D(60))).code == "cells_exceed_total"


def test_a_value_given_twice_in_one_save_is_refused(v):
    error = refused(v, entry(v.mean, value=D(3)), entry(v.mean, value=D(4)))
    assert (error.code, error.message) == (
        "duplicate_value",
        "Mean days attended is given more than once.",
    )


def test_an_indicator_reported_through_a_working_group_can_be_saved(v):
    [value] = save(v, entry(v.served, {"sex": "f"}, value=D(12)))
    assert (value.indicator, value.cell, value.value) == (v.served, "sex=f", D(12))


def test_an_outlier_against_approved_history_is_flagged_even_with_a_comment(v):
    for number, period in zip(
        (100, 102, 98, 101, 99, 100),
        ("SY2018-19", "SY2019-20", "SY2020-21", "SY2021-22", "SY2022-23", "SY2023-24"),
        strict=True,
    ):
        past = Submission.objects.create(
            partnership=v.partner, period=period, status=Submission.Status.APPROVED
        )
        DataValue.objects.create(
            submission=past,
            indicator=v.complete,
            partnership=v.partner,
            period=period,
            value=D(number),
            review_state=ReviewState.APPROVED,
        )
    [value] = save(v, entry(v.complete, value=D(130), comment="Two schools joined."))
    assert [flag["code"] for flag in value.flags] == ["outlier"]
    assert value.flags[0]["message"].startswith("Children enrolled: the value 130 is far from")


def test_saving_again_refreshes_stale_warnings_without_an_audit_event(v):
    [value] = save(v, entry(v.score, value=D(11)))
    assert [f["code"] for f in value.flags] == ["above_max"]
    Indicator.objects.filter(pk=v.score.pk).update(max_value=D(20))
    events = AuditEvent.objects.count()
    save(v, entry(v.score, value=D(11)))
    value.refresh_from_db()
    assert value.flags == []
    assert AuditEvent.objects.count() == events


def test_an_indicator_code_is_accepted_in_place_of_the_object(v):
    [value] = save(v, entry("mean_days", value=D(3)))
    assert value.indicator == v.mean


def test_save_values_uses_a_fixed_number_of_queries_for_validation(v):
    """Validation reads the registry, the report's values and the history: not one per entry."""

    def count(n):
        items = [entry(v.funds, {"place": p}, value=D(n)) for p in ("crozet", "ivy")]
        items += [entry(v.mean, value=D(n)), entry(v.score, value=D(n % 10))][: max(1, n % 3)]
        with CaptureQueriesContext(connection) as queries:
            findings = validate_entries(actor=None, submission=v.submission, entries=items)
        assert [f for f in findings if f.severity == ERROR] == []
        return len(queries.captured_queries)

    assert count(1) == count(2) == count(5)


# --- validate_entries: the grid's check, without saving -----------------------------------------


def test_validate_entries_returns_findings_and_writes_nothing(v):
    events = AuditEvent.objects.count()
    found = validate_entries(
        actor=v.world.users["reporter_a"],
        submission=v.submission,
        entries=[entry(v.score, value=D(11)), entry(v.served, value=D(-1))],
    )
    assert codes(found) == ["above_max", "negative"]
    assert not DataValue.objects.exists()
    assert AuditEvent.objects.count() == events


def test_validate_entries_reports_a_locked_report_as_a_finding(v):
    Submission.objects.filter(pk=v.submission.pk).update(status=Submission.Status.SUBMITTED)
    found = validate_entries(actor=None, submission=v.submission, entries=[entry(v.mean, value=1)])
    assert codes(found) == ["submission_locked"]


def test_validate_entries_checks_permission_first(v):
    with pytest.raises(PermissionDenied):
        validate_entries(
            actor=v.world.users["reporter_b"],
            submission=v.submission,
            entries=[entry(v.unassigned, value="x")],
        )
