import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve Commonground with gunicorn on HOST:PORT (default 127.0.0.1:8000). "
        "Applies pending migrations and collects static files first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 3)))

    def handle(self, *args, host, port, workers, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Serving on http://{host}:{port}/ (Ctrl+C stops)")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "commonground.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--chdir",
            str(settings.BASE_DIR.parent),
        ]
        os.execv(sys.executable, argv)  # noqa: S606 — replace this process with gunicorn
