"""What every importer reader yields: rows in the terms of the values file (SPEC §5.2).

A reader turns a file — the values file as CSV or XLSX, a DHIS2 ``dataValueSet`` as JSON or
CSV — into ``RawRow`` objects, one per value, and nothing else; the import engine
(``imports.engine``) checks and stores them the same way whatever the file was.

``RawRow.fields`` maps lower-case field names to the text given, stripped or not (the engine
strips it):

* ``indicator`` — the indicator's code;
* ``partner`` — the partnership's code;
* ``period`` — a period code of SPEC §4.1 (``2024``, ``2024Q1``, ``2024-03``, ``SY2024-25``,
  ``FY2024``);
* one field per dimension code (``race``, ``sex``…): the value's code in that dimension; empty
  or missing means the total over the dimension;
* ``value``, ``numerator``, ``denominator`` — numbers as written (``12``, ``47.7``, ``-3``),
  censored values with their mark (``<10``, ``>95``) in the measured field (``value``, or
  ``numerator`` for a rate); for a narrative indicator ``value`` holds the text;
* ``comment`` — free text.

A missing field is the same as an empty one. ``line`` is the row as a person finds it in the
file: 1-based, the header row being 1 (for JSON, the number of the value in the file, from 1 —
say so in the reader). ``columns`` maps a field to the name the file gives it, for messages
(``{"indicator": "dataElement"}``); fields not in it are named as themselves. ``problems`` are
what the reader found wrong with the row itself (a formula cell, a row with more fields than the
header): the engine reports them and does not check the row further.

A reader that finds the file itself unusable — not UTF-8, no header, a missing required column,
an unknown column, a field too large to read — raises ``ImportFileError``: the whole file is
refused with that one message.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from commonground.core.errors import DomainError

# The fixed columns of the values file, in the order of SPEC §5.2 (dimension codes go between
# ``period`` and ``value``).
KEY_FIELDS = ("indicator", "partner", "period")
NUMBER_FIELDS = ("value", "numerator", "denominator")
FIXED_FIELDS = (*KEY_FIELDS, *NUMBER_FIELDS, "comment")


@dataclass(frozen=True)
class RowProblem:
    """Something wrong with one row as read: ``column`` as the file names it, stable ``code``."""

    column: str
    code: str
    message: str


_NO_NAMES: Mapping[str, str] = MappingProxyType({})


class RawRow(NamedTuple):
    """One value as a file gives it, before any check (see the module's docstring).

    A named tuple rather than a dataclass: readers make a million of them, and a tuple is the
    cheapest object Python builds.
    """

    line: int
    fields: Mapping[str, str]
    columns: Mapping[str, str] = _NO_NAMES
    problems: tuple[RowProblem, ...] = ()

    def get(self, name: str) -> str:
        """The field's text, stripped; ``""`` when the file does not give it."""
        return (self.fields.get(name) or "").strip()

    def column(self, name: str) -> str:
        """How the file names the field ``name`` (for the error report)."""
        return self.columns.get(name, name)


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; ``line`` and ``column`` say where, if known."""

    code = "bad_file"

    def __init__(self, message: str, *, code: str | None = None, line=None, column: str = ""):
        super().__init__(message, code=code)
        self.line = line
        self.column = column
