"""Approved values as an Excel workbook, in the values-file layout, safe to open (SPEC §6).

One sheet, ``values``, with the columns of the CSV (``values_file.py``). Numbers are number
cells. Every text cell is written as an explicit string, never as a formula, so a comment such
as ``=HYPERLINK("http://evil", "click")`` is shown as the text it is; a text that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return also gets Excel's quote prefix (the hidden
apostrophe), so that editing the cell in Excel keeps it text. The text itself is not changed.

Written with openpyxl's write-only mode, which streams rows to a temporary file (texts are
inline strings, so there is no shared-strings table growing in memory): memory stays flat.
Limits of the format: characters XML cannot hold (control characters other than tab, line feed
and carriage return) become U+FFFD; a carriage return is read back as a line feed by XML readers;
a text longer than Excel's 32,767 characters is cut there; Excel keeps 15 significant digits of a
number. The CSV export has none of these limits.
"""

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from commonground.measurement.exports.query import (
    ALL,
    ExportFilters,
    ExportReport,
    approved_values,
    plain_number,
)
from commonground.measurement.exports.values_file import dimension_codes, header, row_fields

SHEET = "values"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32767  # Excel's limit for one cell


def text_cell(sheet, text: str, *, bold: bool = False) -> WriteOnlyCell:
    """A string cell that cannot run as a formula, whatever it holds."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)[:MAX_TEXT]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would make a formula of a text that starts with "="
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def number(value: Decimal):
    """A number cell's value: an ``int`` when whole, else a ``Decimal`` without exponent."""
    text = plain_number(value)
    return int(text) if "." not in text else Decimal(text)


def _cell(sheet, field):
    if field is None or field == "":
        return None
    if isinstance(field, str):
        return text_cell(sheet, field)
    return number(field)


def write_xlsx(
    initiative, out, filters: ExportFilters = ALL, report: ExportReport | None = None
) -> None:
    """Write the workbook to ``out`` (a path or a binary file opened for writing)."""
    report = report if report is not None else ExportReport()
    dimensions = dimension_codes(initiative)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, name, bold=True) for name in header(dimensions)])
    for row in approved_values(initiative, filters):
        sheet.append([_cell(sheet, field) for field in row_fields(row, dimensions)])
        report.wrote()
    workbook.save(out)
