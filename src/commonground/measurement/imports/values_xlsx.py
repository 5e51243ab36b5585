"""Reading the values file as an Excel workbook (.xlsx), one row at a time.

The first sheet is read with openpyxl in read-only mode (rows are streamed from the sheet's XML,
not loaded whole). The first row is the header; row numbers are the sheet's own. Cell values are
taken as stored: a number as written (``47.7``, a whole number without ``.0``), text as is, a
date as ``YYYY-MM-DD``, TRUE/FALSE as 1/0. A cell holding a formula is refused — never
calculated, and its cached result never trusted: the row gets a ``formula_cell`` problem naming
the column. A cell holding an Excel error (``#DIV/0!``) gets ``cell_error``.

Formula-looking *text* (a cell typed as text whose content starts with ``=``) is data like any
other text: refused as a number, kept as text in a comment.

Memory: openpyxl keeps the workbook's shared-strings table in memory, so a sheet with a million
distinct texts costs memory in proportion; numbers and codes repeated across rows do not.
"""

import datetime
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from commonground.measurement.imports.header import read_header
from commonground.measurement.imports.rows import ImportFileError, RawRow, RowProblem


def read_values_xlsx(source, dimension_codes) -> Iterator[RawRow]:
    """The rows of the first sheet of the workbook ``source`` (a path or a binary file)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(source, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ParseError, ValueError):
        raise ImportFileError(
            _("This file cannot be read as an Excel workbook (.xlsx)."), code="bad_xlsx"
        ) from None
    try:
        yield from _rows(workbook, dimension_codes)
    except (zipfile.BadZipFile, KeyError, ParseError, ValueError, EOFError) as problem:
        # A workbook whose sheet is damaged past the first bytes.
        raise ImportFileError(
            _("This workbook is damaged and cannot be read (%(problem)s).")
            % {"problem": type(problem).__name__},
            code="bad_xlsx",
        ) from None
    finally:
        workbook.close()


def _rows(workbook, dimension_codes) -> Iterator[RawRow]:
    if not workbook.worksheets:
        raise ImportFileError(_("The workbook has no sheet."), code="empty_file")
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The first sheet is empty."), code="empty_file")
    names = []
    for cell in first:
        text, problem = _text(cell, "")
        if problem is not None:
            raise ImportFileError(
                _("The header row must hold plain text: %(problem)s")
                % {"problem": problem.message},
                code="bad_header",
                line=1,
            )
        names.append(text)
    header = read_header(names, dimension_codes)
    width = header.width
    for cells in rows:
        line = _row_number(cells)
        if line is None:
            continue
        fields, problems = {}, []
        for position, cell in enumerate(cells):
            if position >= width:
                if cell.value not in (None, ""):
                    problems.append(
                        RowProblem(
                            "",
                            "ragged_row",
                            _("Row %(row)s has a value in column %(col)s, past the header's.")
                            % {"row": line, "col": position + 1},
                        )
                    )
                    break
                continue
            field = header.fields[position]
            text, problem = _text(cell, header.columns[field])
            fields[field] = text
            if problem is not None:
                problems.append(problem)
        if not problems and not any(fields.values()):
            continue  # an empty row
        yield RawRow(line, fields, header.columns, tuple(problems))


def _row_number(cells) -> int | None:
    for cell in cells:
        row = getattr(cell, "row", None)
        if row is not None:
            return row
    return None


def _text(cell, column: str) -> tuple[str, RowProblem | None]:
    """The cell as the text a CSV would hold, or a problem (formula, Excel error)."""
    value = cell.value
    kind = getattr(cell, "data_type", None)
    if kind == "f":
        return "", RowProblem(
            column,
            "formula_cell",
            _(
                "The cell in column '%(column)s' holds a formula; give the value itself "
                "(formulas are never calculated on import)."
            )
            % {"column": column},
        )
    if kind == "e":
        return "", RowProblem(
            column,
            "cell_error",
            _("The cell in column '%(column)s' holds the spreadsheet error %(error)s.")
            % {"column": column, "error": value},
        )
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("1" if value else "0"), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)), None
        # repr is the shortest text that reads back as the same float (0.1, not 0.1000…01).
        return repr(value), None
    if isinstance(value, Decimal):
        return format(value, "f"), None
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat(), None
        return value.isoformat(sep=" "), None
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat(), None
    return str(value), None
