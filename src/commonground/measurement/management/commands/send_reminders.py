"""``send_reminders``: e-mail partners whose reports are due soon or overdue (once each)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commonground.convening.reminders import send_convening_reminders
from commonground.initiatives.models import Initiative
from commonground.measurement import reminders


class Command(BaseCommand):
    help = (
        "E-mail each active partner's leads and reporters when a report is due within "
        f"{reminders.BEFORE_DAYS} days or overdue (due in the last "
        f"{reminders.OVERDUE_LOOKBACK_DAYS} days) and not yet submitted. Each kind of reminder "
        "is sent once per partner and period, even when the command runs twice at the same "
        "time. Meant to run once a day (docs/reminders.md). It also closes decisions past their "
        "closing time and sends the action-item and decision-review reminders, each once "
        "(docs/decisions.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--initiative", metavar="SLUG", help="only this initiative")
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD", help="act as if today were this day (for tests)"
        )
        parser.add_argument(
            "--before-days",
            type=int,
            default=reminders.BEFORE_DAYS,
            metavar="N",
            help=f"remind N days before the deadline (default {reminders.BEFORE_DAYS})",
        )
        parser.add_argument(
            "--base-url",
            metavar="URL",
            help="the site's address for links in the e-mails (default: the SITE_URL setting)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list the reminders due; send nothing"
        )

    def handle(self, *args, initiative, today, before_days, base_url, dry_run, **options):
        day = None
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today: '{today}' is not a date (YYYY-MM-DD).") from None
        if before_days < 0:
            raise CommandError("--before-days must be 0 or more.")
        initiatives = None
        if initiative:
            initiatives = list(Initiative.objects.filter(slug=initiative))
            if not initiatives:
                raise CommandError(f"There is no initiative with the slug '{initiative}'.")
        if dry_run:
            self._list(initiatives, day, before_days)
            return
        outcome = reminders.send_reminders(
            today=day, initiatives=initiatives, base_url=base_url, before_days=before_days
        )
        self.stdout.write(outcome.summary())
        # Decisions past their closing time, action items and decision reviews (convening).
        convening = send_convening_reminders(today=day, initiatives=initiatives, base_url=base_url)
        self.stdout.write(convening.summary())
        if outcome.failed or convening.failed:
            failed = outcome.failed + convening.failed
            raise CommandError(f"{failed} reminders could not be sent; see the log.")

    def _list(self, initiatives, day, before_days):
        day = day or timezone.localdate()
        count = 0
        for initiative in initiatives if initiatives is not None else Initiative.objects.all():
            for r in reminders.due_reminders(initiative, day, before_days=before_days):
                count += 1
                self.stdout.write(
                    f"{initiative.slug} {r.partnership.code} {r.period.code} {r.kind} "
                    f"due {r.due.isoformat()}"
                )
        self.stdout.write(f"{count} reminders due (already sent ones included); nothing sent.")
