"""Reading the values file as CSV (SPEC §5.2), one row at a time.

What is accepted: UTF-8 with or without a byte-order mark; fields separated by commas,
semicolons or tabs (whichever the header row uses — a spreadsheet saved in a language that
writes decimal commas separates by semicolons); quotes as spreadsheets write them (``"a, b"``,
``""`` for a quote inside); line ends of any system. Numbers are read later, by the engine, with
a point for decimals and no thousands separators.

What is refused, with the row where it was found: bytes that are not UTF-8 (the first one is
named), NUL characters (a sign of a UTF-16 file or of a binary file), a field longer than
``csv.field_size_limit()`` characters, a physical line longer than ``MAX_LINE_CHARS`` (so a file
without line ends cannot fill the memory). Rows with more fields than the header are problems of
that row (unless the extra fields are empty); rows with fewer fields too.

The row number (``RawRow.line``) is the row as a spreadsheet program shows it: the header is
row 1, every record counts one — a quoted field over several lines is one row, a blank line is a
row (and is skipped).
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from commonground.measurement.imports.header import Header, read_header
from commonground.measurement.imports.rows import ImportFileError, RawRow, RowProblem

DELIMITERS = (",", ";", "\t")
# A physical line longer than this is refused before it is held in memory whole.
MAX_LINE_CHARS = 4 * 1024 * 1024
_SURROGATE = re.compile("[\udc80-\udcff]")
# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def read_values_csv(source, dimension_codes) -> Iterator[RawRow]:
    """The rows of the values file ``source`` (a path or a binary file), header checked first.

    ``dimension_codes``: the initiative's dimension codes, the only columns allowed besides the
    fixed ones. Raises ``ImportFileError`` for a file that cannot be read as a whole.
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as binary:
            yield from _CsvReader(binary, dimension_codes).rows()
    else:
        yield from _CsvReader(source, dimension_codes).rows()


class _CsvReader:
    def __init__(self, binary, dimension_codes):
        self.binary = binary
        self.dimension_codes = list(dimension_codes)
        self.row = 0  # the row being read, as a spreadsheet numbers it

    def rows(self) -> Iterator[RawRow]:
        self._refuse_other_encodings()
        text = io.TextIOWrapper(
            self.binary, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        first = text.readline(MAX_LINE_CHARS)
        if not first:
            raise ImportFileError(_("The file is empty."), code="empty_file")
        delimiter = self._delimiter(first)
        records = csv.reader(self._lines(first, text), delimiter=delimiter)
        header = self._header(records)
        width = header.width
        fields_of = header.fields
        columns = header.columns
        try:
            for record in records:
                self.row += 1
                if not record:
                    continue
                if len(record) == width:
                    yield RawRow(self.row, dict(zip(fields_of, record, strict=True)), columns)
                    continue
                yield self._ragged(record, header)
        except csv.Error as problem:
            raise self._csv_error(problem) from None

    def _refuse_other_encodings(self) -> None:
        start = self.binary.read(4)
        self.binary.seek(0)
        for bom, name in _BOMS:
            if start.startswith(bom):
                raise ImportFileError(
                    _(
                        "The file is written in %(encoding)s; save it as UTF-8 (in a spreadsheet "
                        "program: “CSV UTF-8”) and import it again."
                    )
                    % {"encoding": name},
                    code="bad_encoding",
                    line=1,
                )
        if start.startswith(b"PK\x03\x04"):
            raise ImportFileError(
                _("This is an Excel (.xlsx) file, not a CSV file: import it as Excel."),
                code="wrong_format",
            )

    def _delimiter(self, first_line: str) -> str:
        """The separator that makes the most known column names of the header row."""
        best, best_known = ",", -1
        for delimiter in DELIMITERS:
            names = next(csv.reader([first_line], delimiter=delimiter), [])
            known = sum(1 for n in names if n.strip().lower() in {"indicator", "partner", "period"})
            if known > best_known:
                best, best_known = delimiter, known
        return best

    def _header(self, records) -> Header:
        try:
            names = next(records)
        except csv.Error as problem:
            raise self._csv_error(problem) from None
        self.row = 1
        return read_header(names, self.dimension_codes)

    def _lines(self, first: str, text) -> Iterator[str]:
        """Physical lines, each checked for encoding, NUL and length before the CSV parser."""
        line = first
        while line:
            if not line.isascii() and _SURROGATE.search(line):
                raise self._not_utf8(line)
            if "\x00" in line:
                raise ImportFileError(
                    _(
                        "Row %(row)s holds a NUL character: this is not a UTF-8 text file (perhaps "
                        "UTF-16, or not a CSV file at all)."
                    )
                    % {"row": self.row + 1},
                    code="bad_encoding",
                    line=self.row + 1,
                )
            if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
                raise ImportFileError(
                    _("Row %(row)s is longer than %(limit)s characters.")
                    % {"row": self.row + 1, "limit": f"{MAX_LINE_CHARS:,}"},
                    code="field_too_large",
                    line=self.row + 1,
                )
            yield line
            line = text.readline(MAX_LINE_CHARS)

    def _not_utf8(self, line: str) -> ImportFileError:
        position = _SURROGATE.search(line).start()
        byte = ord(line[position]) - 0xDC00
        return ImportFileError(
            _(
                "The file is not UTF-8: row %(row)s has the byte 0x%(byte)02X, which UTF-8 does "
                "not use there. Save the file as UTF-8 (in a spreadsheet program: “CSV UTF-8”) "
                "and import it again."
            )
            % {"row": self.row + 1, "byte": byte},
            code="bad_encoding",
            line=self.row + 1,
        )

    def _csv_error(self, problem: csv.Error) -> ImportFileError:
        row = self.row + 1
        if "field larger than field limit" in str(problem):
            message = _("Row %(row)s has a field longer than %(limit)s characters.") % {
                "row": row,
                "limit": f"{csv.field_size_limit():,}",
            }
            return ImportFileError(message, code="field_too_large", line=row)
        message = _("Row %(row)s cannot be read as CSV: %(problem)s.") % {
            "row": row,
            "problem": str(problem),
        }
        return ImportFileError(message, code="bad_csv", line=row)

    def _ragged(self, record: list[str], header: Header) -> RawRow:
        width = header.width
        if len(record) > width and not any(field.strip() for field in record[width:]):
            return RawRow(
                self.row, dict(zip(header.fields, record[:width], strict=True)), header.columns
            )
        message = _("Row %(row)s has %(count)s fields; the header has %(width)s.") % {
            "row": self.row,
            "count": len(record),
            "width": width,
        }
        fields = dict(zip(header.fields, record, strict=False))
        return RawRow(self.row, fields, header.columns, (RowProblem("", "ragged_row", message),))
