"""Reading DHIS2 dataValueSets (JSON and CSV) into rows of the values file, and DHIS2 periods.

Every sample in ``data/formats/dhis2`` is read with a mapping built from the codes it uses, and
the exact rows — or the exact refusal — are asserted.
"""

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from commonground.measurement import dhis2
from commonground.measurement.imports import dhis2 as reader
from commonground.measurement.imports.dhis2 import read_dhis2_csv, read_dhis2_json
from commonground.measurement.imports.rows import ImportFileError
from commonground.measurement.models import ExternalCode, Indicator

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "formats" / "dhis2"
HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SUPPORTED = "yearly (2024), monthly (202403), quarterly (2024Q1), financial years (2024July)"
XML_REFUSAL = "DHIS2 XML is not supported; export JSON or CSV from DHIS2 (dataValueSets.json)."
NOT_MAPPED = "DHIS2 {what} '{code}' has no mapping: add it under external_codes."


def samples_dir() -> Path:
    for candidate in (SAMPLES, Path("/work/shared/data/formats/dhis2")):
        if candidate.is_dir():
            return candidate
    pytest.skip("the DHIS2 samples (../shared/data/formats/dhis2) are not here")


def map_codes(initiative, data_elements=(), org_units=(), combos=()):
    """ExternalCode rows: each argument a dict DHIS2 code → target."""
    for kind, pairs in (
        (ExternalCode.Kind.DATA_ELEMENT, data_elements),
        (ExternalCode.Kind.ORG_UNIT, org_units),
        (ExternalCode.Kind.CATEGORY_OPTION_COMBO, combos),
    ):
        for code, target in dict(pairs).items():
            ExternalCode.objects.create(initiative=initiative, kind=kind, code=code, target=target)


def indicator(initiative, code, value_type="count", frequency="monthly", **extra):
    aggregation = "ratio_of_sums" if value_type == "rate" else "sum"
    return Indicator.objects.create(
        initiative=initiative,
        code=code,
        name=code,
        value_type=value_type,
        aggregation=aggregation,
        frequency=frequency,
        **extra,
    )


def shown(rows) -> list[tuple]:
    """Rows as (line, fields without empty ones, problem messages) for exact comparison."""
    return [
        (
            row.line,
            {key: value for key, value in row.fields.items() if value != ""},
            [(p.column, p.code, p.message) for p in row.problems],
        )
        for row in rows
    ]


def read_sample(name: str, initiative):
    path = samples_dir() / name
    read = read_dhis2_csv if path.suffix == ".csv" else read_dhis2_json
    return shown(read(path, initiative))


def json_bytes(document) -> io.BytesIO:
    return io.BytesIO(json.dumps(document).encode())


def csv_bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


# The samples --------------------------------------------------------------------------------


def test_every_sample_has_a_test():
    names = {p.name for p in samples_dir().iterdir() if p.suffix != ".txt"}
    assert names == set(SAMPLE_TESTS)


@pytest.mark.django_db
def test_core_test_data_value_set_j(world):
    indicator(world.alpha, "enrolled")
    map_codes(world.alpha, {"f7n9E0hX8qk": "enrolled"}, {"DiszpKrYNg8": "a"})
    assert read_sample("core_test_dataValueSetJ.json", world.alpha) == [
        (1, {"indicator": "enrolled", "partner": "a", "period": "2012-01", "value": "10"}, []),
    ]


@pytest.mark.django_db
def test_docs_example_05_takes_period_and_org_unit_from_the_data_value_set(world):
    for code in ("visits", "tests", "cases"):
        indicator(world.alpha, code)
    map_codes(
        world.alpha,
        {"f7n9E0hX8qk": "visits", "Ix2HsbDMLea": "tests", "eY5ehpbEsB7": "cases"},
        {"DiszpKrYNg8": "a"},
    )
    common = {"partner": "a", "period": "2014-01"}
    assert read_sample("docs_example_05.json", world.alpha) == [
        (1, {"indicator": "visits", **common, "value": "1"}, []),
        (2, {"indicator": "tests", **common, "value": "2"}, []),
        (3, {"indicator": "cases", **common, "value": "3"}, []),
    ]


@pytest.mark.django_db
def test_docs_example_07_several_org_units_and_periods(world):
    indicator(world.alpha, "visits")
    map_codes(
        world.alpha,
        {"f7n9E0hX8qk": "visits"},
        {"DiszpKrYNg8": "a", "FNnj3jKGS7i": "b", "Jkhdsf8sdf4": "c"},
    )
    assert read_sample("docs_example_07.json", world.alpha) == [
        (1, {"indicator": "visits", "partner": "a", "period": "2014-01", "value": "12"}, []),
        (2, {"indicator": "visits", "partner": "b", "period": "2014-01", "value": "14"}, []),
        (3, {"indicator": "visits", "partner": "a", "period": "2014-02", "value": "16"}, []),
        (4, {"indicator": "visits", "partner": "c", "period": "2014-02", "value": "18"}, []),
    ]


@pytest.mark.django_db
def test_docs_example_08_csv_with_category_and_attribute_combos(world):
    for code in ("visits", "tests", "cases"):
        indicator(world.alpha, code)
    map_codes(
        world.alpha,
        {"f7n9E0hX8qk": "visits", "Ix2HsbDMLea": "tests", "eY5ehpbEsB7": "cases"},
        {"DiszpKrYNg8": "a"},
        {"bRowv6yZOF2": "sex=f"},  # the same combo as category and attribute: one pair
    )
    common = {"partner": "a", "period": "2014-01", "sex": "f"}
    assert read_sample("docs_example_08.csv", world.alpha) == [
        (2, {"indicator": "visits", **common, "value": "1"}, []),
        (3, {"indicator": "tests", **common, "value": "2"}, []),
        (4, {"indicator": "cases", **common, "value": "3"}, []),
    ]


PLACEHOLDER_PERIOD = (
    "period",
    "dhis2_period",
    f"'period' is not a DHIS2 period (expected {SUPPORTED}).",
)


@pytest.mark.django_db
def test_docs_example_02_is_refused_row_by_row_for_its_placeholder_period(world):
    """The docs' generic example names its period "period": every row says it is none."""
    indicator(world.alpha, "visits")
    map_codes(
        world.alpha,
        {"dataElementID": "visits"},
        {"orgUnitID": "a"},
        {"cocID": "race=black", "aocID": ""},
    )
    common = {"indicator": "visits", "partner": "a", "period": "period", "race": "black"}
    assert read_sample("docs_example_02.json", world.alpha) == [
        (n, {**common, "value": str(n), "comment": f"comment{n}"}, [PLACEHOLDER_PERIOD])
        for n in (1, 2, 3)
    ]


@pytest.mark.django_db
def test_docs_example_03_csv_with_abbreviated_header_is_refused_for_its_placeholder_period(world):
    indicator(world.alpha, "visits")
    map_codes(
        world.alpha,
        {"dataElementID": "visits"},
        {"orgUnitID": "a"},
        {"cocID": "race=black", "aocID": ""},
    )
    common = {"indicator": "visits", "partner": "a", "period": "period", "race": "black"}
    assert read_sample("docs_example_03.csv", world.alpha) == [
        (n + 1, {**common, "value": str(n), "comment": f"comment{n}"}, [PLACEHOLDER_PERIOD])
        for n in (1, 2, 3)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "core_test_dataValueSetA.xml",
        "docs_example_01.xml",
        "docs_example_04.xml",
        "docs_example_06.xml",
        "docs_example_09.xml",
        "docs_example_10.xml",
        "docs_example_11.xml",
    ],
)
@pytest.mark.parametrize("read", [read_dhis2_json, read_dhis2_csv])
def test_xml_samples_are_refused(world, name, read):
    with pytest.raises(ImportFileError) as error:
        list(read(samples_dir() / name, world.alpha))
    assert (error.value.code, str(error.value)) == ("dhis2_xml", XML_REFUSAL)


@pytest.mark.django_db
def test_docs_example_12_an_import_response_is_not_a_data_value_set(world):
    with pytest.raises(ImportFileError) as error:
        list(read_dhis2_json(samples_dir() / "docs_example_12.json", world.alpha))
    assert error.value.code == "not_dhis2"
    assert str(error.value) == (
        "This is a DHIS2 response to a request, not a dataValueSet: export the data values from "
        "DHIS2 (api/dataValueSets.json) and import that file."
    )


SAMPLE_TESTS = {
    "core_test_dataValueSetJ.json": test_core_test_data_value_set_j,
    "docs_example_02.json": test_docs_example_02_is_refused_row_by_row_for_its_placeholder_period,
    "docs_example_03.csv": test_docs_example_03_csv_with_abbreviated_header_is_refused_for_its_placeholder_period,  # noqa: E501
    "docs_example_05.json": test_docs_example_05_takes_period_and_org_unit_from_the_data_value_set,
    "docs_example_07.json": test_docs_example_07_several_org_units_and_periods,
    "docs_example_08.csv": test_docs_example_08_csv_with_category_and_attribute_combos,
    "docs_example_12.json": test_docs_example_12_an_import_response_is_not_a_data_value_set,
    **dict.fromkeys(
        [
            "core_test_dataValueSetA.xml",
            "docs_example_01.xml",
            "docs_example_04.xml",
            "docs_example_06.xml",
            "docs_example_09.xml",
            "docs_example_10.xml",
            "docs_example_11.xml",
        ],
        test_xml_samples_are_refused,
    ),
}


@pytest.mark.django_db
def test_unmapped_codes_are_row_problems_naming_dhis2_and_the_fix(world):
    rows = read_sample("docs_example_08.csv", world.alpha)
    assert rows[0] == (
        2,
        {"indicator": "f7n9E0hX8qk", "partner": "DiszpKrYNg8", "period": "2014-01", "value": "1"},
        [
            (
                "dataelement",
                "dhis2_unmapped",
                NOT_MAPPED.format(what="data element", code="f7n9E0hX8qk"),
            ),
            (
                "orgunit",
                "dhis2_unmapped",
                NOT_MAPPED.format(what="organisation unit", code="DiszpKrYNg8"),
            ),
            (
                "categoryoptioncombo",
                "dhis2_unmapped",
                NOT_MAPPED.format(what="category option combo", code="bRowv6yZOF2"),
            ),
            (
                "attributeoptioncombo",
                "dhis2_unmapped",
                NOT_MAPPED.format(what="attribute option combo", code="bRowv6yZOF2"),
            ),
        ],
    )


# Rows: rates, defaults, deleted values, booleans ---------------------------------------------


@pytest.fixture
def mapped(world):
    """alpha with a rate, a count and a yes/no indicator, all mapped, and a race combo."""
    indicator(world.alpha, "grad", value_type="rate", frequency="annual")
    indicator(world.alpha, "enrolled", frequency="annual")
    indicator(world.alpha, "has_plan", value_type="yes_no", frequency="annual")
    map_codes(
        world.alpha,
        {"NUM": "grad.numerator", "DEN": "grad.denominator", "ENR": "enrolled", "YN": "has_plan"},
        {"OUa": "a", "OUb": "b"},
        {"BLACK": "race=black", "FEMALE": "sex=f", "OTHERRACE": "race=white"},
    )
    return world.alpha


def dv(element, value, org_unit="OUa", period="2024", **extra):
    return {"dataElement": element, "period": period, "orgUnit": org_unit, "value": value, **extra}


@pytest.mark.django_db
def test_the_two_parts_of_a_rate_become_one_row_in_any_order(mapped):
    values = [
        dv("DEN", "200", categoryOptionCombo="BLACK"),
        dv("ENR", "500"),
        dv("NUM", "150", org_unit="OUb"),
        dv("NUM", "180", categoryOptionCombo="BLACK", comment="checked"),
        dv("DEN", "250", org_unit="OUb"),
    ]
    rows = shown(read_dhis2_json(json_bytes({"dataValues": values}), mapped))
    common = {"indicator": "grad", "period": "2024"}
    assert rows == [
        (2, {"indicator": "enrolled", "partner": "a", "period": "2024", "value": "500"}, []),
        (
            1,
            {
                **common,
                "partner": "a",
                "race": "black",
                "numerator": "180",
                "denominator": "200",
                "comment": "checked",
            },
            [],
        ),
        (3, {**common, "partner": "b", "numerator": "150", "denominator": "250"}, []),
    ]


@pytest.mark.django_db
def test_a_rate_missing_a_part_is_left_for_the_engine_to_refuse(mapped):
    values = [dv("NUM", "1"), dv("NUM", "2"), dv("DEN", "5", org_unit="OUb")]
    rows = shown(read_dhis2_json(json_bytes({"dataValues": values}), mapped))
    common = {"indicator": "grad", "period": "2024"}
    assert rows == [
        (1, {**common, "partner": "a", "numerator": "1"}, []),
        (2, {**common, "partner": "a", "numerator": "2"}, []),
        (3, {**common, "partner": "b", "denominator": "5"}, []),
    ]


@pytest.mark.django_db
def test_root_defaults_apply_and_a_data_value_overrides_them(mapped):
    document = {
        "dataSet": "pBOMPrpg1QX",
        "period": "2023",
        "orgUnit": "OUa",
        "attributeOptionCombo": "FEMALE",
        "dataValues": [
            {"dataElement": "ENR", "value": "1"},
            {"dataElement": "ENR", "value": "2", "period": "2024", "orgUnit": "OUb"},
            {"dataElement": "ENR", "value": "3", "attributeOptionCombo": "HllvX50cXC0"},
        ],
    }
    assert shown(read_dhis2_json(json_bytes(document), mapped)) == [
        (
            1,
            {"indicator": "enrolled", "partner": "a", "period": "2023", "sex": "f", "value": "1"},
            [],
        ),
        (
            2,
            {"indicator": "enrolled", "partner": "b", "period": "2024", "sex": "f", "value": "2"},
            [],
        ),
        (3, {"indicator": "enrolled", "partner": "a", "period": "2023", "value": "3"}, []),
    ]


@pytest.mark.django_db
def test_a_default_given_after_data_values_that_needed_it_is_refused(mapped):
    text = (
        '{"dataValues": [{"dataElement": "ENR", "orgUnit": "OUa", "value": "1"}], "period": "2024"}'
    )
    with pytest.raises(ImportFileError) as error:
        list(read_dhis2_json(io.BytesIO(text.encode()), mapped))
    assert error.value.code == "dhis2_late_default"
    assert "'period' after data values that leave it out" in str(error.value)
    # Given after data values that all had their own period, it is harmless.
    text = text.replace('"orgUnit"', '"period": "2023", "orgUnit"')
    assert [r.fields["period"] for r in read_dhis2_json(io.BytesIO(text.encode()), mapped)] == [
        "2023"
    ]


@pytest.mark.django_db
def test_deleted_values_are_skipped(mapped):
    values = [
        dv("ENR", "1", deleted=True),
        dv("ENR", "2", deleted=False),
        dv("ENR", "3", deleted="true"),
    ]
    rows = list(read_dhis2_json(json_bytes({"dataValues": values}), mapped))
    assert [(r.line, r.fields["value"]) for r in rows] == [(2, "2")]
    text = "ENR,2024,OUa,,,5,,,,,true\nENR,2024,OUa,,,6,,,,,false\n"
    rows = list(read_dhis2_csv(csv_bytes(text), mapped))
    assert [(r.line, r.fields["value"]) for r in rows] == [(2, "6")]


@pytest.mark.django_db
def test_booleans_of_a_yes_no_indicator_are_one_and_zero(mapped):
    values = [dv("YN", True), dv("YN", "false", org_unit="OUb"), dv("ENR", "true")]
    rows = list(read_dhis2_json(json_bytes({"dataValues": values}), mapped))
    assert [r.fields["value"] for r in rows] == ["1", "0", "true"]  # "true" is no count


@pytest.mark.django_db
def test_numbers_keep_their_written_digits(mapped):
    text = json.dumps({"dataValues": [dv("ENR", "__")]}).replace('"__"', "0.10")
    assert [r.fields["value"] for r in read_dhis2_json(io.BytesIO(text.encode()), mapped)] == [
        "0.10"
    ]


@pytest.mark.django_db
def test_two_combos_giving_two_values_of_one_dimension_are_a_problem(mapped):
    values = [dv("ENR", "1", categoryOptionCombo="BLACK", attributeOptionCombo="OTHERRACE")]
    [row] = shown(read_dhis2_json(json_bytes({"dataValues": values}), mapped))
    assert row[2] == [
        (
            "attributeOptionCombo",
            "dhis2_mapping",
            "The category and attribute option combos give two values of 'race' (black and white).",
        )
    ]


@pytest.mark.django_db
def test_an_unsupported_period_is_a_problem_of_its_row(mapped):
    values = [dv("ENR", "1", period="2024W10"), dv("ENR", "2", period="2024April")]
    rows = shown(read_dhis2_json(json_bytes({"dataValues": values}), mapped))
    assert [problems for _line, _fields, problems in rows] == [
        [
            (
                "period",
                "dhis2_period",
                "DHIS2 period '2024W10' is weekly, and Commonground has no weekly periods "
                f"(it reads {SUPPORTED}).",
            )
        ],
        [
            (
                "period",
                "dhis2_period",
                "DHIS2 period '2024April' is a financial year starting in April; this "
                "initiative's fiscal year starts in July and its school year in July.",
            )
        ],
    ]


# CSV layout -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_without_a_header_uses_dhis2_column_order(mapped):
    text = (
        "ENR,202403,OUa,,,12,admin,2024-04-01,hello,false\r\n"
        "\r\n"
        '"ENR","2024Q1","OUb","BLACK","","13"\r\n'
        "ENR,2024,OUa\r\n"
    )
    mapped.indicators.filter(code="enrolled").update(frequency="monthly")
    rows = shown(read_dhis2_csv(csv_bytes(text), mapped))
    assert rows == [
        (
            1,
            {
                "indicator": "enrolled",
                "partner": "a",
                "period": "2024-03",
                "value": "12",
                "comment": "hello",
            },
            [],
        ),
        (
            3,
            {
                "indicator": "enrolled",
                "partner": "b",
                "period": "2024Q1",
                "race": "black",
                "value": "13",
            },
            [],
        ),
        (4, {"indicator": "enrolled", "partner": "a", "period": "2024"}, []),
    ]


@pytest.mark.django_db
def test_csv_header_in_another_order_with_the_dhis2_core_misspelling(mapped):
    text = "value,orgunit,period,dataelelement,comment,extra\n7,OUb,2024,ENR,ok,x\n"
    assert shown(read_dhis2_csv(csv_bytes("\ufeff" + text), mapped)) == [
        (
            2,
            {
                "indicator": "enrolled",
                "partner": "b",
                "period": "2024",
                "value": "7",
                "comment": "ok",
            },
            [],
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty_file", "The file is empty."),
        (
            b"dataelement,period,value\n",
            "missing_column",
            "The DHIS2 CSV header has no orgunit column.",
        ),
        (
            b'{"dataValues": []}',
            "wrong_format",
            "This is DHIS2 JSON, not CSV: import it as a DHIS2 JSON file.",
        ),
        (b"ENR,2024,OUa,,,\xff\n", "bad_encoding", "The file is not UTF-8 text (near row 1)."),
        (
            b"ENR,2024,OUa,,,1\nENR\x00,2024\n",
            "bad_encoding",
            "Line 2 holds a NUL character: this is not a UTF-8 text file.",
        ),
    ],
)
def test_csv_files_that_cannot_be_read_are_refused(mapped, data, code, message):
    with pytest.raises(ImportFileError) as error:
        list(read_dhis2_csv(io.BytesIO(data), mapped))
    assert (error.value.code, str(error.value)) == (code, message)


# JSON layout ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty_file", "The file is empty."),
        (b"  \n", "empty_file", "The file is empty."),
        (
            b"[]",
            "not_dhis2",
            "This is not a DHIS2 dataValueSet: the file must hold one JSON object.",
        ),
        (b"{}", "not_dhis2", "This is not a DHIS2 dataValueSet: it has no 'dataValues' list."),
        (b'{"dataValues": [1]}', "bad_json", "Data value 1 (line 1) is not a JSON object."),
        (
            b'{"dataValues": [\n{"value": "1"},\n{"value": "2"]}',
            "bad_json",
            "The file is not valid JSON at line 3: a ',' is missing.",
        ),
        (
            b'{"dataValues": []} []',
            "bad_json",
            "The file is not valid JSON at line 1: there is more after the dataValueSet.",
        ),
        (
            b'{"dataValues": [{"value": "1}]}',
            "bad_json",
            "The file is not valid JSON at line 1: a text in quotes is not closed.",
        ),
        (
            b'{"dataValues": [{"value": "\xff"}]}',
            "bad_encoding",
            "The file is not UTF-8 text (near line 1).",
        ),
        (b"<dataValueSet/>", "dhis2_xml", XML_REFUSAL),
    ],
)
def test_json_files_that_cannot_be_read_are_refused(mapped, data, code, message):
    with pytest.raises(ImportFileError) as error:
        list(read_dhis2_json(io.BytesIO(data), mapped))
    assert (error.value.code, str(error.value)) == (code, message)


@pytest.mark.django_db
def test_a_data_value_larger_than_the_limit_is_refused_without_reading_on(mapped, monkeypatch):
    monkeypatch.setattr(reader, "MAX_VALUE_CHARS", 1000)
    monkeypatch.setattr(reader, "CHUNK_CHARS", 100)
    text = '{"dataValues": [\n' + json.dumps(dv("ENR", "1", comment="x" * 5000)) + "]}"
    with pytest.raises(ImportFileError) as error:
        list(read_dhis2_json(io.BytesIO(text.encode()), mapped))
    assert error.value.code == "field_too_large"
    assert str(error.value) == "A value of the file at line 2 is longer than 1,000 characters."


@pytest.mark.django_db
def test_a_byte_order_mark_and_a_path_are_fine(mapped, tmp_path):
    path = tmp_path / "values.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"dataValues": [dv("ENR", "4")]}).encode())
    assert [r.fields["value"] for r in read_dhis2_json(path, mapped)] == ["4"]
    assert [r.fields["value"] for r in read_dhis2_json(str(path), mapped)] == ["4"]


data_value = st.fixed_dictionaries(
    {
        "dataElement": st.sampled_from(["ENR", "YN", "UNKNOWN"]),
        "period": st.sampled_from(["2024", "202403", "2024Q2", "2024July", "2024W3"]),
        "orgUnit": st.sampled_from(["OUa", "OUb"]),
        "value": st.one_of(st.integers(-(10**6), 10**6).map(str), st.text(max_size=20)),
    },
    optional={
        "comment": st.text(max_size=300),
        "categoryOptionCombo": st.sampled_from(["", "HllvX50cXC0", "BLACK", "FEMALE"]),
        "storedBy": st.text(max_size=10),
        "followup": st.booleans(),
    },
)


@HYPOTHESIS
@given(
    values=st.lists(data_value, max_size=25),
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(1, 200),
    ascii_only=st.booleans(),
)
@pytest.mark.django_db
def test_any_chunking_gives_the_same_rows_as_reading_the_whole_file(
    mapped, monkeypatch, values, indent, chunk, ascii_only
):
    """The incremental scanner agrees with ``json.loads`` however the file is cut."""
    data = json.dumps(
        {"dataSet": "x", "dataValues": values}, indent=indent, ensure_ascii=ascii_only
    )
    with monkeypatch.context() as patch:
        patch.setattr(reader, "CHUNK_CHARS", chunk)
        streamed = shown(read_dhis2_json(io.BytesIO(data.encode()), mapped))
    whole = shown(read_dhis2_json(io.BytesIO(data.encode()), mapped))
    assert streamed == whole
    assert [fields.get("value", "") for _l, fields, _p in streamed] == [
        "1"
        if v["dataElement"] == "YN" and v["value"].strip().lower() == "true"
        else "0"
        if v["dataElement"] == "YN" and v["value"].strip().lower() == "false"
        else v["value"]
        for v in json.loads(data)["dataValues"]
    ]


@HYPOTHESIS
@given(data=st.binary(max_size=400), as_csv=st.booleans())
@pytest.mark.django_db
def test_any_bytes_give_rows_or_a_refusal_never_a_crash(mapped, data, as_csv):
    read = read_dhis2_csv if as_csv else read_dhis2_json
    try:
        rows = list(read(io.BytesIO(data), mapped))
    except ImportFileError as error:
        assert str(error)
        return
    for row in rows:
        assert row.line >= 1
        assert all(isinstance(v, str) for v in row.fields.values())


@HYPOTHESIS
@given(
    text=st.text(
        st.sampled_from(list('{}[],:"\\ \n0123456789.-etruflsnaVd')) | st.characters(), max_size=200
    )
)
@pytest.mark.django_db
def test_json_like_text_gives_rows_or_a_refusal(mapped, text):
    assume(text)
    with contextlib.suppress(ImportFileError):
        list(read_dhis2_json(io.BytesIO(text.encode("utf-8", "surrogatepass")), mapped))


# Periods ------------------------------------------------------------------------------------


class Months:
    def __init__(self, fiscal=7, school=7):
        self.fiscal_year_start_month = fiscal
        self.school_year_start_month = school


@pytest.mark.parametrize(
    ("code", "months", "frequency", "expected"),
    [
        ("2024", Months(), None, "2024"),
        ("202403", Months(), None, "2024-03"),
        ("2024-03", Months(), None, "2024-03"),
        ("2024Q1", Months(), None, "2024Q1"),
        ("2024July", Months(), None, "FY2024"),
        ("2024July", Months(), "school_year", "SY2024-25"),
        ("2024July", Months(), "fiscal_year", "FY2024"),
        ("2024July", Months(fiscal=10), None, "SY2024-25"),
        ("2024April", Months(fiscal=4), None, "FY2024"),
        ("2024Oct", Months(fiscal=10), "fiscal_year", "FY2024"),
        ("2024Nov", Months(fiscal=11), None, "FY2024"),
        ("2024Feb", Months(fiscal=2), None, "FY2024"),
        ("2024Aug", Months(school=8), None, "SY2024-25"),
        ("2024Sep", Months(school=9), None, "SY2024-25"),
        ("2099", Months(), None, "2099"),
        ("2024", Months(fiscal=1), "fiscal_year", "FY2024"),
        ("2024", Months(fiscal=1), "annual", "2024"),
        ("2024", Months(fiscal=1), None, "2024"),
        (" 2024Q4 ", Months(), None, "2024Q4"),
    ],
)
def test_dhis2_periods_become_ours(code, months, frequency, expected):
    assert dhis2.from_dhis2_period(code, months, frequency) == expected


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("20240315", "daily"),
        ("2024W10", "weekly"),
        ("2015SunW8", "weekly"),
        ("2015BiW1", "bi-weekly"),
        ("200401B", "bi-monthly"),
        ("2004S1", "six-monthly"),
        ("2004AprilS2", "six-monthly"),
        ("2004NovQ1", "November-quarterly"),
    ],
)
def test_dhis2_period_types_we_do_not_have_are_refused_by_name(code, kind):
    with pytest.raises(dhis2.Dhis2Error) as error:
        dhis2.from_dhis2_period(code, Months())
    assert str(error.value) == (
        f"DHIS2 period '{code}' is {kind}, and Commonground has no {kind} periods "
        f"(it reads {SUPPORTED})."
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("202413", "DHIS2 period '202413' has no month 13."),
        ("2024Q5", f"'2024Q5' is not a DHIS2 period (expected {SUPPORTED})."),
        ("LAST_YEAR", f"'LAST_YEAR' is not a DHIS2 period (expected {SUPPORTED})."),
        ("", f"'' is not a DHIS2 period (expected {SUPPORTED})."),
        ("٢٠٢٤", f"'٢٠٢٤' is not a DHIS2 period (expected {SUPPORTED})."),
        (
            "2024Oct",
            "DHIS2 period '2024Oct' is a financial year starting in October; this initiative's "
            "fiscal year starts in July and its school year in July.",
        ),
    ],
)
def test_periods_we_have_no_equivalent_for_are_refused_with_the_reason(code, message):
    with pytest.raises(dhis2.Dhis2Error) as error:
        dhis2.from_dhis2_period(code, Months())
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("code", "months", "expected"),
    [
        ("2024", Months(), "2024"),
        ("2024-03", Months(), "202403"),
        ("2024Q2", Months(), "2024Q2"),
        ("FY2024", Months(), "2024July"),
        ("FY2024", Months(fiscal=4), "2024April"),
        ("FY2024", Months(fiscal=1), "2024"),
        ("SY2024-25", Months(school=8), "2024Aug"),
    ],
)
def test_our_periods_become_dhis2s(code, months, expected):
    assert dhis2.to_dhis2_period(code, months) == expected


@pytest.mark.parametrize(
    ("code", "months", "message"),
    [
        (
            "FY2024",
            Months(fiscal=3),
            "DHIS2 has no financial year starting in March, so FY2024 cannot be written as a "
            "DHIS2 period.",
        ),
        (
            "SY2024-25",
            Months(school=6),
            "DHIS2 has no financial year starting in June, so SY2024-25 cannot be written as a "
            "DHIS2 period.",
        ),
    ],
)
def test_our_periods_dhis2_has_no_equivalent_for(code, months, message):
    with pytest.raises(dhis2.Dhis2Error) as error:
        dhis2.to_dhis2_period(code, months)
    assert str(error.value) == message


@given(
    year=st.integers(1900, 2200),
    frequency=st.sampled_from(["annual", "quarterly", "monthly", "school_year", "fiscal_year"]),
    part=st.integers(1, 12),
    fiscal=st.integers(1, 12),
    school=st.integers(1, 12),
)
def test_every_period_dhis2_can_name_reads_back_the_same(year, frequency, part, fiscal, school):
    code = {
        "annual": f"{year}",
        "quarterly": f"{year}Q{(part - 1) // 3 + 1}",
        "monthly": f"{year}-{part:02d}",
        "school_year": f"SY{year}-{(year + 1) % 100:02d}",
        "fiscal_year": f"FY{year}",
    }[frequency]
    months = Months(fiscal=fiscal, school=school)
    try:
        written = dhis2.to_dhis2_period(code, months)
    except dhis2.Dhis2Error:
        start = school if frequency == "school_year" else fiscal
        assert start not in (1, *dhis2.FINANCIAL_YEARS.values())
        return
    assert dhis2.from_dhis2_period(written, months, frequency) == code
