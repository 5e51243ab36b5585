"""The values-file import (SPEC §3.1.4, §5.2): outcomes, all or nothing, audit, review states."""

from decimal import Decimal

import pytest

from commonground.core.models import AuditEvent
from commonground.measurement.models import DataValue, ImportJob, ReviewState, Submission
from commonground.measurement.services import approve_submission
from tests.measurement.imports_world import (
    SPEC_EXAMPLE,
    imports_world,  # noqa: F401 — the fixture
    report_rows,
    run_import,
    snapshot_database,
    write_csv,
)

D = Decimal
Status = ImportJob.Status


def test_the_spec_example_imports(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    job = run_import(iw, path)
    assert job.status == Status.SUCCEEDED, (job.message, report_rows(job))
    assert job.counts == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    total = DataValue.objects.get(indicator__code="grad_rate", cell="")
    assert (total.numerator, total.denominator, total.censor) == (D(945), D(1056), "")
    black = DataValue.objects.get(indicator__code="grad_rate", cell="race=black")
    assert (black.numerator, black.censor, black.comment) == (D(10), "<", "small cohort")
    kinder = DataValue.objects.get(indicator__code="kinder_ready")
    assert kinder.value == D("47.7")
    assert kinder.partnership.code == "cville"
    reports = dict(Submission.objects.values_list("partnership__code", "status"))
    assert reports == {"albemarle": "submitted", "cville": "submitted"}
    assert set(DataValue.objects.values_list("review_state", flat=True)) == {"pending"}


def test_reimporting_the_same_file_changes_nothing(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    run_import(iw, path)
    before = snapshot_database()
    job = run_import(iw, path)
    assert job.status == Status.SUCCEEDED
    assert job.counts["unchanged"] == 3
    assert job.counts["created"] == job.counts["updated"] == 0
    assert snapshot_database() == before


def test_dry_run_writes_nothing(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    before = snapshot_database()
    job = run_import(iw, path, dry_run=True)
    assert job.status == Status.SUCCEEDED
    assert job.counts["created"] == 3
    assert snapshot_database() == before
    assert not AuditEvent.objects.filter(action="import.committed").exists()


def test_a_bad_row_anywhere_writes_nothing_and_the_report_names_it(iw):
    rows = [
        ["kinder_ready", "cville", str(year), "", "", "50", "", "", ""]
        for year in range(2000, 2020)
    ]
    rows[13][5] = "fifty"
    header = SPEC_EXAMPLE.splitlines()[0].split(",")
    path = write_csv(iw.tmp / "values.csv", rows, header)
    before = snapshot_database()
    job = run_import(iw, path)
    assert job.status == Status.REJECTED
    assert snapshot_database() == before
    assert report_rows(job) == [
        {
            "row": "15",
            "column": "value",
            "code": "not_a_number",
            "message": report_rows(job)[0]["message"],
        }
    ]
    assert "fifty" in report_rows(job)[0]["message"]
    assert job.counts["rejected"] == 1
    assert job.counts["created"] == 19


def test_updates_are_audited_with_before_and_after(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    run_import(iw, path)
    changed = write_csv(iw.tmp / "changed.csv", SPEC_EXAMPLE.replace("47.7", "48.1"))
    Submission.objects.update(status="draft")
    job = run_import(iw, changed)
    assert job.status == Status.SUCCEEDED, report_rows(job)
    assert (job.counts["updated"], job.counts["unchanged"]) == (1, 2)
    event = AuditEvent.objects.get(action="value.saved")
    assert event.before["value"] == "47.700000"
    assert event.after["value"] == "48.100000"
    committed = AuditEvent.objects.filter(action="import.committed").order_by("id").last()
    assert committed.after["updated"] == 1
    assert len(committed.after["sha256"]) == 64
    assert DataValue.objects.get(indicator__code="kinder_ready").value == D("48.1")


def test_approve_at_once(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    job = run_import(iw, path, approve=True, actor=iw.data_manager)
    assert job.status == Status.SUCCEEDED
    assert set(Submission.objects.values_list("status", flat=True)) == {"approved"}
    assert set(DataValue.objects.values_list("review_state", flat=True)) == {"approved"}
    assert AuditEvent.objects.filter(action="submission.created").count() == 2


def test_locked_reports_refuse_changes_but_not_unchanged_rows(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    run_import(iw, path)
    report = Submission.objects.get(partnership__code="cville")
    approve_submission(actor=iw.data_manager, submission=report)
    assert run_import(iw, path).status == Status.SUCCEEDED  # unchanged rows are fine
    changed = write_csv(iw.tmp / "changed.csv", SPEC_EXAMPLE.replace("47.7", "48.1"))
    job = run_import(iw, changed)
    assert job.status == Status.REJECTED
    [error] = report_rows(job)
    assert (error["row"], error["code"]) == ("4", "submission_locked")
    assert DataValue.objects.get(indicator__code="kinder_ready").value == D("47.7")


def test_duplicate_rows_are_both_refused(iw):
    text = SPEC_EXAMPLE + "kinder_ready,cville,2024,,,47.8,,,\n"
    path = write_csv(iw.tmp / "values.csv", text)
    job = run_import(iw, path)
    assert job.status == Status.REJECTED
    errors = report_rows(job)
    assert [(e["row"], e["code"]) for e in errors] == [
        ("4", "duplicate_value"),
        ("5", "duplicate_value"),
    ]
    assert "row 5" in errors[0]["message"]
    assert "row 4" in errors[1]["message"]
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        ("nope,cville,2024,,,1,,,", "unknown_indicator", "indicator"),
        ("kinder_ready,nobody,2024,,,1,,,", "unknown_partner", "partner"),
        ("kinder_ready,cville,2024Q1,,,1,,,", "period_frequency", "period"),
        ("kinder_ready,cville,2025,,,1,,,", "period_not_ended", "period"),
        ("kinder_ready,cville,2024,black,,1,,,", "bad_cell", "race"),
        ("enrolled,cville,2024,purple,,1,,,", "bad_cell", "race"),
        ("enrolled,cville,2024,,,1.5,,,", "not_an_integer", "value"),
        ("grad_rate,cville,SY2018-19,,,,20,10,", "numerator_above_denominator", "numerator"),
        ("grad_rate,cville,SY2018-19,,,,5,<10,", "bad_censor", "denominator"),
        ("kinder_ready,cville,2024,,,=SUM(A1),,,", "not_a_number", "value"),
    ],
)
def test_row_errors_name_row_column_and_code(iw, row, code, column):
    header = SPEC_EXAMPLE.splitlines()[0]
    path = write_csv(iw.tmp / "values.csv", f"{header}\nkinder_ready,a,2024,,,1,,,\n{row}\n")
    job = run_import(iw, path)
    assert job.status == Status.REJECTED
    errors = report_rows(job)
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [("3", column, code)]
    assert not DataValue.objects.exists()


def test_censored_values_are_kept_as_censored(iw):
    header = SPEC_EXAMPLE.splitlines()[0]
    text = f"{header}\nenrolled,cville,2024,,,>95,,,\nenrolled,cville,2023,,,<10,,,\n"
    job = run_import(iw, write_csv(iw.tmp / "values.csv", text))
    assert job.status == Status.SUCCEEDED, report_rows(job)
    values = dict(DataValue.objects.values_list("period", "censor"))
    assert values == {"2024": ">", "2023": "<"}
    assert DataValue.objects.get(period="2024").value == D(95)


def test_formula_looking_comments_are_kept_as_text(iw):
    header = SPEC_EXAMPLE.splitlines()[0]
    text = f'{header}\nenrolled,cville,2024,,,5,,,"=HYPERLINK(""x"")"\n'
    job = run_import(iw, write_csv(iw.tmp / "values.csv", text))
    assert job.status == Status.SUCCEEDED
    assert DataValue.objects.get().comment == '=HYPERLINK("x")'


def test_cells_may_not_exceed_their_total(iw):
    header = SPEC_EXAMPLE.splitlines()[0]
    text = (
        f"{header}\nenrolled,cville,2024,,,10,,,\n"
        "enrolled,cville,2024,black,,6,,,\nenrolled,cville,2024,white,,7,,,\n"
    )
    job = run_import(iw, write_csv(iw.tmp / "values.csv", text))
    assert job.status == Status.REJECTED
    assert [e["code"] for e in report_rows(job)] == ["cells_exceed_total"]


def test_narrative_text(iw):
    header = SPEC_EXAMPLE.splitlines()[0]
    text = f"{header}\nstory,cville,2024,,,<b>We grew</b>,,,\n"
    job = run_import(iw, write_csv(iw.tmp / "values.csv", text))
    assert job.status == Status.SUCCEEDED, report_rows(job)
    value = DataValue.objects.get()
    assert (value.text, value.value, value.censor) == ("<b>We grew</b>", None, "")


def test_returned_report_goes_back_to_review(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    run_import(iw, path)
    Submission.objects.update(status="returned")
    DataValue.objects.update(review_state=ReviewState.RETURNED)
    changed = write_csv(iw.tmp / "changed.csv", SPEC_EXAMPLE.replace("945", "946"))
    job = run_import(iw, changed)
    assert job.status == Status.SUCCEEDED, report_rows(job)
    assert dict(Submission.objects.values_list("partnership__code", "status")) == {
        "albemarle": "submitted",
        "cville": "returned",
    }
    states = {
        (code, cell): state
        for code, cell, state in DataValue.objects.values_list(
            "partnership__code", "cell", "review_state"
        )
    }
    assert states == {
        ("albemarle", ""): "pending",
        ("albemarle", "race=black"): "pending",
        ("cville", ""): "returned",  # its report was not touched
    }
    event = AuditEvent.objects.get(action="submission.submitted")
    assert event.before == {"status": "returned"}


def test_dhis2_json_goes_through_the_same_engine(iw):
    from commonground.measurement.models import ExternalCode

    for kind, code, target in [
        ("data_element", "DE1", "enrolled"),
        ("org_unit", "OU1", "cville"),
    ]:
        ExternalCode.objects.create(initiative=iw.alpha, kind=kind, code=code, target=target)
    path = iw.tmp / "set.json"
    path.write_text(
        '{"dataValues": [{"period": "2024", "orgUnit": "OU1", "dataElement": "DE1", '
        '"value": "12"}, {"period": "2023", "orgUnit": "OU1", "dataElement": "DE1", '
        '"value": "<10"}]}'
    )
    job = run_import(iw, path)
    assert (job.format, job.status) == ("dhis2_json", Status.SUCCEEDED), report_rows(job)
    assert dict(DataValue.objects.values_list("period", "censor")) == {"2024": "", "2023": "<"}
    unmapped = iw.tmp / "unmapped.json"
    unmapped.write_text(
        '{"dataValues": [{"period": "2024", "orgUnit": "OU9", "dataElement": "DE1", "value": "1"}]}'
    )
    job = run_import(iw, unmapped)
    assert job.status == Status.REJECTED
    assert report_rows(job)[0]["row"] == "1"


def test_approving_import_keeps_the_rollups_in_step(iw):
    from commonground.insight.models import Rollup

    header = SPEC_EXAMPLE.splitlines()[0]
    text = f"{header}\nenrolled,cville,2024,,,10,,,\nenrolled,a,2024,,,5,,,\n"
    run_import(iw, write_csv(iw.tmp / "values.csv", text), approve=True)
    total = Rollup.objects.get(
        indicator__code="enrolled", period="2024", cell="", working_group=None
    )
    assert (total.value, total.reporters) == (D(15), 2)
    changed = text.replace(",10,", ",12,")
    Submission.objects.filter(partnership__code="cville").update(status="reopened")
    DataValue.objects.filter(partnership__code="cville").update(review_state="pending")
    run_import(iw, write_csv(iw.tmp / "changed.csv", changed), approve=True)
    total.refresh_from_db()
    assert total.value == D(17)


def test_importing_without_approval_leaves_the_rollups_alone(iw):
    from commonground.insight.models import Rollup

    run_import(iw, write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE))
    assert not Rollup.objects.exists()


def test_cells_are_checked_against_a_stored_total(iw):
    header = SPEC_EXAMPLE.splitlines()[0]
    run_import(iw, write_csv(iw.tmp / "total.csv", f"{header}\nenrolled,cville,2024,,,10,,,\n"))
    Submission.objects.update(status="draft")
    cells = f"{header}\nenrolled,cville,2024,black,,6,,,\nenrolled,cville,2024,white,,5,,,\n"
    job = run_import(iw, write_csv(iw.tmp / "cells.csv", cells))
    assert job.status == Status.REJECTED
    assert [(e["row"], e["code"]) for e in report_rows(job)] == [("2", "cells_exceed_total")]
    fine = cells.replace(",5,", ",4,")
    assert run_import(iw, write_csv(iw.tmp / "fine.csv", fine)).status == Status.SUCCEEDED


def test_cells_of_two_dimensions_are_checked_against_their_parents(iw):
    header = SPEC_EXAMPLE.splitlines()[0]
    text = (
        f"{header}\ngrad_rate,cville,SY2018-19,,,,50,100,\n"
        "grad_rate,cville,SY2018-19,black,,,20,40,\n"
        "grad_rate,cville,SY2018-19,black,f,,25,30,\n"
    )
    job = run_import(iw, write_csv(iw.tmp / "values.csv", text))
    assert job.status == Status.REJECTED
    assert [e["code"] for e in report_rows(job)] == ["cells_exceed_total"]
    assert "Black" in report_rows(job)[0]["message"]


def test_a_complete_breakdown_must_add_up(iw):
    iw.indicators["enrolled"].breakdown_complete = True
    iw.indicators["enrolled"].save()
    header = SPEC_EXAMPLE.splitlines()[0]
    rows = "".join(
        f"enrolled,cville,2024,{race},,{n},,,\n"
        for race, n in [("", 10), ("black", 3), ("white", 3), ("hispanic", 3)]
    )
    job = run_import(iw, write_csv(iw.tmp / "values.csv", f"{header}\n{rows}"))
    assert [e["code"] for e in report_rows(job)] == ["cells_differ_from_total"]
    fixed = rows.replace("hispanic,,3", "hispanic,,4")
    assert run_import(iw, write_csv(iw.tmp / "ok.csv", f"{header}\n{fixed}")).status == "succeeded"
