"""Reading DHIS2 ``dataValueSets`` (JSON and CSV) as rows of the values file.

DHIS2 names what is counted by a *data element*, who reports it by an *organisation unit*, the
disaggregation by a *category option combo* (and an *attribute option combo*). Each is
translated through the initiative's DHIS2 mapping (``ExternalCode`` rows, system ``dhis2``,
written in the framework file's ``external_codes``; see ``measurement/dhis2.py``):

* data element → ``indicator``; a data element mapped to ``<indicator>.numerator`` or
  ``.denominator`` gives that part of a rate, and the two data values of one rate (same org
  unit, period and combos) become one row, whatever their order in the file;
* org unit → ``partner``;
* category option combo → the cell, one field per dimension; the default combo
  (``HllvX50cXC0``) and an empty one are the total. The attribute option combo is read the same
  way and its pairs join the cell (empty and default add nothing);
* period → our period code (``measurement.dhis2.from_dhis2_period``): ``2024`` → ``2024``,
  ``202403`` → ``2024-03``, ``2024Q1`` → ``2024Q1``, ``2024July`` → ``FY2024`` or ``SY2024-25``
  (by the indicator's frequency) when the initiative's fiscal or school year starts in July.
  Daily, weekly, bi-weekly, bi-monthly, six-monthly and November-quarter periods are refused.

A data value with a code the mapping does not know, or a period we have no equivalent for, is a
row with a ``RowProblem`` that names DHIS2 and the fix (``DHIS2 data element 'fbfJHSPpUQD' has
no mapping: add it under external_codes``): the engine reports it and imports nothing.

A value DHIS2 marks as deleted (``"deleted": true``) is skipped: an import never deletes, and a
deleted value is no longer reported data. A ``true``/``false`` value of a yes/no indicator is
read as 1/0. Other keys (``storedBy``, ``created``, ``lastUpdated``, ``followup``, ``dataSet``,
``completeDate``, the id schemes) are ignored: the mapping says what each code means.

**JSON** is read incrementally, without ``json.load`` of the whole file: a small scanner walks
the top-level object and decodes one data value at a time with ``json.JSONDecoder.raw_decode``
from a buffer refilled in 64 KB chunks, so memory holds one data value, not the file. The
root-level defaults DHIS2 allows (``period``, ``orgUnit``, ``attributeOptionCombo``) apply to
data values that leave them out; DHIS2 writes them before ``dataValues``, and a file that gives
one only after data values that needed it is refused. ``RawRow.line`` for JSON is the number of
the data value in ``dataValues``, from 1.

**CSV** is DHIS2's layout: ``dataelement, period, orgunit, catoptcombo, attroptcombo, value,
storedby, lastupdated, comment, followup, deleted``, with or without a header row. A first row
naming the data element column and at least two others is the header (DHIS2's names and their
abbreviations — ``strby``, ``lstupd``, ``cmt``, ``dataelelement`` — in any order); without one
the columns are taken in DHIS2's order. ``RawRow.line`` is the row as a spreadsheet shows it.

**Memory** stays flat except for one thing: the first part of a rate waits, in memory, for the
second. Commonground's own DHIS2 export writes the two parts next to each other; a file that
lists every numerator before every denominator holds the numerators until their partners come.

**XML** is refused (``DHIS2 XML is not supported; export JSON or CSV``): ``ImportJob`` has no
DHIS2 XML format, and DHIS2 writes the same data as JSON or CSV.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from commonground.measurement import dhis2
from commonground.measurement.cells import cell_key
from commonground.measurement.imports.rows import ImportFileError, RawRow, RowProblem
from commonground.measurement.models import Indicator

CHUNK_CHARS = 64 * 1024
MAX_VALUE_CHARS = 1024 * 1024  # one data value (or one root-level value) of a JSON file
MAX_LINE_CHARS = 4 * 1024 * 1024  # one physical line of a CSV file
ROOT_DEFAULTS = ("period", "orgUnit", "attributeOptionCombo")
TRUE_TEXTS = {"true", "1", "yes"}

# DHIS2's CSV columns in DHIS2's order, with the names DHIS2 (and its docs) give them.
CSV_COLUMNS = {
    "dataElement": ("dataelement", "dataelelement", "data_element", "de"),
    "period": ("period", "pe"),
    "orgUnit": ("orgunit", "org_unit", "ou"),
    "categoryOptionCombo": ("catoptcombo", "categoryoptioncombo", "category_option_combo", "coc"),
    "attributeOptionCombo": ("attroptcombo", "attributeoptioncombo", "attribute_option_combo"),
    "value": ("value",),
    "storedBy": ("storedby", "strby"),
    "lastUpdated": ("lastupdated", "lstupd", "timestamp", "created"),
    "comment": ("comment", "cmt"),
    "followup": ("followup",),
    "deleted": ("deleted",),
}
_CSV_NAMES = {alias: key for key, aliases in CSV_COLUMNS.items() for alias in aliases}
JSON_COLUMNS = {name: name for name in CSV_COLUMNS}


def read_dhis2_json(source, initiative) -> Iterator[RawRow]:
    """The rows of a DHIS2 ``dataValueSet`` JSON file (a path or a binary file)."""
    with _opened(source) as binary:
        yield from _Translator(initiative).rows(_json_values(binary))


def read_dhis2_csv(source, initiative) -> Iterator[RawRow]:
    """The rows of a DHIS2 ``dataValueSet`` CSV file (a path or a binary file)."""
    with _opened(source) as binary:
        yield from _Translator(initiative).rows(_csv_values(binary))


@contextmanager
def _opened(source):
    """A path opened for reading in binary, or a binary file as it is (left open)."""
    if isinstance(source, str | Path):
        with open(source, "rb") as binary:
            yield binary
    else:
        yield source


def _xml_refused() -> ImportFileError:
    return ImportFileError(
        _("DHIS2 XML is not supported; export JSON or CSV from DHIS2 (dataValueSets.json)."),
        code="dhis2_xml",
    )


# Translating DHIS2 data values ------------------------------------------------------------------


class _Translator:
    """Turns DHIS2 data values (dicts of DHIS2 keys → text) into ``RawRow`` objects."""

    def __init__(self, initiative):
        self.initiative = initiative
        self.mapping = dhis2.load_mapping(initiative)
        self.indicators = {
            code: (value_type, frequency)
            for code, value_type, frequency in Indicator.objects.filter(
                initiative=initiative
            ).values_list("code", "value_type", "frequency")
        }
        # Halves of rates waiting for their other part: key → (part, RawRow of that part).
        self.pending: dict[tuple, tuple[str, RawRow]] = {}

    def rows(self, values: Iterator[tuple[int, dict[str, str], dict[str, str]]]):
        """``values``: (line, DHIS2 data value, how the file names each DHIS2 key)."""
        for line, value, names in values:
            if _is_true(value.get("deleted", "")):
                continue
            yield from self.translate(line, value, names)
        for _part, row in self.pending.values():  # rates missing a part: the engine says so
            yield row
        self.pending.clear()

    def translate(self, line: int, value: dict[str, str], names: dict[str, str]):
        get = lambda key: (value.get(key) or "").strip()  # noqa: E731
        columns = {
            "indicator": names["dataElement"],
            "partner": names["orgUnit"],
            "period": names["period"],
            "value": names["value"],
            "numerator": names["value"],
            "denominator": names["value"],
            "comment": names["comment"],
        }
        problems = []
        fields = {"comment": value.get("comment") or ""}

        element = get("dataElement")
        indicator, part = self.mapping.data_elements.get(element, ("", ""))
        if not element:
            problems.append(_problem(names["dataElement"], "missing", _("No data element.")))
        elif not indicator:
            problems.append(self._unmapped(names["dataElement"], "data element", element))
        fields["indicator"] = indicator or element

        org_unit = get("orgUnit")
        partner = self.mapping.org_units.get(org_unit, "")
        if not org_unit:
            problems.append(_problem(names["orgUnit"], "missing", _("No organisation unit.")))
        elif not partner:
            problems.append(self._unmapped(names["orgUnit"], "organisation unit", org_unit))
        fields["partner"] = partner or org_unit

        period = get("period")
        fields["period"] = period
        value_type, frequency = self.indicators.get(indicator, ("", None))
        if not period:
            problems.append(_problem(names["period"], "missing", _("No period.")))
        else:
            try:
                fields["period"] = dhis2.from_dhis2_period(period, self.initiative, frequency)
            except dhis2.Dhis2Error as error:
                problems.append(_problem(names["period"], "dhis2_period", str(error)))

        cell = self._cell(get, names, problems)
        if cell:
            fields.update(cell)
            columns.update(dict.fromkeys(cell, names["categoryOptionCombo"]))

        number = value.get("value") or ""
        if value_type == Indicator.ValueType.YES_NO and number.strip().lower() in ("true", "false"):
            number = "1" if number.strip().lower() == "true" else "0"
        fields[part or "value"] = number
        row = RawRow(line, fields, columns, tuple(problems))
        if problems or not part:
            yield row
            return
        yield from self._pair(row, part, cell)

    def _cell(self, get, names, problems) -> dict[str, str]:
        """The cell's (dimension, value) pairs from both combos; problems are appended."""
        pairs: dict[str, str] = {}
        for key, what in (
            ("categoryOptionCombo", "category option combo"),
            ("attributeOptionCombo", "attribute option combo"),
        ):
            code = get(key)
            target = self.mapping.combo_cell(code)
            if target is None:
                problems.append(self._unmapped(names[key], what, code))
                continue
            try:
                found = dhis2.cell_pairs(target)
            except dhis2.Dhis2Error as error:
                problems.append(_problem(names[key], "dhis2_mapping", str(error)))
                continue
            for dimension, dimension_value in found.items():
                if pairs.get(dimension, dimension_value) != dimension_value:
                    problems.append(
                        _problem(
                            names[key],
                            "dhis2_mapping",
                            _(
                                "The category and attribute option combos give two values of "
                                "'%(dimension)s' (%(a)s and %(b)s)."
                            )
                            % {"dimension": dimension, "a": pairs[dimension], "b": dimension_value},
                        )
                    )
                pairs[dimension] = dimension_value
        return pairs

    def _pair(self, row: RawRow, part: str, cell: dict[str, str]):
        """Join the numerator and the denominator of one rate into one row."""
        key = (row.fields["indicator"], row.fields["partner"], row.fields["period"], cell_key(cell))
        waiting = self.pending.pop(key, None)
        if waiting is None:
            self.pending[key] = (part, row)
            return
        other_part, other = waiting
        if other_part == part:  # the same part twice: the first stays incomplete
            self.pending[key] = (part, row)
            yield other
            return
        first, second = sorted([other, row], key=lambda r: r.line)
        fields = {**first.fields, part: row.fields[part], other_part: other.fields[other_part]}
        comments = [c for c in (first.fields["comment"], second.fields["comment"]) if c.strip()]
        fields["comment"] = " / ".join(dict.fromkeys(comments))
        yield RawRow(first.line, fields, first.columns)

    def _unmapped(self, column: str, what: str, code: str) -> RowProblem:
        message = _("DHIS2 %(what)s '%(code)s' has no mapping: add it under external_codes.") % {
            "what": what,
            "code": code,
        }
        return _problem(column, "dhis2_unmapped", message)


def _problem(column: str, code: str, message: str) -> RowProblem:
    return RowProblem(column, code, message)


def _is_true(text) -> bool:
    return str(text).strip().lower() in TRUE_TEXTS


# JSON -------------------------------------------------------------------------------------------


def _json_values(binary) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    yield from _JsonScanner(binary).data_values()


class _JsonScanner:
    """Walks ``{"…": …, "dataValues": [{…}, …]}`` one data value at a time."""

    def __init__(self, binary):
        self.binary = binary
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.json = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.lines_dropped = 0  # line breaks in the part of the buffer already thrown away

    # Buffer ----------------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Read another chunk; ``False`` at the end of the file."""
        if self.eof:
            return False
        data = self.binary.read(CHUNK_CHARS)
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file is not UTF-8 text (near line %(line)s).") % {"line": self._line()},
                code="bad_encoding",
                line=self._line(),
            ) from None
        if not data:
            self.eof = True
        if self.pos > CHUNK_CHARS:  # drop what was read, keep line numbers right
            self.lines_dropped += self.buffer.count("\n", 0, self.pos)
            self.buffer, self.pos = self.buffer[self.pos :], 0
        self.buffer += text
        return bool(data) or bool(text)

    def _line(self, pos: int | None = None) -> int:
        pos = self.pos if pos is None else pos
        return self.lines_dropped + self.buffer.count("\n", 0, pos) + 1

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def _expect(self, allowed: str) -> str:
        found = self._peek()
        if not found or found not in allowed:
            shown = " or ".join(f"'{c}'" for c in allowed)
            raise self._invalid(
                _("expected %(expected)s, found %(found)s")
                % {"expected": shown, "found": f"'{found}'" if found else _("the end of the file")}
            )
        self.pos += 1
        return found

    def _value(self):
        """Decode the next JSON value, reading more of the file until it is whole."""
        self._peek()
        while True:
            try:
                value, end = self.json.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if self._too_long():
                    raise self._too_large() from None
                if not _may_go_on(error, self.buffer) or not self._fill():
                    raise self._invalid(error.msg, error.pos) from None
                continue
            # A number at the end of the buffer may go on in the next chunk.
            if end == len(self.buffer) and not self.eof:
                self._fill()
                continue
            self.pos = end
            return value

    def _too_long(self) -> bool:
        return len(self.buffer) - self.pos > MAX_VALUE_CHARS

    def _too_large(self) -> ImportFileError:
        return ImportFileError(
            _("A value of the file at line %(line)s is longer than %(limit)s characters.")
            % {"line": self._line(), "limit": f"{MAX_VALUE_CHARS:,}"},
            code="field_too_large",
            line=self._line(),
        )

    def _invalid(self, reason: str, pos: int | None = None) -> ImportFileError:
        line = self._line(pos)
        reason = str(_JSON_REASONS.get(reason, reason))
        return ImportFileError(
            _("The file is not valid JSON at line %(line)s: %(reason)s.")
            % {"line": line, "reason": reason},
            code="bad_json",
            line=line,
        )

    # Structure -------------------------------------------------------------------------------

    def data_values(self):
        first = self._peek()
        if first == "<":
            raise _xml_refused()
        if first == "":
            raise ImportFileError(_("The file is empty."), code="empty_file")
        if first != "{":
            raise ImportFileError(
                _("This is not a DHIS2 dataValueSet: the file must hold one JSON object."),
                code="not_dhis2",
            )
        self.pos += 1
        defaults: dict[str, str] = {}
        needed: set[str] = set()  # defaults data values left out before the root gave them
        keys, seen_values = [], False
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    raise self._invalid(_("a key must be text"))
                keys.append(key)
                self._expect(":")
                if key == "dataValues":
                    seen_values = True
                    yield from self._array(defaults, needed)
                else:
                    value = self._value()
                    if key in ROOT_DEFAULTS and isinstance(value, str):
                        if key in needed:
                            raise ImportFileError(
                                _(
                                    "The dataValueSet gives its '%(key)s' after data values that "
                                    "leave it out; put it before 'dataValues' (as DHIS2 does)."
                                )
                                % {"key": key},
                                code="dhis2_late_default",
                            )
                        defaults[key] = value
                if self._expect(",}") == "}":
                    break
        if self._peek():
            raise self._invalid(_("there is more after the dataValueSet"))
        if not seen_values:
            raise _not_a_data_value_set(keys)

    def _array(self, defaults, needed):
        self._expect("[")
        if self._peek() == "]":
            self.pos += 1
            return
        number = 0
        while True:
            item = self._value()
            number += 1
            if not isinstance(item, dict):
                raise ImportFileError(
                    _("Data value %(n)s (line %(line)s) is not a JSON object.")
                    % {"n": number, "line": self._line()},
                    code="bad_json",
                    line=number,
                )
            value = {}
            for key in CSV_COLUMNS:
                given = item.get(key)
                if given is None and key in ROOT_DEFAULTS:
                    if key in defaults:
                        given = defaults[key]
                    else:
                        needed.add(key)
                value[key] = _text(given)
            yield number, value, JSON_COLUMNS
            if self._expect(",]") == "]":
                return


# The json module's messages, in words for people.
_JSON_REASONS = {
    "Unterminated string starting at": _lazy("a text in quotes is not closed"),
    "Expecting ',' delimiter": _lazy("a ',' is missing"),
    "Expecting ':' delimiter": _lazy("a ':' is missing"),
    "Expecting value": _lazy("a value is missing"),
    "Expecting property name enclosed in double quotes": _lazy("a key must be in double quotes"),
    "Invalid control character at": _lazy("a text holds a control character (write \\n, \\t)"),
}


def _may_go_on(error: json.JSONDecodeError, buffer: str) -> bool:
    """Whether more of the file could make the value whole (else it is wrong as it is).

    A string cut by the end of the buffer is "unterminated"; any other cut is found within the
    last few characters (a ``tru`` of ``true``, a missing ``,`` after the last value).
    """
    return error.msg.startswith("Unterminated string") or len(buffer) - error.pos <= 16


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _not_a_data_value_set(keys: list[str]) -> ImportFileError:
    if {"httpStatus", "httpStatusCode", "importCount", "responseType"} & set(keys):
        message = _(
            "This is a DHIS2 response to a request, not a dataValueSet: export the data values "
            "from DHIS2 (api/dataValueSets.json) and import that file."
        )
    else:
        message = _("This is not a DHIS2 dataValueSet: it has no 'dataValues' list.")
    return ImportFileError(message, code="not_dhis2")


# CSV --------------------------------------------------------------------------------------------


def _csv_values(binary) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")
    reader = _CsvReader(text)
    try:
        yield from reader.values()
    except csv.Error as error:
        raise ImportFileError(
            _("Row %(row)s cannot be read as CSV: %(reason)s.")
            % {"row": reader.row + 1, "reason": str(error)},
            code="bad_csv",
            line=reader.row + 1,
        ) from None
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text (near row %(row)s).") % {"row": reader.row + 1},
            code="bad_encoding",
            line=reader.row + 1,
        ) from None
    finally:
        text.detach()  # leave the caller's file open


class _CsvReader:
    def __init__(self, text):
        self.lines = _CsvLines(text)
        self.row = 0  # the last row read, as a spreadsheet numbers it

    def values(self):
        first = self.lines.first()
        if first is None:
            raise ImportFileError(_("The file is empty."), code="empty_file")
        if first.lstrip().startswith("<"):
            raise _xml_refused()
        if first.lstrip().startswith("{"):
            raise ImportFileError(
                _("This is DHIS2 JSON, not CSV: import it as a DHIS2 JSON file."),
                code="wrong_format",
            )
        records = csv.reader(self.lines)
        header = next(records, [])
        names = [_CSV_NAMES.get(name.strip().lower()) for name in header]
        if "dataElement" in names and len(set(names) - {None}) >= 3:  # a header row
            self.row = 1
            positions = {key: i for i, key in reversed(list(enumerate(names))) if key}
            missing = [
                k for k in ("dataElement", "period", "orgUnit", "value") if k not in positions
            ]
            if missing:
                raise ImportFileError(
                    _("The DHIS2 CSV header has no %(names)s column.")
                    % {"names": ", ".join(CSV_COLUMNS[key][0] for key in missing)},
                    code="missing_column",
                    line=1,
                )
            shown = {key: header[i].strip() for key, i in positions.items()}
        else:  # DHIS2's column order, without a header
            positions = {key: i for i, key in enumerate(CSV_COLUMNS)}
            shown = {}
            records = _chain([header], records)
        columns = {key: shown.get(key, CSV_COLUMNS[key][0]) for key in CSV_COLUMNS}
        for record in records:
            self.row += 1
            if not any(field.strip() for field in record):
                continue
            value = {key: record[i] if i < len(record) else "" for key, i in positions.items()}
            yield self.row, value, columns


def _chain(first: list, rest) -> Iterator[list[str]]:
    yield from first
    yield from rest


class _CsvLines:
    """Physical lines of a text file, refusing NUL characters and endless lines."""

    def __init__(self, text):
        self.text = text
        self.number = 0
        self.head: str | None = None

    def first(self) -> str | None:
        self.head = self._read()
        return self.head or None

    def _read(self) -> str:
        line = self.text.readline(MAX_LINE_CHARS)
        self.number += 1
        if "\x00" in line:
            raise ImportFileError(
                _("Line %(line)s holds a NUL character: this is not a UTF-8 text file.")
                % {"line": self.number},
                code="bad_encoding",
                line=self.number,
            )
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise ImportFileError(
                _("Line %(line)s is longer than %(limit)s characters.")
                % {"line": self.number, "limit": f"{MAX_LINE_CHARS:,}"},
                code="field_too_large",
                line=self.number,
            )
        return line

    def __iter__(self):
        if self.head:
            yield self.head
        while line := self._read():
            yield line
