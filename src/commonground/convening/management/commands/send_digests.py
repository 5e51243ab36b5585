"""``send_digests``: e-mail each person the notifications they have not read, daily or weekly."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commonground.convening import digests


class Command(BaseCommand):
    help = (
        "E-mail each person a digest of the notifications not yet e-mailed to them, when their "
        "choice (daily or weekly; weekly unless they chose) says one is due and at least one is "
        "still unread in the app. Nothing is sent twice, even when the command runs twice at the "
        "same time. Meant to run once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            metavar="YYYY-MM-DDTHH:MM",
            help="act as if it were this time (in the site's time zone unless given)",
        )
        parser.add_argument(
            "--base-url",
            metavar="URL",
            help="the site's address for links in the e-mails (default: the SITE_URL setting)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would get a digest; send nothing"
        )

    def handle(self, *args, now, base_url, dry_run, **options):
        moment = None
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now: '{now}' is not a date and time.") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        if base_url and not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url: '{base_url}' does not start with http:// or https://.")
        outcome = digests.send_digests(now=moment, base_url=base_url, dry_run=dry_run)
        if dry_run:
            for user, count in outcome.planned:
                self.stdout.write(f"{user.email}: {count} notifications")
            self.stdout.write(
                f"{len(outcome.planned)} digests due, {outcome.not_due} not due yet, "
                f"{outcome.nothing_unread} with nothing unread; nothing sent."
            )
            return
        self.stdout.write(outcome.summary())
        if outcome.failed:
            raise CommandError(f"{outcome.failed} digests could not be sent; see the log.")
