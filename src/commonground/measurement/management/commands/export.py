"""``export --initiative SLUG --format csv|xlsx|dhis2-json``: write an initiative's approved data.

Writes to standard output, or to ``--output FILE`` (written under a temporary name and renamed
when complete, so a failed export never leaves half a file). Progress and the summary go to
standard error; for DHIS2, so does every value left out, with the reason.
"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commonground.initiatives.models import Initiative
from commonground.measurement.exports import (
    FORMATS,
    ExportError,
    ExportFilters,
    ExportReport,
    check_filters,
    write_csv,
    write_dhis2_json,
    write_xlsx,
)

SKIPPED_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Write an initiative's approved data as a values file (CSV, or XLSX whose texts can "
        "never run as formulas) or as a DHIS2 dataValueSet (JSON, through the DHIS2 codes of the "
        "framework file). Only approved values are written. Writes to standard output unless "
        "--output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--initiative", required=True, metavar="SLUG", help="the initiative's slug"
        )
        parser.add_argument(
            "--format", required=True, choices=list(FORMATS), help="the file format"
        )
        parser.add_argument("--output", metavar="FILE", help="write to FILE")
        parser.add_argument("--period", default="", metavar="P", help="only this period")
        parser.add_argument("--indicator", default="", metavar="CODE", help="only this indicator")
        parser.add_argument("--partner", default="", metavar="CODE", help="only this partner")

    def handle(self, *args, initiative, format, output, period, indicator, partner, **options):
        found = Initiative.objects.filter(slug=initiative).first()
        if found is None:
            raise CommandError(f"There is no initiative with the slug '{initiative}'.")
        try:
            filters = check_filters(
                found, ExportFilters(period=period, indicator=indicator, partner=partner)
            )
        except ExportError as error:
            raise CommandError(error.message) from None
        report = ExportReport(progress=self._progress)
        if output:
            self._to_file(found, format, filters, report, Path(output))
        else:
            self._to_stdout(found, format, filters, report)
        self._summary(found, format, filters, report, output)

    def _write(self, initiative, format, filters, report, out):
        writer = {"csv": write_csv, "xlsx": write_xlsx, "dhis2-json": write_dhis2_json}[format]
        writer(initiative, out, filters, report)

    def _to_file(self, initiative, format, filters, report, path: Path):
        directory = path.parent if str(path.parent) else Path(".")
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
        except OSError as exc:
            raise CommandError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
        try:
            if FORMATS[format].binary:
                with os.fdopen(handle, "wb") as out:
                    self._write(initiative, format, filters, report, out)
            else:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                    self._write(initiative, format, filters, report, out)
            os.replace(temporary, path)
        except OSError as exc:
            raise CommandError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    def _to_stdout(self, initiative, format, filters, report):
        if not FORMATS[format].binary:
            self._write(initiative, format, filters, report, _Chunked(self.stdout))
            return
        binary = getattr(getattr(self.stdout, "_out", None), "buffer", None)
        if binary is None or binary.isatty():
            raise CommandError("An XLSX workbook is binary: give --output FILE.")
        self._write(initiative, format, filters, report, binary)
        binary.flush()

    def _progress(self, written: int) -> None:
        self.stderr.write(f"… {written:,} values", ending="\r" if sys.stderr.isatty() else "\n")

    def _summary(self, initiative, format, filters, report, output):
        where = f" to {output}" if output else ""
        self.stderr.write(
            f"Exported {report.written:,} approved values of {initiative.slug} "
            f"({filters.describe()}) as {format}{where}."
        )
        if not report.skipped_count:
            return
        self.stderr.write(f"Left out {report.skipped_count:,} values that DHIS2 cannot take:")
        for skipped in report.skipped[:SKIPPED_SHOWN]:
            row = skipped.row
            cell = f" [{row.cell}]" if row.cell else ""
            self.stderr.write(
                f"  {row.indicator} {row.partner} {row.period}{cell}: {skipped.reason}"
            )
        if report.skipped_count > SKIPPED_SHOWN:
            self.stderr.write(f"  … and {report.skipped_count - SKIPPED_SHOWN:,} more.")


class _Chunked:
    """Text chunks to the command's standard output, without added line ends."""

    def __init__(self, stdout):
        self.stdout = stdout

    def write(self, text: str) -> None:
        self.stdout.write(text, ending="")
