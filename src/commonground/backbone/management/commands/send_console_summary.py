"""``send_console_summary``: e-mail each backbone lead the console of their initiative."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from commonground.backbone import summary
from commonground.initiatives.models import Initiative


class Command(BaseCommand):
    help = (
        "E-mail each backbone lead the backbone console of their initiative: what to do next "
        "and every figure, each with the address of its list. Meant to run once a week "
        "(e.g. cron: 0 7 * * 1 commonground send-console-summary)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--initiative", metavar="SLUG", help="only this initiative (default: every one)"
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="compute the figures as of this day (default: today)",
        )
        parser.add_argument(
            "--base-url",
            metavar="URL",
            help="the site's address for links in the e-mails (default: the SITE_URL setting)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would get a summary; send nothing"
        )

    def handle(self, *args, initiative, today, base_url, dry_run, **options):
        initiatives = None
        if initiative:
            found = Initiative.objects.filter(slug=initiative).first()
            if found is None:
                raise CommandError(f"--initiative: no initiative '{initiative}'.")
            initiatives = [found]
        day = None
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today: '{today}' is not a date (YYYY-MM-DD).") from None
        if base_url and not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url: '{base_url}' does not start with http:// or https://.")
        outcome = summary.send_console_summaries(
            initiatives=initiatives, today=day, base_url=base_url, dry_run=dry_run
        )
        if dry_run:
            for found, email in outcome.planned:
                self.stdout.write(f"{found.slug}: {email}")
            self.stdout.write(
                f"{len(outcome.planned)} console summaries would be sent for "
                f"{outcome.initiatives} initiatives; nothing sent."
            )
            return
        self.stdout.write(outcome.summary())
        if outcome.failed:
            raise CommandError(f"{outcome.failed} summaries could not be sent; see the log.")
