"""Exports of approved data (SPEC §3.1.8): the values file as CSV or XLSX, and DHIS2 JSON.

Only approved values are exported (``query``). Every writer streams: rows are read from the
database in chunks and written as they come, so an export of a million values needs no more
memory than one of ten. ``FORMATS`` names the formats for the page and the command:

* ``csv``: the values file (SPEC §5.2), exactly as the importer reads it back;
* ``xlsx``: the same columns in a workbook whose text cells can never run as formulas;
* ``dhis2-json``: a DHIS2 ``dataValueSet``, through the initiative's DHIS2 mapping; values
  DHIS2 cannot take are reported as skipped with the reason.
"""

from dataclasses import dataclass

from commonground.measurement.exports.dhis2 import (
    dhis2_data_values,
    dhis2_json_chunks,
    write_dhis2_json,
)
from commonground.measurement.exports.query import (
    ExportError,
    ExportFilters,
    ExportReport,
    ExportRow,
    Skipped,
    approved_values,
    check_filters,
    count_approved,
)
from commonground.measurement.exports.values_file import csv_chunks, write_csv
from commonground.measurement.exports.xlsx import write_xlsx


@dataclass(frozen=True)
class Format:
    code: str
    label: str
    extension: str
    content_type: str
    binary: bool


FORMATS = {
    "csv": Format("csv", "Values file (CSV)", "csv", "text/csv; charset=utf-8", False),
    "xlsx": Format(
        "xlsx",
        "Values file (Excel)",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
    ),
    "dhis2-json": Format(
        "dhis2-json", "DHIS2 dataValueSet (JSON)", "json", "application/json; charset=utf-8", False
    ),
}

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportFilters",
    "ExportReport",
    "ExportRow",
    "Format",
    "Skipped",
    "approved_values",
    "check_filters",
    "count_approved",
    "csv_chunks",
    "dhis2_data_values",
    "dhis2_json_chunks",
    "write_csv",
    "write_dhis2_json",
    "write_xlsx",
]
