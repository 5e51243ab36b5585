"""Approved values in the values-file format (SPEC §5.2), as CSV: what the importer reads back.

Columns: ``indicator``, ``partner``, ``period``, one column per dimension of the initiative
(sorted by code; empty is the total over that dimension), ``value``, ``numerator``,
``denominator``, ``comment``. Numbers are written plainly (``47.7``, ``945``); a censored value
keeps its direction in the field that holds its bound (``<10`` in ``numerator`` for a rate, in
``value`` otherwise), exactly as it was entered; a narrative's text is in ``value``.

The CSV is the exchange format and is written exactly, so that it reads back to the same values
(a comment that starts with ``=`` stays as it is). Spreadsheet users get the XLSX export, whose
text cells can never run as formulas (``xlsx.py``).
"""

import csv
from collections.abc import Iterator

from commonground.measurement.cells import parse_cell_key
from commonground.measurement.exports.query import (
    ALL,
    ExportFilters,
    ExportReport,
    ExportRow,
    approved_values,
    plain_number,
)
from commonground.measurement.models import Dimension

LEADING = ["indicator", "partner", "period"]
TRAILING = ["value", "numerator", "denominator", "comment"]
CHUNK_BYTES = 64 * 1024


def dimension_codes(initiative) -> list[str]:
    return list(
        Dimension.objects.filter(initiative=initiative)
        .order_by("code")
        .values_list("code", flat=True)
    )


def header(dimensions: list[str]) -> list[str]:
    return [*LEADING, *dimensions, *TRAILING]


def row_fields(row: ExportRow, dimensions: list[str]) -> list:
    """The row's cells: text for codes, comments and censored values; ``Decimal`` or ``None``
    for numbers (the CSV writes them plainly, the XLSX as numbers)."""
    pairs = parse_cell_key(row.cell)
    value, numerator = row.value, row.numerator
    if row.censor:  # the bound, with its direction, in the field that holds it
        if row.is_rate:
            numerator = f"{row.censor}{plain_number(numerator)}"
        else:
            value = f"{row.censor}{plain_number(value)}"
    if row.is_narrative:
        value = row.text
    return [
        row.indicator,
        row.partner,
        row.period,
        *(pairs.get(code, "") for code in dimensions),
        value,
        numerator,
        row.denominator,
        row.comment,
    ]


def _as_text(field) -> str:
    if field is None:
        return ""
    if isinstance(field, str):
        return field
    return plain_number(field)


class _Buffer:
    """A file-like sink for ``csv.writer`` that hands back what was written."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.size = [], 0
        return text


def csv_chunks(
    initiative, filters: ExportFilters = ALL, report: ExportReport | None = None
) -> Iterator[str]:
    """The CSV file in pieces of about 64 KB, for a streaming response or a file."""
    report = report if report is not None else ExportReport()
    dimensions = dimension_codes(initiative)
    buffer = _Buffer()
    writer = csv.writer(buffer)
    writer.writerow(header(dimensions))
    for row in approved_values(initiative, filters):
        writer.writerow([_as_text(field) for field in row_fields(row, dimensions)])
        report.wrote()
        if buffer.size >= CHUNK_BYTES:
            yield buffer.take()
    yield buffer.take()


def write_csv(
    initiative, out, filters: ExportFilters = ALL, report: ExportReport | None = None
) -> None:
    """Write the CSV to ``out``, a text file opened with ``newline=""``."""
    for chunk in csv_chunks(initiative, filters, report):
        out.write(chunk)
