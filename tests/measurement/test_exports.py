"""Exports of approved data: CSV (values file), XLSX (no formulas), DHIS2 JSON; page and command."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from commonground.measurement import services
from commonground.measurement.exports import (
    ExportError,
    ExportFilters,
    ExportReport,
    check_filters,
    count_approved,
    csv_chunks,
    dhis2_data_values,
    write_xlsx,
)
from commonground.measurement.exports.xlsx import FORMULA_STARTS, MAX_TEXT, text_cell
from commonground.measurement.models import (
    DataValue,
    Dimension,
    ExternalCode,
    Indicator,
    ReportingAssignment,
)

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://example.org/x","click me")'
EXPECTED_CSV = (
    "indicator,partner,period,race,value,numerator,denominator,comment\r\n"
    'grad,a,2020,,,945,1056,"=HYPERLINK(""http://example.org/x"",""click me"")"\r\n'
    "grad,a,2020,black,,<10,40,small cohort\r\n"
    "kids,a,2020,,47,,,+1 call\r\n"
    "kids,a,2021,,50.25,,,\r\n"
    "kids,b,2021,,12,,,@SUM(A1)\r\n"
    "story,a,2020,,-The bus route changed.,,,\r\n"
)


class Data:
    def __init__(self, world):
        self.world = world
        alpha = world.alpha
        race = Dimension.objects.create(initiative=alpha, code="race", name="Race")
        race.values.create(code="black", name="Black")
        race.values.create(code="white", name="White")
        self.grad = Indicator.objects.create(
            initiative=alpha, code="grad", name="Graduation", value_type="rate",
            scale_factor=100, aggregation="ratio_of_sums", frequency="annual", sort_order=1,
        )  # fmt: skip
        self.grad.dimensions.add(race)
        self.kids = Indicator.objects.create(
            initiative=alpha, code="kids", name="Hours with children", value_type="amount",
            aggregation="sum", frequency="annual", sort_order=2,
        )  # fmt: skip
        self.story = Indicator.objects.create(
            initiative=alpha, code="story", name="Story", value_type="narrative",
            aggregation="none", frequency="annual", sort_order=3,
        )  # fmt: skip
        for partner in world.partners.values():
            for indicator in (self.grad, self.kids, self.story):
                ReportingAssignment.objects.create(indicator=indicator, partnership=partner)

    def report(self, partner, period, entries, *, approve=True):
        submission = services.open_submission(
            actor=None, partnership=self.world.partners[partner], period=period
        )
        services.save_values(actor=None, submission=submission, entries=entries)
        submission = services.submit_submission(actor=None, submission=submission)
        if approve:
            submission = services.approve_submission(actor=None, submission=submission)
        return submission


@pytest.fixture
def data(world):
    """Approved: a/2020 (a rate, a censored cell, a count, a narrative), a/2021, b/2021.
    Submitted but not approved: b/2020."""
    d = Data(world)
    entry = services.Entry
    d.report(
        "a",
        "2020",
        [
            entry(d.grad, {}, numerator=Decimal(945), denominator=Decimal(1056), comment=HYPERLINK),
            entry(d.grad, {"race": "black"}, numerator=Decimal(10), denominator=Decimal(40),
                  censor="<", comment="small cohort"),
            entry(d.kids, {}, value=Decimal(47), comment="+1 call"),
            entry(d.story, {}, text="-The bus route changed."),
        ],
    )  # fmt: skip
    d.report("a", "2021", [entry(d.kids, {}, value=Decimal("50.25"))])
    d.report("b", "2021", [entry(d.kids, {}, value=Decimal(12), comment="@SUM(A1)")])
    d.report("b", "2020", [entry(d.kids, {}, value=Decimal(99))], approve=False)
    return d


def csv_text(initiative, filters=None) -> str:
    filters = filters or ExportFilters()
    return "".join(csv_chunks(initiative, filters))


# What is exported ------------------------------------------------------------------------------


def test_csv_holds_the_approved_values_exactly_in_a_fixed_order(data):
    assert csv_text(data.world.alpha) == EXPECTED_CSV
    assert count_approved(data.world.alpha) == 6


def test_values_not_approved_are_never_exported(data):
    submission = data.world.partners["b"].submissions.get(period="2021")
    services.reopen_submission(actor=None, submission=submission, reason="Wrong count")
    text = csv_text(data.world.alpha)
    assert "kids,b," not in text  # neither the reopened 2021 nor the submitted 2020
    assert DataValue.objects.filter(partnership__code="b").count() == 2


def test_another_initiatives_values_are_never_exported(data, world):
    assert (
        csv_text(world.beta) == "indicator,partner,period,value,numerator,denominator,comment\r\n"
    )


@pytest.mark.parametrize(
    ("filters", "lines"),
    [
        (ExportFilters(period="2021"), [4, 5]),
        (ExportFilters(indicator="kids", partner="b"), [5]),
        (ExportFilters(partner="a", period="2020"), [1, 2, 3, 6]),
        (ExportFilters(indicator="story", period="2021"), []),
    ],
)
def test_filters(data, filters, lines):
    expected = EXPECTED_CSV.split("\r\n")
    assert csv_text(data.world.alpha, filters).split("\r\n") == [
        expected[0],
        *(expected[n] for n in lines),
        "",
    ]


@pytest.mark.parametrize(
    ("filters", "code", "message"),
    [
        (ExportFilters(period="2020Q5"), "unknown_period", "'2020Q5' is not a period code"),
        (ExportFilters(indicator="nope"), "unknown_indicator", "no indicator 'nope'"),
        (ExportFilters(partner="c"), "unknown_partner", "no partner 'c'"),  # beta's partner
    ],
)
def test_unknown_filters_are_refused(data, filters, code, message):
    with pytest.raises(ExportError) as error:
        check_filters(data.world.alpha, filters)
    assert error.value.code == code
    assert message in error.value.message


def test_csv_streams_in_chunks(data, monkeypatch):
    from commonground.measurement.exports import values_file

    monkeypatch.setattr(values_file, "CHUNK_BYTES", 10)
    chunks = list(csv_chunks(data.world.alpha))
    assert len(chunks) == 7  # the header with the first row, one per row, the (empty) rest
    assert chunks[-1] == ""
    assert "".join(chunks) == EXPECTED_CSV


# XLSX -------------------------------------------------------------------------------------------


def read_sheet(target):
    sheet = load_workbook(target).active
    return sheet, [list(row) for row in sheet.iter_rows()]


def test_xlsx_has_the_csv_columns_numbers_as_numbers_and_no_formula(data, tmp_path):
    path = tmp_path / "values.xlsx"
    write_xlsx(data.world.alpha, path)
    sheet, rows = read_sheet(path)
    assert sheet.title == "values"
    values = [[cell.value for cell in row] for row in rows]
    assert values == [
        ["indicator", "partner", "period", "race", "value", "numerator", "denominator", "comment"],
        ["grad", "a", "2020", None, None, 945, 1056, HYPERLINK],
        ["grad", "a", "2020", "black", None, "<10", 40, "small cohort"],
        ["kids", "a", "2020", None, 47, None, None, "+1 call"],
        ["kids", "a", "2021", None, 50.25, None, None, None],
        ["kids", "b", "2021", None, 12, None, None, "@SUM(A1)"],
        ["story", "a", "2020", None, "-The bus route changed.", None, None, None],
    ]
    cells = [cell for row in rows for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert {cell.data_type for cell in cells if isinstance(cell.value, int | float)} == {"n"}
    quoted = {cell.value for cell in cells if cell.quotePrefix}
    assert quoted == {HYPERLINK, "+1 call", "@SUM(A1)", "-The bus route changed."}
    assert all(cell.font.b for cell in rows[0])


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.text(max_size=60),
        st.tuples(st.sampled_from(FORMULA_STARTS), st.text(max_size=40)).map("".join),
    )
)
def test_any_text_comes_back_as_the_same_text_never_a_formula(text):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("values")
    sheet.append([text_cell(sheet, text), 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    [[cell, number]] = load_workbook(buffer).active.iter_rows()
    assert cell.data_type != "f"
    written = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    # XML readers turn a carriage return into a line feed (XML 1.0 §2.11).
    assert (cell.value or "") == written.replace("\r\n", "\n").replace("\r", "\n")
    assert cell.quotePrefix == written.startswith(FORMULA_STARTS)
    assert number.value == 1


def test_texts_longer_than_excel_allows_are_cut_at_its_limit():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("values")
    assert len(text_cell(sheet, "x" * (MAX_TEXT + 5)).value) == MAX_TEXT


# DHIS2 ------------------------------------------------------------------------------------------


@pytest.fixture
def mapped(data):
    alpha = data.world.alpha
    for kind, code, target in [
        ("data_element", "GRADnum", "grad.numerator"),
        ("data_element", "GRADden", "grad.denominator"),
        ("data_element", "KIDS", "kids"),
        ("data_element", "STORY", "story"),
        ("org_unit", "OUa", "a"),
        ("category_option_combo", "BLACK", "race=black"),
    ]:
        ExternalCode.objects.create(initiative=alpha, kind=kind, code=code, target=target)
    return data


def test_dhis2_values_name_everything_by_dhis2_codes_and_list_what_is_left_out(mapped):
    report = ExportReport()
    values = list(dhis2_data_values(mapped.world.alpha, report=report))
    a2020 = {"period": "2020", "orgUnit": "OUa"}
    assert values == [
        {"dataElement": "GRADnum", **a2020, "value": "945", "comment": HYPERLINK},
        {"dataElement": "GRADden", **a2020, "value": "1056", "comment": HYPERLINK},
        {"dataElement": "KIDS", **a2020, "value": "47", "comment": "+1 call"},
        {"dataElement": "KIDS", "period": "2021", "orgUnit": "OUa", "value": "50.25"},
        {"dataElement": "STORY", **a2020, "value": "-The bus route changed."},
    ]
    assert report.written == 4
    assert [(s.row.indicator, s.row.partner, s.row.cell, s.reason) for s in report.skipped] == [
        ("grad", "a", "race=black", "<10 is censored, and DHIS2 has no censored values."),
        (
            "kids",
            "b",
            "",
            "The partner b has no DHIS2 organisation unit: add it under external_codes.",
        ),
    ]
    assert report.skipped_count == 2


def test_dhis2_skips_cells_periods_and_ambiguous_targets_with_the_reason(mapped):
    alpha = mapped.world.alpha
    ExternalCode.objects.create(initiative=alpha, kind="org_unit", code="OUb", target="b")
    ExternalCode.objects.create(initiative=alpha, kind="org_unit", code="OUb2", target="b")
    ExternalCode.objects.filter(code="BLACK").delete()
    entry = services.Entry
    mapped.report("a", "2019", [
        entry(mapped.grad, {"race": "black"}, numerator=Decimal(5), denominator=Decimal(9)),
        entry(mapped.grad, {}, numerator=Decimal(50), denominator=Decimal(90)),
    ])  # fmt: skip
    report = ExportReport()
    list(dhis2_data_values(alpha, report=report))
    reasons = {(s.row.partner, s.row.period, s.row.cell): s.reason for s in report.skipped}
    assert reasons[("a", "2019", "race=black")] == (
        "The cell race=black has no DHIS2 category option combo: add it under external_codes."
    )
    assert reasons[("b", "2021", "")] == (
        "The partner b is mapped from several DHIS2 codes (OUb, OUb2): keep one."
    )


def test_dhis2_json_is_one_object_with_the_data_values(mapped, client):
    client.force_login(mapped.world.users["data_manager"])
    url = reverse("export_download", args=["alpha"])
    response = client.get(url, {"format": "dhis2-json", "period": "2021"})
    assert response.status_code == 302  # to the check first
    check = client.get(response["Location"])
    assert check.status_code == 200
    link = re.search(r'href="([^"]*checked=1[^"]*)"', check.content.decode()).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert json.loads(body) == {
        "dataValues": [
            {"dataElement": "KIDS", "period": "2021", "orgUnit": "OUa", "value": "50.25"}
        ]
    }


def test_an_empty_dhis2_export_is_valid_json(world):
    from commonground.measurement.exports import dhis2_json_chunks

    assert json.loads("".join(dhis2_json_chunks(world.alpha))) == {"dataValues": []}


# The page ---------------------------------------------------------------------------------------


def test_the_export_page_offers_formats_and_filters(data, client):
    client.force_login(data.world.users["steering"])
    response = client.get(reverse("export_data", args=["alpha"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "6 approved values" in html
    assert 'name="format" value="xlsx"' in html
    assert '<option value="2021">2021</option>' in html
    assert '<option value="2020">2020</option>' in html
    assert all(tag.startswith("<script src=") for tag in re.findall(r"<script[^>]*>", html))


def test_csv_download_streams_an_attachment_that_is_not_cached(data, client):
    client.force_login(data.world.users["lead"])
    response = client.get(reverse("export_download", args=["alpha"]), {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-approved-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).decode() == EXPECTED_CSV


def test_xlsx_download(data, client):
    client.force_login(data.world.users["data_manager"])
    response = client.get(
        reverse("export_download", args=["alpha"]),
        {"format": "xlsx", "indicator": "kids", "partner": "b"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="alpha-approved-kids-b-'
    )
    _sheet, rows = read_sheet(io.BytesIO(b"".join(response.streaming_content)))
    assert [[c.value for c in row] for row in rows][1] == [
        "kids", "b", "2021", None, 12, None, None, "@SUM(A1)"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"format": "pdf"}, "Select a valid choice. pdf is not one of the available choices."),
        ({"format": "csv", "indicator": "nope"}, "Select a valid choice."),
        ({"format": "csv", "period": "2019"}, "Select a valid choice. 2019 is not one of"),
    ],
)
def test_a_wrong_choice_shows_the_form_again_with_the_reason(data, client, query, message):
    client.force_login(data.world.users["lead"])
    response = client.get(reverse("export_download", args=["alpha"]), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_dhis2_check_lists_what_would_be_left_out(mapped, client):
    client.force_login(mapped.world.users["data_manager"])
    response = client.get(reverse("export_dhis2_check", args=["alpha"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;10 is censored, and DHIS2 has no censored values." in html
    assert "The partner b has no DHIS2 organisation unit" in html
    assert "format=dhis2-json" in html


# The command ------------------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_csv_to_standard_output(data):
    out, err = run("--initiative", "alpha", "--format", "csv")
    assert out == EXPECTED_CSV
    assert err.strip() == "Exported 6 approved values of alpha (all approved values) as csv."


def test_command_writes_files_and_filters(data, tmp_path):
    path = tmp_path / "kids.xlsx"
    _out, err = run(
        "--initiative", "alpha", "--format", "xlsx", "--output", str(path), "--indicator", "kids"
    )
    assert err.strip() == f"Exported 3 approved values of alpha (indicator kids) as xlsx to {path}."
    _sheet, rows = read_sheet(path)
    assert len(rows) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["kids.xlsx"]  # no temporary file left


def test_command_lists_what_dhis2_cannot_take(mapped, tmp_path):
    path = tmp_path / "dhis2.json"
    _out, err = run("--initiative", "alpha", "--format", "dhis2-json", "--output", str(path))
    assert err.splitlines() == [
        f"Exported 4 approved values of alpha (all approved values) as dhis2-json to {path}.",
        "Left out 2 values that DHIS2 cannot take:",
        "  grad a 2020 [race=black]: <10 is censored, and DHIS2 has no censored values.",
        "  kids b 2021: The partner b has no DHIS2 organisation unit: add it under external_codes.",
    ]
    assert len(json.loads(path.read_text())["dataValues"]) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--initiative", "nope", "--format", "csv"],
            "There is no initiative with the slug 'nope'.",
        ),
        (
            ["--initiative", "alpha", "--format", "csv", "--period", "2024Q9"],
            "'2024Q9' is not a period code",
        ),
        (
            ["--initiative", "alpha", "--format", "csv", "--indicator", "nope"],
            "There is no indicator 'nope' in this initiative.",
        ),
        (
            ["--initiative", "alpha", "--format", "xlsx"],
            "An XLSX workbook is binary: give --output FILE.",
        ),
        (
            ["--initiative", "alpha", "--format", "csv", "--output", "/nonexistent/dir/x.csv"],
            "/nonexistent/dir/x.csv: cannot write the file",
        ),
    ],
)
def test_command_refuses_bad_input_with_one_line(data, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_command_reports_progress_on_long_exports(data, monkeypatch):
    from commonground.measurement.exports import query

    monkeypatch.setattr(query, "PROGRESS_EVERY", 2)
    _out, err = run("--initiative", "alpha", "--format", "csv")
    assert err.splitlines()[:3] == ["… 2 values", "… 4 values", "… 6 values"]


# Any stored value reads back the same ------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    comment=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))),
    # At most 15 significant digits: what SQLite keeps exactly (framework-file.md, Numbers).
    number=st.decimals(
        min_value=Decimal("-999999999.999999"), max_value=Decimal("999999999.999999"), places=6
    ),
    censor=st.sampled_from(["", "<", ">"]),
)
def test_any_stored_value_reads_back_from_the_csv_as_it_is(data, comment, number, censor):
    from django.db import transaction

    from commonground.measurement.imports.values_csv import read_values_csv

    with transaction.atomic():
        submission = data.world.partners["b"].submissions.get(period="2021")
        DataValue.objects.filter(submission=submission).update(
            value=number, censor=censor, comment=comment
        )
        text = csv_text(data.world.alpha, ExportFilters(partner="b", period="2021"))
        transaction.set_rollback(True)
    [row] = read_values_csv(io.BytesIO(text.encode()), ["race"])
    assert row.fields["comment"] == comment
    written = row.get("value")
    assert written[:1] == censor[:1] or not censor
    assert Decimal(written[len(censor) :]) == number
