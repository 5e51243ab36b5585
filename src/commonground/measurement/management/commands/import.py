"""``import FILE --initiative SLUG``: import a values file (or a DHIS2 data value set) now.

``commonground import`` maps to this module (Django loads a command by its module's name, and
``import`` is a name a module may have even though it is a keyword).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commonground.core.errors import DomainError
from commonground.initiatives.models import Initiative
from commonground.measurement.imports import jobs
from commonground.measurement.imports.readers import CLI_FORMATS
from commonground.measurement.imports.rows import ImportFileError
from commonground.measurement.models import ImportJob

COUNTS = ("rows", "created", "updated", "unchanged", "rejected")


class Progress:
    """A line on stderr every 2% of the rows (every 50,000 rows when the total is unknown)."""

    def __init__(self, stream):
        self.stream = stream
        self.shown = -1
        self.phase = None

    def __call__(self, done: int, total: int | None, phase: str) -> None:
        if phase == "writing":
            if self.phase != "writing":
                self.stream.write(f"writing {done:,} rows in one transaction…\n")
        elif total:
            step = done * 50 // total
            if step != self.shown or done == total:
                self.stream.write(f"checked {done:,} of {total:,} rows\n")
            self.shown = step
        elif done // 50_000 != self.shown:
            self.shown = done // 50_000
            self.stream.write(f"checked {done:,} rows\n")
        self.phase = phase
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import a values file (CSV or XLSX, SPEC §5.2) or a DHIS2 data value set (JSON or CSV) "
        "into an initiative: every row is checked, then either all are stored in one "
        "transaction or — if any row is refused — none. Importing the same file again changes "
        "nothing. Imported reports become 'submitted' (with --approve, 'approved'). Shows "
        "progress on stderr, prints the counts, and on refusal exits with a one-line message "
        "naming the error report (a CSV: row, column, code, message)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--initiative", required=True, help="the initiative's slug")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what would change, without writing anything",
        )
        parser.add_argument(
            "--approve", action="store_true", help="approve the imported reports at once"
        )
        parser.add_argument(
            "--format",
            choices=sorted(CLI_FORMATS),
            help="the file's format (default: from its name and first bytes)",
        )

    def handle(self, *args, file, initiative, dry_run, approve, format, verbosity, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        found = Initiative.objects.filter(slug=initiative).first()
        if found is None:
            raise CommandError(f"There is no initiative '{initiative}'.")
        progress = Progress(sys.stderr) if verbosity > 0 else None
        try:
            job = jobs.import_file(
                actor=None,
                initiative=found,
                path=path,
                file_format=CLI_FORMATS[format] if format else "",
                dry_run=dry_run,
                approve=approve,
                progress=progress,
            )
        except (DomainError, ImportFileError) as problem:
            raise CommandError(f"{file}: {problem.message}") from None
        counts = {k: (job.counts or {}).get(k, 0) for k in COUNTS}
        rows = counts["rows"]
        self.stdout.write(
            "{rows:,} {noun}: {created:,} created, {updated:,} updated, {unchanged:,} unchanged, "
            "{rejected:,} rejected{dry}".format(
                **counts,
                noun="row" if rows == 1 else "rows",
                dry=" (dry run: nothing was written)" if dry_run else "",
            )
        )
        if job.status != ImportJob.Status.SUCCEEDED:
            report = jobs.error_report_file(job)
            where = f" Error report: {report}" if report else ""
            raise CommandError(f"{file}: {job.message}{where}".replace("\n", " "))
