"""``commonground bench``: the import benchmark (SPEC §6 Performance, issue 3 item 9).

For each backend: a fresh database of its own (a SQLite file in a temporary folder; on
PostgreSQL a database created on the server ``DATABASE_URL`` names, dropped afterwards — the
application's own database is never touched), the benchmark's framework loaded into it, then

1. the values file imported through the real import path, in a child process that reports its
   time and its peak memory;
2. the same rows inserted raw (``raw``), into a table defined like the values table and into one
   with only the unique key.

It prints a table and, per backend, one JSON line:
``{"bench": "import", "backend": …, "rows": …, "values_per_s": …, "raw_values_per_s": …,
"ratio": …, "peak_rss_mb": …}`` — the raw rate and the ratio against the same-table baseline.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from commonground.bench import data, raw

BACKENDS = ("sqlite", "postgres")


class BenchError(Exception):
    """The benchmark could not run (no PostgreSQL server, a step failed); one line."""


@dataclass
class Measurement:
    backend: str
    rows: int
    import_seconds: float
    raw_seconds: dict[str, float]
    peak_rss_mb: float
    counts: dict = field(default_factory=dict)

    @property
    def values_per_s(self) -> float:
        return self.rows / self.import_seconds

    def raw_per_s(self, label: str = "same table") -> float:
        return self.rows / self.raw_seconds[label]

    @property
    def ratio(self) -> float:
        return self.values_per_s / self.raw_per_s()

    def json_line(self) -> str:
        return json.dumps(
            {
                "bench": "import",
                "backend": self.backend,
                "rows": self.rows,
                "values_per_s": round(self.values_per_s),
                "raw_values_per_s": round(self.raw_per_s()),
                "ratio": round(self.ratio, 3),
                "peak_rss_mb": round(self.peak_rss_mb, 1),
            }
        )


def postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def run(rows: int, backends, *, log=None) -> list[Measurement]:
    """Run the benchmark for ``backends``; ``log(text)`` is told what happens."""
    log = log or (lambda text: None)
    with tempfile.TemporaryDirectory(prefix="commonground-bench-") as folder:
        folder = Path(folder)
        start = time.perf_counter()
        values_file = data.write_values(folder / "values.csv", rows)
        framework_file = data.write_framework(folder / "framework.yaml", rows)
        size = values_file.stat().st_size / (1024 * 1024)
        log(
            f"generated {rows:,} rows ({data.partner_count(rows):,} partners, "
            f"{len(data.indicators())} indicators, {size:,.1f} MB) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        return [
            _measure(backend, rows, folder, values_file, framework_file, log)
            for backend in backends
        ]


def _measure(backend, rows, folder, values_file, framework_file, log) -> Measurement:
    with _database(backend, folder) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COMMONGROUND_VAR_DIR": str(folder / f"var-{backend}"),
            "DJANGO_SETTINGS_MODULE": "commonground.settings",
        }
        start = time.perf_counter()
        _child(env, "setup", framework_file)
        log(f"{backend}: database and framework ready in {time.perf_counter() - start:.1f} s")
        result = json.loads(_child(env, "import", values_file).strip().splitlines()[-1])
        if result["status"] != "succeeded":
            raise BenchError(f"{backend}: the import did not succeed: {result['message']}")
        log(f"{backend}: imported in {result['seconds']:.1f} s ({result['message']})")
        if backend == "sqlite":
            seconds = raw.run_sqlite(Path(urlsplit(url).path), values_file)
        else:
            seconds = raw.run_postgres(url, values_file)
        for label, taken in seconds.items():
            log(f"{backend}: raw insert ({label}) in {taken:.1f} s")
    return Measurement(
        backend=backend,
        rows=rows,
        import_seconds=result["seconds"],
        raw_seconds=seconds,
        peak_rss_mb=result["peak_rss_mb"],
        counts=result["counts"],
    )


def _child(env: dict, step: str, path: Path) -> str:
    command = [sys.executable, "-m", "commonground.bench.child", step, str(path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"the {step} step failed: {last}")
    return done.stdout


@contextmanager
def _database(backend: str, folder: Path):
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    server = postgres_server_url()
    if server is None:
        raise BenchError(
            "PostgreSQL: set DATABASE_URL to a PostgreSQL server (scripts/with-postgres does), "
            "or run with --backend sqlite."
        )
    import psycopg

    name = f"commonground_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table(measurements: list[Measurement]) -> str:
    """The results as a fixed-width table."""
    header = (
        "backend",
        "rows",
        "import values/s",
        "raw values/s",
        "ratio",
        "peak RSS MB",
        "raw, unique key only",
    )
    lines = [
        (
            m.backend,
            f"{m.rows:,}",
            f"{m.values_per_s:,.0f}",
            f"{m.raw_per_s():,.0f}",
            f"{m.ratio:.2f}",
            f"{m.peak_rss_mb:,.0f}",
            f"{m.raw_per_s('unique key only'):,.0f}",
        )
        for m in measurements
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    rendered = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *lines]
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)
