"""``export_framework --initiative SLUG [--output FILE]``: write a registry as a framework file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commonground.initiatives.models import Initiative
from commonground.measurement.framework import export_framework


class Command(BaseCommand):
    help = (
        "Write an initiative's registry (settings, dimensions, partners, working groups, "
        "indicators and assignments) as a framework YAML file that load_framework reads back "
        "unchanged. Writes to standard output unless --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--initiative", required=True, metavar="SLUG", help="the initiative's slug"
        )
        parser.add_argument(
            "--output", metavar="FILE", help="write to FILE (UTF-8) instead of standard output"
        )

    def handle(self, *args, initiative, output, **options):
        found = Initiative.objects.filter(slug=initiative).first()
        if found is None:
            raise CommandError(f"There is no initiative with the slug '{initiative}'.")
        text = export_framework(found)
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the file ({exc.strerror or exc})") from None
        self.stderr.write(f"Wrote {found.slug} to {output}")
