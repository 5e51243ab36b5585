"""Which reader reads which file, and a first quick look at a file (format, fingerprint)."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from commonground.measurement.imports.rows import ImportFileError, RawRow
from commonground.measurement.imports.values_csv import read_values_csv
from commonground.measurement.imports.values_xlsx import read_values_xlsx
from commonground.measurement.models import Dimension, ImportJob

Format = ImportJob.Format
# The formats the command line names (``--format``) → the job's format.
CLI_FORMATS = {
    "csv": Format.CSV,
    "xlsx": Format.XLSX,
    "dhis2-json": Format.DHIS2_JSON,
    "dhis2-csv": Format.DHIS2_CSV,
}
_CHUNK = 1024 * 1024


def detect_format(name: str, head: bytes) -> str:
    """The format of a file from its name and first bytes; ``ImportFileError`` if unknown.

    ``.xlsx`` (or a zip signature) is Excel, ``.json`` (or a first ``{``) DHIS2 JSON, ``.csv``
    a values file unless its header names DHIS2's ``dataElement`` column.
    """
    suffix = Path(name).suffix.lower()
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".xlsx" or head.startswith(b"PK\x03\x04"):
        return Format.XLSX
    if suffix == ".json" or stripped.startswith((b"{", b"[")):
        return Format.DHIS2_JSON
    if suffix in (".csv", ".txt", ".tsv", ""):
        first_line = stripped.split(b"\n", 1)[0].lower()
        return Format.DHIS2_CSV if b"dataelement" in first_line else Format.CSV
    raise ImportFileError(
        _(
            "'%(name)s' is not a file that can be imported: give a values file (.csv or .xlsx) "
            "or a DHIS2 data value set (.json or .csv)."
        )
        % {"name": name},
        code="wrong_format",
    )


def fingerprint(path: Path) -> tuple[str, int, int]:
    """The file's SHA-256, its size and its number of line ends (one read of the file)."""
    digest = hashlib.sha256()
    lines = size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            size += len(chunk)
            last = chunk
    if size and not last.endswith(b"\n"):
        lines += 1
    return digest.hexdigest(), size, lines


def expected_rows(path: Path, file_format: str, line_ends: int) -> int | None:
    """About how many rows of values the file holds, for progress; None if unknown."""
    if file_format in (Format.CSV, Format.DHIS2_CSV):
        return max(line_ends - 1, 0)
    if file_format == Format.XLSX:
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            try:
                rows = workbook.worksheets[0].max_row if workbook.worksheets else None
            finally:
                workbook.close()
            return max(rows - 1, 0) if rows else None
        except Exception:
            return None
    return None


def open_rows(path: Path, file_format: str, initiative) -> Iterator[RawRow]:
    """The rows of the file at ``path`` read as ``file_format``, for ``initiative``."""
    if file_format in (Format.DHIS2_JSON, Format.DHIS2_CSV):
        try:
            from commonground.measurement.imports import dhis2
        except ImportError:
            raise ImportFileError(
                _("DHIS2 files cannot be imported yet."), code="wrong_format"
            ) from None
        reader = dhis2.read_dhis2_json if file_format == Format.DHIS2_JSON else dhis2.read_dhis2_csv
        return reader(path, initiative)
    codes = list(Dimension.objects.filter(initiative=initiative).values_list("code", flat=True))
    if file_format == Format.XLSX:
        return read_values_xlsx(path, codes)
    return read_values_csv(path, codes)
