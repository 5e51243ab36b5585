"""Export → import round trips on the demo's approved data (issue 3: "import → export → import
round-trips to the same values").

The demo is built from the real Stepping Stones data through the real services; its approved
values are exported and imported again (a dry run through the import engine): every row must be
"unchanged". The DHIS2 JSON export, read back through the initiative's DHIS2 mapping, must give
the same rows as the values file, and import unchanged too.
"""

import pytest

from commonground.demo.build import build_demo
from commonground.measurement import dhis2
from commonground.measurement.exports import (
    ExportReport,
    count_approved,
    write_csv,
    write_dhis2_json,
    write_xlsx,
)
from commonground.measurement.imports.dhis2 import read_dhis2_json
from commonground.measurement.imports.jobs import import_file
from commonground.measurement.imports.values_csv import read_values_csv
from commonground.measurement.models import DataValue, ExternalCode, ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return build_demo().initiative


def dry_run(initiative, path) -> ImportJob:
    return import_file(actor=None, initiative=initiative, path=path, dry_run=True)


def unchanged(rows: int) -> dict:
    return {"rows": rows, "created": 0, "updated": 0, "unchanged": rows, "rejected": 0}


def test_the_demo_exported_as_csv_and_xlsx_imports_unchanged(demo, tmp_path):
    approved = count_approved(demo)
    assert approved > 400  # the demo's reports are all approved
    assert approved == DataValue.objects.filter(indicator__initiative=demo).count()

    csv_path = tmp_path / "demo.csv"
    report = ExportReport()
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        write_csv(demo, out, report=report)
    assert report.written == approved
    job = dry_run(demo, csv_path)
    assert (job.status, job.counts, job.error_count) == ("succeeded", unchanged(approved), 0)

    xlsx_path = tmp_path / "demo.xlsx"
    write_xlsx(demo, xlsx_path)
    job = dry_run(demo, xlsx_path)
    assert (job.status, job.counts, job.error_count) == ("succeeded", unchanged(approved), 0)


def map_demo(initiative) -> None:
    """Invented DHIS2 codes for every indicator (both parts of rates), partner and race group."""
    codes = []
    for code, value_type in initiative.indicators.values_list("code", "value_type"):
        if value_type == "rate":
            codes += [("data_element", f"DE-{code}-n", f"{code}.numerator")]
            codes += [("data_element", f"DE-{code}-d", f"{code}.denominator")]
        else:
            codes += [("data_element", f"DE-{code}", code)]
    for code in initiative.partnerships.values_list("code", flat=True):
        codes += [("org_unit", f"OU-{code}", code)]
    for dimension in initiative.dimensions.prefetch_related("values"):
        for value in dimension.values.all():
            codes += [
                ("category_option_combo", f"COC-{value.code}", f"{dimension.code}={value.code}")
            ]
    ExternalCode.objects.bulk_create(
        ExternalCode(initiative=initiative, kind=kind, code=code, target=target)
        for kind, code, target in codes
    )


def plain(rows) -> list[tuple]:
    """Rows as sorted tuples of their non-empty fields, whatever the file was."""
    return sorted(
        tuple(sorted((k, v.strip()) for k, v in row.fields.items() if v.strip())) for row in rows
    )


def test_the_demo_exported_as_dhis2_json_reads_back_as_the_same_rows(demo, tmp_path):
    map_demo(demo)
    csv_path, json_path = tmp_path / "demo.csv", tmp_path / "demo.json"
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        write_csv(demo, out)
    report = ExportReport()
    with open(json_path, "w", encoding="utf-8") as out:
        write_dhis2_json(demo, out, report=report)

    skipped = {(s.row.indicator, s.row.partner, s.row.period, s.row.cell) for s in report.skipped}
    assert report.skipped_count == len(skipped)  # all of them listed
    # Only censored values are left out: DHIS2 has no censoring.
    assert all(s.reason.endswith("DHIS2 has no censored values.") for s in report.skipped)
    censored = DataValue.objects.filter(indicator__initiative=demo).exclude(censor="").count()
    assert report.skipped_count == censored
    assert report.written == count_approved(demo) - censored

    dimensions = list(demo.dimensions.values_list("code", flat=True))
    expected = [
        row
        for row in read_values_csv(csv_path, dimensions)
        if (
            row.get("indicator"),
            row.get("partner"),
            row.get("period"),
            ";".join(f"{d}={row.get(d)}" for d in sorted(dimensions) if row.get(d)),
        )
        not in skipped
    ]
    from_dhis2 = list(read_dhis2_json(json_path, demo))
    assert not [row for row in from_dhis2 if row.problems]
    assert plain(from_dhis2) == plain(expected)

    job = dry_run(demo, json_path)
    assert (job.status, job.counts, job.error_count) == (
        "succeeded",
        unchanged(report.written),
        0,
    )


def test_school_years_travel_as_dhis2_financial_years_and_come_back(demo):
    """The demo's school-year indicators start in July: DHIS2's ``2019July`` means SY2019-20."""
    assert dhis2.to_dhis2_period("SY2019-20", demo) == "2019July"
    assert dhis2.from_dhis2_period("2019July", demo, "school_year") == "SY2019-20"
