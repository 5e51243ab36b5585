from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (imports, e-mails, reminders) from the database queue."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the queued tasks, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls of the queue."
        )

    def handle(self, *args, batch, interval, **options):
        call_command("db_worker", batch=batch, interval=interval, reload=False)
