"""``commonground demo``: build the demo initiative from the real data, and optionally serve it."""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings

from commonground.core.errors import DomainError
from commonground.demo.stepping_stones import SourceDataError


def _unapplied_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "Build (or complete) the Cradle to Career demo initiative from the real Stepping Stones "
        "data, print the demo logins, and with --serve serve it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--serve", action="store_true", help="serve the application afterwards")
        parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="default: 8000")

    def handle(self, *args, serve, host, port, **options):
        # Imported here: the builder needs the app registry, which is ready only now.
        from commonground.demo.build import build_demo

        if _unapplied_migrations():
            self.stdout.write("Preparing the database…")
            call_command("migrate", interactive=False, verbosity=0)
        # The demo's people are invented: the approvals, invitations and reminders its build
        # goes through would print a hundred e-mails on the console; nobody is there to read them.
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                result = build_demo(stdout=self.stdout)
        except (DomainError, SourceDataError) as error:
            raise CommandError(f"The demo could not be built: {error}") from None

        base = f"http://{host}:{port}"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo initiative: {result.initiative.name}"))
        self.stdout.write(self._login_table(result))
        self.stdout.write(f"Log in at   {base}/accounts/login/")
        self.stdout.write(f"Report card {base}/public/{result.initiative.slug}/")
        if not serve:
            self.stdout.write("Serve it with: commonground demo --serve  (or commonground serve)")
            return
        self.stdout.flush()
        if "serve" in get_commands():
            call_command("serve", host=host, port=port)
        else:
            call_command("runserver", f"{host}:{port}", use_reloader=False)

    @staticmethod
    def _login_table(result) -> str:
        rows = [("Role", "Username", "Password", "Partner")]
        rows += [(role, user, result.password, partner) for role, user, partner in result.accounts]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)
