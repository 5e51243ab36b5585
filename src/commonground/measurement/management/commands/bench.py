"""``bench``: the benchmarks of SPEC §6 (``make bench``).

The import benchmark (``commonground.bench.runner``), the report card benchmark
(``commonground.bench.reportcard``) and the load drill (``commonground.bench.load``: many users
at once against gunicorn on loopback), each on databases of their own; ``--only`` runs one.
"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from commonground.bench import runner


def _count(text: str) -> int:
    number = int(str(text).replace("_", "").replace(",", ""))
    if number < 1:
        raise ValueError(text)
    return number


class Command(BaseCommand):
    help = (
        "Benchmark the import: generate a values file of N rows (1,000 rows a partner, 50 "
        "indicators), import it into a fresh database of its own through the real import path, "
        "insert the same rows raw (SQLite executemany, PostgreSQL COPY), and print values per "
        "second, their ratio and the import's peak memory, as a table and one JSON line per "
        "backend. Then the report card benchmark (--values approved values). PostgreSQL needs "
        "DATABASE_URL to name a server (scripts/with-postgres); the benchmarks create and drop "
        "their own databases there. Last, the load drill: the demo served by gunicorn on "
        "loopback (SQLite) and --users simulated people on the report card, the approval queue "
        "and the values API for --seconds; requests, errors, p50 and p95 per target."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--rows",
            type=_count,
            default=_count(os.environ.get("BENCH_ROWS", "1000000")),
            help="rows of the import's values file (default: $BENCH_ROWS or 1,000,000)",
        )
        parser.add_argument(
            "--values",
            type=_count,
            default=None,
            help="approved values for the report card benchmark (default: $BENCH_VALUES or "
            "its own default)",
        )
        parser.add_argument(
            "--backend",
            choices=["sqlite", "postgres", "both"],
            default="both" if runner.postgres_server_url() else "sqlite",
            help="database(s) to measure (default: both when DATABASE_URL is PostgreSQL, "
            "else sqlite)",
        )
        parser.add_argument(
            "--only",
            choices=["import", "reportcard", "load"],
            help="run only this benchmark (default: all three)",
        )
        parser.add_argument(
            "--users",
            type=_count,
            default=_count(os.environ.get("BENCH_USERS", "50")),
            help="simulated users of the load drill (default: $BENCH_USERS or 50)",
        )
        parser.add_argument(
            "--seconds",
            type=_count,
            default=_count(os.environ.get("BENCH_SECONDS", "60")),
            help="length of the load drill (default: $BENCH_SECONDS or 60)",
        )

    def handle(self, *args, rows, values, backend, only, users, seconds, **options):
        backends = runner.BACKENDS if backend == "both" else (backend,)

        def log(text):
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

        try:
            if only in (None, "import"):
                measurements = runner.run(rows, backends, log=log)
                self.stdout.write(runner.table(measurements))
                for measurement in measurements:
                    self.stdout.write(measurement.json_line())
            if only in (None, "reportcard"):
                self._reportcard(values, backends, log)
            if only in (None, "load"):
                self._load(users, seconds, log)
        except runner.BenchError as problem:
            raise CommandError(str(problem)) from None

    def _reportcard(self, values, backends, log):
        from commonground.bench import reportcard

        try:
            results = [reportcard.run_reportcard_bench(values, b, log=log) for b in backends]
        except reportcard.BenchError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(reportcard.table(results))
        for result in results:
            self.stdout.write(reportcard.json_line(result))

    def _load(self, users, seconds, log):
        from commonground.bench import load

        try:
            result = load.run_load(users, seconds, log=log)
        except load.LoadError as problem:
            raise CommandError(f"load drill: {problem}") from None
        self.stdout.write(load.table(result))
        self.stdout.write(load.json_line(result))
