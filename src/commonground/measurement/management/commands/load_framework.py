"""``load_framework FILE``: create or update an initiative from a framework file."""

from django.core.management.base import BaseCommand, CommandError

from commonground.measurement.framework import FrameworkError, load_framework_file


class Command(BaseCommand):
    help = (
        "Create or update an initiative from a framework YAML file (docs/framework-file.md): "
        "settings, dimensions, partners, working groups, indicators and assignments. The whole "
        "file is checked first; a file with any problem changes nothing and the command exits "
        "with the file, line, field and reason. Loading the same file again changes nothing; "
        "nothing is ever deleted. Prints a one-line summary (with -v 2, counts per kind of object)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the framework file to load (YAML, UTF-8)")

    def handle(self, *args, file, verbosity, **options):
        try:
            result = load_framework_file(file)
        except FrameworkError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(result.summary())
        if verbosity > 1:
            self.stdout.write(result.details())
