"""Random and malformed files against every values-file importer (hypothesis).

Whatever the file — random bytes, a random CSV with random columns and values, a random Excel
workbook — the import ends ``succeeded`` or ``rejected`` (never ``failed``: no exception escapes
but the engine's own clean refusal), a refused file leaves the database exactly as it was, and
the counts account for every row.
"""

import csv
import io
import json
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from commonground.measurement.models import DataValue, ImportJob
from tests.measurement.imports_world import (
    imports_world,  # noqa: F401 — the fixture
    run_import,
    snapshot_database,
)

Status = ImportJob.Status
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COLUMNS = [
    "indicator",
    "Indicator",
    "partner",
    "PERIOD",
    "period",
    "race",
    "sex",
    "value",
    "numerator",
    "denominator",
    "comment",
    "colour",
    "",
    " value ",
]
TEXTS = st.sampled_from(
    [
        "",
        "grad_rate",
        "kinder_ready",
        "enrolled",
        "story",
        "nope",
        "albemarle",
        "cville",
        "a",
        "b",
        "nobody",
        "2024",
        "2023",
        "2025",
        "2024Q1",
        "SY2018-19",
        "SY2018-20",
        "black",
        "white",
        "purple",
        "f",
        "m",
        "1",
        "0",
        "47.7",
        "-3",
        "1e3",
        "<10",
        ">95",
        "1,5",
        "=SUM(A1:A9)",
        "+1",
        "@cmd",
        "99999999999999999",
        "NaN",
        "Infinity",
        "\u00e9t\u00e9",
        "a;b=c",
        " 12 ",
    ]
)
ANY_TEXT = st.one_of(TEXTS, st.text(max_size=20), st.integers(-(10**16), 10**16).map(str))


def check_outcome(job, before):
    assert job.status in (Status.SUCCEEDED, Status.REJECTED), job.message
    after = snapshot_database()
    if job.dry_run or job.status == Status.REJECTED:
        assert after["values"] == before["values"]
        assert after["reports"] == before["reports"]
        assert after["audit"] == before["audit"]
    else:
        created = job.counts["created"]
        assert len(after["values"]) == len(before["values"]) + created
    assert after["tables"] == []  # the scratch tables are gone
    counts = job.counts or {}
    if counts:
        accounted = sum(counts[k] for k in ("created", "updated", "unchanged", "rejected"))
        assert accounted == counts["rows"]


@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes(iw, data):
    path = iw.tmp / "random.csv"
    path.write_bytes(data)
    before = snapshot_database()
    check_outcome(run_import(iw, path), before)


@st.composite
def csv_files(draw):
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=0, max_size=9))
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(ANY_TEXT, min_size=max(width - 1, 0), max_size=width + 1),
            max_size=12,
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data


@SETTINGS
@given(data=csv_files(), dry_run=st.booleans())
def test_random_csv(iw, data, dry_run):
    path = iw.tmp / "random.csv"
    path.write_bytes(data)
    before = snapshot_database()
    check_outcome(run_import(iw, path, dry_run=dry_run), before)


@st.composite
def good_csv_files(draw):
    """Files of valid rows, maybe with a duplicate or a bad row somewhere."""
    rows = []
    for year in draw(st.lists(st.integers(2000, 2024), unique=True, min_size=1, max_size=8)):
        partner = draw(st.sampled_from(["a", "b", "cville"]))
        rows.append(["enrolled", partner, str(year), "", str(draw(st.integers(0, 500))), ""])
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), draw(st.sampled_from(rows)))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), ["enrolled", "a", "1999", "", "x", ""])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["indicator", "partner", "period", "race", "value", "comment"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


@SETTINGS
@given(data=good_csv_files())
def test_all_or_nothing_and_reimport(iw, data):
    path = iw.tmp / "values.csv"
    path.write_bytes(data)
    before = snapshot_database()
    job = run_import(iw, path)
    check_outcome(job, before)
    if job.status == Status.SUCCEEDED:
        written = snapshot_database()
        again = run_import(iw, path)
        assert again.status == Status.SUCCEEDED
        assert again.counts["created"] == again.counts["updated"] == 0
        assert snapshot_database() == written
    DataValue.objects.all().delete()


CELL_VALUES = st.one_of(
    TEXTS,
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1)),
    st.sampled_from(["=1+1", "=A1", '=HYPERLINK("http://x")']),
)


@SETTINGS
@given(
    header=st.lists(st.sampled_from(COLUMNS), max_size=8),
    rows=st.lists(st.lists(CELL_VALUES, max_size=9), max_size=8),
)
def test_random_xlsx(iw, header, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = iw.tmp / "random.xlsx"
    book.save(path)
    before = snapshot_database()
    check_outcome(run_import(iw, path), before)


@SETTINGS
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
            lambda children: st.one_of(
                st.lists(children, max_size=4),
                st.dictionaries(
                    st.sampled_from(
                        ["dataValues", "period", "orgUnit", "dataElement", "value", "x"]
                    ),
                    children,
                    max_size=5,
                ),
            ),
            max_leaves=20,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    file_format=st.sampled_from(["dhis2_json", "dhis2_csv"]),
)
def test_random_dhis2_files(iw, data, file_format):
    path = iw.tmp / "random.json"
    path.write_bytes(data)
    before = snapshot_database()
    check_outcome(run_import(iw, path, file_format=file_format), before)
