"""``restore FILE``: load a backup into an empty, migrated database, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commonground.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Load a file written by 'commonground backup' into this database, which must be new: "
        "migrated ('commonground migrate') to the same version and holding no data. Everything "
        "is loaded in one transaction: on any problem nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the backup file (.jsonl.gz)")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open("rb") as source:
                result = restore_backup(source, log=self.stderr.write)
        except BackupError as problem:
            raise CommandError(f"{path}: {problem}; nothing was restored") from None
        self.stderr.write(
            f"Restored {result['tables']} tables, {result['rows']:,} rows from {path}"
        )
