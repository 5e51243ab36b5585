"""Reading values files: encodings, separators, headers, ragged rows, huge fields, Excel cells."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from commonground.measurement.imports.rows import ImportFileError
from commonground.measurement.imports.values_csv import MAX_LINE_CHARS, read_values_csv
from commonground.measurement.imports.values_xlsx import read_values_xlsx
from commonground.measurement.models import DataValue, ImportJob
from tests.measurement.imports_world import (
    SPEC_EXAMPLE,
    imports_world,  # noqa: F401 — the fixture
    report_rows,
    run_import,
    snapshot_database,
    write_csv,
)

Status = ImportJob.Status
DIMENSIONS = ["race", "sex"]


def rows_of(data: bytes):
    return list(read_values_csv(io.BytesIO(data), DIMENSIONS))


def refusal(data: bytes) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        rows_of(data)
    return caught.value


# --- CSV ------------------------------------------------------------------------------------------


def test_rows_keep_the_spreadsheet_row_numbers():
    data = (
        b"indicator,partner,period,value,comment\n"
        b'a,p,2024,1,\n\nb,p,2024,2,"two\nlines"\nc,p,2024,3,\n'
    )
    rows = rows_of(data)
    assert [(r.line, r.fields["indicator"]) for r in rows] == [(2, "a"), (4, "b"), (5, "c")]
    assert rows[1].fields["comment"] == "two\nlines"


def test_a_byte_order_mark_is_fine():
    with_bom = rows_of(b"\xef\xbb\xbf" + SPEC_EXAMPLE.encode())
    assert with_bom == rows_of(SPEC_EXAMPLE.encode())
    assert with_bom[0].fields["indicator"] == "grad_rate"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_commas_semicolons_and_tabs(delimiter):
    data = SPEC_EXAMPLE.replace(",", delimiter).encode()
    assert [r.fields["period"] for r in rows_of(data)] == ["SY2018-19", "SY2018-19", "2024"]


def test_column_names_ignore_case_and_spaces():
    [row] = rows_of(b" Indicator ,PARTNER,Period,Race,Value\nx,p,2024,black,1\n")
    assert row.fields == {
        "indicator": "x",
        "partner": "p",
        "period": "2024",
        "race": "black",
        "value": "1",
    }
    assert row.column("indicator") == "Indicator"


def test_wrong_encoding_names_the_row_and_byte():
    data = SPEC_EXAMPLE.encode() + "kinder_ready,cville,2023,,,1,,,Café\n".encode("latin-1")
    problem = refusal(data)
    assert problem.code == "bad_encoding"
    assert problem.line == 5
    assert "row 5" in problem.message and "0xE9" in problem.message


def test_utf16_is_refused_by_name():
    problem = refusal(SPEC_EXAMPLE.encode("utf-16"))
    assert problem.code == "bad_encoding"
    assert "UTF-16" in problem.message


def test_nul_characters_are_refused():
    problem = refusal(b"indicator,partner,period,value\na,p,2024,1\x00\n")
    assert (problem.code, problem.line) == ("bad_encoding", 2)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_empty_files(data):
    assert refusal(data).code == "empty_file"


def test_header_only_gives_no_rows():
    assert rows_of(b"indicator,partner,period,value\n") == []


@pytest.mark.parametrize(
    ("header", "code", "words"),
    [
        (b"indicator,partner,period,value,colour\n", "unknown_column", ["'colour'", "race, sex"]),
        (b"indicator,partner,value\n", "missing_column", ["'period'"]),
        (b"indicator,partner,period,comment\n", "missing_column", ["value"]),
        (b"indicator,partner,period,value,Value\n", "duplicate_column", ["twice"]),
        (b"indicator,,partner,period,value\n", "bad_header", ["Column 2"]),
        (b"\n\n", "no_header", ["first row"]),
    ],
)
def test_bad_headers(header, code, words):
    problem = refusal(header + b"a,p,2024,1\n")
    assert problem.code == code
    for word in words:
        assert word in problem.message


def test_trailing_empty_columns_are_ignored():
    [row] = rows_of(b"indicator,partner,period,value,,\na,p,2024,1,,\n")
    assert row.fields["value"] == "1"
    assert not row.problems


def test_ragged_rows_are_row_problems():
    rows = rows_of(b"indicator,partner,period,value\na,p,2024\nb,p,2024,1,extra\nc,p,2024,1\n")
    assert [r.problems[0].code for r in rows[:2]] == ["ragged_row", "ragged_row"]
    assert "3 fields" in rows[0].problems[0].message
    assert not rows[2].problems


def test_huge_fields_are_refused_without_reading_them_whole():
    field = b"x" * (csv.field_size_limit() + 10)
    problem = refusal(b'indicator,partner,period,value,comment\na,p,2024,1,"' + field + b'"\n')
    assert (problem.code, problem.line) == ("field_too_large", 2)
    long_line = b"a" * (MAX_LINE_CHARS + 10)
    problem = refusal(b"indicator,partner,period,value\n" + long_line)
    assert (problem.code, problem.line) == ("field_too_large", 2)


def test_an_excel_file_named_csv_is_refused_clearly():
    assert refusal(b"PK\x03\x04rest").code == "wrong_format"


# --- the whole import, from files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"indicator,partner,period,value\n", "no_rows"),
        (SPEC_EXAMPLE.encode("utf-16"), "bad_encoding"),
        (
            b"indicator,partner,period,value,colour\nkinder_ready,cville,2024,1,red\n",
            "unknown_column",
        ),
    ],
)
def test_file_problems_reject_the_whole_file(iw, data, code):
    path = iw.tmp / "values.csv"
    path.write_bytes(data)
    before = snapshot_database()
    job = run_import(iw, path)
    assert job.status == Status.REJECTED
    assert [e["code"] for e in report_rows(job)] == [code]
    assert job.message
    assert snapshot_database() == before


def test_bad_encoding_after_good_rows_writes_nothing(iw):
    data = SPEC_EXAMPLE.encode() * 1 + b"kinder_ready,cville,2023,,,1,,,\xff\n"
    path = iw.tmp / "values.csv"
    path.write_bytes(data)
    job = run_import(iw, path)
    assert job.status == Status.REJECTED
    [error] = report_rows(job)
    assert (error["row"], error["code"]) == ("5", "bad_encoding")
    assert not DataValue.objects.exists()


def test_size_limit(iw, settings):
    settings.IMPORT_MAX_BYTES = 50
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    from commonground.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        run_import(iw, path)
    assert caught.value.code == "file_too_large"
    assert "MB" in caught.value.message


# --- Excel ----------------------------------------------------------------------------------------


def workbook(rows, path, text=()):
    """A workbook of ``rows``; the cells at (row, column) in ``text`` are typed as text."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for row, column in text:
        sheet.cell(row=row, column=column).data_type = "s"
    book.save(path)
    return path


def test_xlsx_values(iw):
    path = workbook(
        [
            [
                "Indicator",
                "Partner",
                "Period",
                "Race",
                "Value",
                "Numerator",
                "Denominator",
                "Comment",
            ],
            ["grad_rate", "albemarle", "SY2018-19", None, None, 945, 1056, None],
            ["grad_rate", "albemarle", "SY2018-19", "black", None, "<10", None, "small cohort"],
            [None, None, None, None, None, None, None, None],
            ["kinder_ready", "cville", 2024, None, 47.7, None, None, "=not a formula"],
        ],
        iw.tmp / "values.xlsx",
        text=[(5, 8)],  # typed as text in the spreadsheet, not as a formula
    )
    job = run_import(iw, path)
    assert job.status == Status.SUCCEEDED, report_rows(job)
    assert job.counts["created"] == 3
    kinder = DataValue.objects.get(indicator__code="kinder_ready")
    assert str(kinder.value) == "47.700000"
    assert kinder.comment == "=not a formula"
    assert DataValue.objects.get(cell="race=black").censor == "<"


def test_xlsx_formula_cells_are_refused(iw):
    path = workbook(
        [
            ["indicator", "partner", "period", "value"],
            ["kinder_ready", "cville", 2024, "=40+7.7"],
            ["kinder_ready", "cville", 2023, 50],
        ],
        iw.tmp / "values.xlsx",
    )
    job = run_import(iw, path)
    assert job.status == Status.REJECTED
    assert [(e["row"], e["column"], e["code"]) for e in report_rows(job)] == [
        ("2", "value", "formula_cell")
    ]
    assert not DataValue.objects.exists()


def test_xlsx_reader_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "partner", "period", "value", "comment"])
    sheet.append(["a", "p", 2024, 3.0, datetime(2024, 3, 1)])
    sheet.append(["b", "p", 2024, 0.1, True])
    sheet.append(["c", "p", 2024, 1, None, "extra"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    rows = list(read_values_xlsx(buffer, []))
    assert rows[0].fields["value"] == "3"
    assert rows[0].fields["comment"] == "2024-03-01"
    assert (rows[1].fields["value"], rows[1].fields["comment"]) == ("0.1", "1")
    assert rows[2].problems[0].code == "ragged_row"


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_broken_workbooks_are_refused(iw, data):
    path = iw.tmp / "values.xlsx"
    path.write_bytes(data)
    job = run_import(iw, path, file_format="xlsx")
    assert job.status == Status.REJECTED
    assert [e["code"] for e in report_rows(job)] == ["bad_xlsx"]


def test_empty_workbook(iw):
    path = workbook([], iw.tmp / "values.xlsx")
    job = run_import(iw, path)
    assert job.status == Status.REJECTED
    assert report_rows(job)[0]["code"] in {"empty_file", "no_header"}
