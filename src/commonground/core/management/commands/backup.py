"""``backup [--output FILE]``: the whole database as one gzipped JSON-lines file (core.backup)."""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commonground.core.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the whole database — every initiative, its data, people, "
        "audit log and settings — to one gzipped JSON-lines file, read through one snapshot "
        "while the site keeps running. Restore it with 'commonground restore FILE' into a new, "
        "migrated database. Uploaded files kept on disk (var/) are not included."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="where to write (default: commonground-YYYYMMDD-HHMMSS.backup.jsonl.gz here; "
            "'-' for standard output)",
        )

    def handle(self, *args, output, **options):
        if output == "-":
            result = write_backup(sys.stdout.buffer, log=self._log)
            self._log(self._summary(result, "standard output"))
            return
        path = Path(output or f"commonground-{timezone.now():%Y%m%d-%H%M%S}.backup.jsonl.gz")
        directory = path.parent if str(path.parent) else Path(".")
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
        except OSError as problem:
            raise CommandError(
                f"{path}: cannot write there ({problem.strerror or problem})"
            ) from None
        try:  # under a temporary name until complete, so a failure never leaves half a backup
            with os.fdopen(handle, "wb") as out:
                result = write_backup(out, log=self._log)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._log(self._summary(result, str(path)))

    def _log(self, text):
        self.stderr.write(text)

    @staticmethod
    def _summary(result, where):
        return f"Backup of {result['tables']} tables, {result['rows']:,} rows written to {where}"
