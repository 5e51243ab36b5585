"""``verify-rollups [--initiative SLUG] [--fix]``: recompute every rollup and report any drift.

Recomputes each indicator's rollups from the approved raw values in memory, one indicator at a
time, and compares them with the stored rows: rows missing, extra or different. Exit status 0 and
"No drift: N rollups checked" when they agree; otherwise a one-line summary and status 1 (with
``--fix`` the rows are made right first, and the summary says so).
"""

from django.core.management.base import BaseCommand, CommandError

from commonground.initiatives.models import Initiative
from commonground.insight.rollups import verify_rollups

SHOWN = 10


class Command(BaseCommand):
    help = (
        "Recompute every rollup from the approved raw values and compare with the stored rollups; "
        "exit 1 when any drifted. --fix rewrites the drifted rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--initiative", metavar="SLUG", help="only this initiative")
        parser.add_argument("--fix", action="store_true", help="rewrite the rollups that drifted")

    def handle(self, *args, initiative=None, fix=False, verbosity=1, **options):
        initiatives = None
        if initiative:
            found = Initiative.objects.filter(slug=initiative).first()
            if found is None:
                raise CommandError(f"There is no initiative with the slug '{initiative}'.")
            initiatives = [found]
        progress = self.stderr.write if verbosity > 1 else None
        found = verify_rollups(initiatives, fix=fix, progress=progress)
        if not found.drift:
            self.stdout.write(f"No drift: {found.checked} rollups checked")
            return
        if verbosity > 0:
            for label, keys in (
                ("missing", found.missing),
                ("extra", found.extra),
                ("different", found.different),
            ):
                for indicator_id, period, cell, group in keys[:SHOWN]:
                    scope = f"group {group}" if group else "all partners"
                    self.stderr.write(
                        f"  {label}: indicator {indicator_id} {period} [{cell}] {scope}"
                    )
        summary = (
            f"Drift: {len(found.missing)} missing, {len(found.extra)} extra, "
            f"{len(found.different)} different of {found.checked} rollups checked"
        )
        if fix:
            raise CommandError(f"{summary} (fixed)", returncode=1)
        raise CommandError(f"{summary}; run with --fix to rewrite them", returncode=1)
