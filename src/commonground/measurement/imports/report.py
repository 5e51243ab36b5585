"""The per-row error report: a CSV file with the columns row, column, code, message.

Written as the errors stream out of the engine (in row order), so a file with a million bad rows
costs no memory. A cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``,
tab or carriage return first — a column name or a code from the imported file can start so) is
prefixed with an apostrophe, which spreadsheets show as text.
"""

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

HEADER = ("row", "column", "code", "message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """``value`` as text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_report(path: Path, errors: Iterable[tuple]) -> int:
    """Write ``errors`` (row, column, code, message) to ``path``; how many. No errors, no file."""
    count = 0
    iterator = iter(errors)
    first = next(iterator, None)
    if first is None:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row, column, code, message in _chain(first, iterator):
            writer.writerow([row, safe_cell(column), safe_cell(code), safe_cell(message)])
            count += 1
    return count


def read_report(path: Path, limit: int = 100) -> list[dict]:
    """The first ``limit`` errors of a report, for the page."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            {**row, "column": _unsafe(row["column"]), "message": _unsafe(row["message"])}
            for row in islice(reader, limit)
        ]


def _unsafe(text: str) -> str:
    """The cell as written before ``safe_cell`` (the page escapes HTML on its own)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest
