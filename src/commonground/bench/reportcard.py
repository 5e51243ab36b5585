"""The report card benchmark (SPEC §6 Performance; issue 4 item 10, the second part of ``bench``).

For one backend, in a fresh database of its own (a SQLite file in a temporary folder; on
PostgreSQL a database created on the server ``DATABASE_URL`` names and dropped afterwards — the
application's database is never touched), a child process

1. creates the tables and an initiative of ``values`` approved values: partners × 50 indicators
   (25 counts summed, 25 rates as Σnumerator ÷ Σdenominator) × 20 yearly periods × 10 cells (the
   total and 9 groups of one dimension), i.e. 10,000 values a partner — 10,000,000 values are
   1,000 partners. The values are written by one ``INSERT … SELECT`` over the cross product (the
   fixture is not what is measured), deterministic, so two runs hold the same numbers;
2. computes the rollups once, with the real code (``insight.rollups.verify_rollups(fix=True)``,
   which recomputes every rollup from the raw values);
3. measures, each the median of warm runs:

   * ``reportcard_ms`` — ``insight.document.build_report_card`` (internal card: every indicator,
     its series, trends, forecasts, scorecards and equity gaps), 5 runs after one warm-up. Warm
     runs reuse the statistics remembered for unchanged series (``document``'s memos), as a
     server does between approvals; ``reportcard_uncached_ms`` clears them before each run, so
     every trend, forecast and gap is recomputed; the public card (with small-cell suppression)
     is reported beside them;
   * ``raw_sql_ms`` — the same aggregates recomputed from the raw values with plain SQL on the
     same database: ``GROUP BY indicator, period, cell`` with ``SUM`` and the ratio of sums,
     every row fetched (3 runs after one warm-up);
   * ``duckdb_ms`` — DuckDB doing that aggregation in memory over the same rows, loaded into it
     first (the load is not timed): the practical floor for recomputing from raw values.

It prints a table and, per backend, one JSON line
``{"bench": "reportcard", "backend": …, "values": …, "reportcard_ms": …, "raw_sql_ms": …,
"duckdb_ms": …}``.

    python -m commonground.bench.reportcard [--values N] [--backend sqlite|postgres|both]

``BENCH_VALUES`` sets the default size (10,000,000). ``run_reportcard_bench(values, backend)``
is the function ``commonground bench`` calls.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_VALUES = 10_000_000
INDICATORS = 50
PERIODS = [str(year) for year in range(2005, 2025)]
GROUPS = [f"g{n}" for n in range(1, 10)]  # with the total: 10 cells
VALUES_PER_PARTNER = INDICATORS * len(PERIODS) * (1 + len(GROUPS))
SLUG = "bench-reportcard"
CARD_RUNS, RAW_RUNS = 5, 3
JSON_FIELDS = ("bench", "backend", "values", "reportcard_ms", "raw_sql_ms", "duckdb_ms")


class BenchError(Exception):
    """The benchmark could not run; one line."""


def partners_for(values: int) -> int:
    """Partners needed for ``values`` values (at least one)."""
    return max(1, round(values / VALUES_PER_PARTNER))


def default_values() -> int:
    return int(os.environ.get("BENCH_VALUES", DEFAULT_VALUES))


# --- the parent: a fresh database per backend, a child process per measurement ------------------


def postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextmanager
def _database(backend: str, folder: Path):
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'reportcard.sqlite3'}"
        return
    server = postgres_server_url()
    if server is None:
        raise BenchError(
            "PostgreSQL: set DATABASE_URL to a PostgreSQL server (scripts/with-postgres does)."
        )
    import psycopg

    name = f"commonground_bench_rc_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_reportcard_bench(values: int | None = None, backend: str = "sqlite", *, log=None) -> dict:
    """Measure one backend (``"sqlite"`` or ``"postgres"``) with ``values`` approved values.

    Returns the JSON line's fields and more: ``public_reportcard_ms``, ``partners``,
    ``rollups``, ``speedup`` (raw SQL ÷ report card) and the setup times. ``log(text)`` hears
    the progress.
    """
    values = values or default_values()
    log = log or (lambda text: None)
    with (
        tempfile.TemporaryDirectory(prefix="commonground-bench-rc-") as folder,
        _database(backend, Path(folder)) as url,
    ):
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COMMONGROUND_VAR_DIR": str(Path(folder) / "var"),
            "DJANGO_SETTINGS_MODULE": "commonground.settings",
        }
        command = [sys.executable, "-m", "commonground.bench.reportcard", "--child", str(values)]
        child = subprocess.Popen(  # noqa: S603 — our own module, fixed arguments
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for line in child.stderr:
            log(f"{backend}: {line.rstrip()}")
            last_error = line.strip()
        output = child.stdout.read()
        if child.wait() != 0:
            raise BenchError(f"{backend}: the benchmark failed: {locals().get('last_error', '')}")
    result = json.loads(output.strip().splitlines()[-1])
    result["backend"] = backend
    return result


def json_line(result: dict) -> str:
    return json.dumps({name: result[name] for name in JSON_FIELDS})


def table(results: list[dict]) -> str:
    """The results as a fixed-width table."""
    header = (
        "backend",
        "values",
        "partners",
        "rollups",
        "report card ms",
        "recomputed ms",
        "public card ms",
        "raw SQL ms",
        "DuckDB ms",
        "raw SQL ÷ card",
    )
    rows = [
        (
            r["backend"],
            f"{r['values']:,}",
            f"{r['partners']:,}",
            f"{r['rollups']:,}",
            f"{r['reportcard_ms']:,.1f}",
            f"{r['reportcard_uncached_ms']:,.1f}",
            f"{r['public_reportcard_ms']:,.1f}",
            f"{r['raw_sql_ms']:,.1f}",
            f"{r['duckdb_ms']:,.1f}",
            f"{r['speedup']:,.1f}×",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


# --- the child: fixture, rollups, measurements ---------------------------------------------------


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _median_ms(function, runs: int) -> float:
    function()  # warm: caches, imports, the database's pages
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _make_initiative(partners: int):
    """Initiative, dimension, partners, indicators, assignments, approved reports: the ORM."""
    from commonground.initiatives.models import Initiative, Organization, Partnership
    from commonground.measurement.models import (
        Dimension,
        DimensionValue,
        Indicator,
        ReportingAssignment,
        Submission,
    )

    initiative = Initiative.objects.create(name="Report card benchmark", slug=SLUG, is_public=True)
    dimension = Dimension.objects.create(initiative=initiative, code="group", name="Group")
    DimensionValue.objects.bulk_create(
        DimensionValue(dimension=dimension, code=g, name=f"Group {g[1:]}", sort_order=n)
        for n, g in enumerate(GROUPS)
    )
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Partner {n:04d}", sector="nonprofit") for n in range(partners)
    )
    partnerships = Partnership.objects.bulk_create(
        Partnership(initiative=initiative, organization=o, code=f"p{n:04d}")
        for n, o in enumerate(organizations)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            initiative=initiative,
            code=f"i{n:02d}",
            name=f"Indicator {n:02d}",
            value_type="count" if n % 2 == 0 else "rate",
            aggregation="sum" if n % 2 == 0 else "ratio_of_sums",
            scale_factor=1 if n % 2 == 0 else 100,
            unit="people" if n % 2 == 0 else "%",
            frequency="annual",
            is_published=True,
            baseline_period=PERIODS[0],
            sort_order=n,
        )
        for n in range(INDICATORS)
    )
    Indicator.dimensions.through.objects.bulk_create(
        Indicator.dimensions.through(indicator_id=i.pk, dimension_id=dimension.pk)
        for i in indicators
    )
    ReportingAssignment.objects.bulk_create(
        (ReportingAssignment(indicator=i, partnership=p) for p in partnerships for i in indicators),
        batch_size=5000,
    )
    Submission.objects.bulk_create(
        (
            Submission(partnership=p, period=period, status=Submission.Status.APPROVED)
            for p in partnerships
            for period in PERIODS
        ),
        batch_size=5000,
    )
    return initiative


def _insert_values(initiative) -> int:
    """Every approved value in one ``INSERT … SELECT`` over partners' reports × indicators × cells.

    Deterministic integers from the ids, in SQL both backends share, and consistent as a
    partner's report must be (the groups add up to at most the total): counts of 1,000–1,999 for
    the total and 10–109 for a group; rates of 1,100–2,099 out of 2,200–3,199 for the total and
    of at most 20–119 for a group.
    """
    from django.db import connection

    from commonground.measurement.models import DataValue, Indicator, Submission

    cells = ", ".join(f"({n}, '{'' if n == 0 else f'group={GROUPS[n - 1]}'}')" for n in range(10))
    # "%%": the statement has a parameter, so a literal % is doubled.
    h = "((s.id * 7919 + i.id * 104729 + c.n * 613) %% 1000)"
    sql = f"""
        WITH cells(n, cell) AS (VALUES {cells})
        INSERT INTO {DataValue._meta.db_table}
            (submission_id, indicator_id, partnership_id, period, cell, value, numerator,
             denominator, censor, text, comment, flags, review_state, review_comment, updated_at)
        SELECT s.id, i.id, s.partnership_id, s.period, c.cell,
            CASE WHEN i.value_type = 'count'
                 THEN CASE WHEN c.n = 0 THEN {h} + 1000 ELSE {h} %% 100 + 10 END END,
            CASE WHEN i.value_type = 'rate'
                 THEN CASE WHEN c.n = 0 THEN {h} + 1100 ELSE ({h} * 37) %% ({h} %% 100 + 21) END
            END,
            CASE WHEN i.value_type = 'rate'
                 THEN CASE WHEN c.n = 0 THEN {h} + 2200 ELSE {h} %% 100 + 20 END END,
            '', '', '', '[]', 'approved', '', CURRENT_TIMESTAMP
        FROM {Submission._meta.db_table} s
        CROSS JOIN {Indicator._meta.db_table} i
        CROSS JOIN cells c
        WHERE i.initiative_id = %s
    """  # noqa: S608 — table names from the models, the one value a parameter
    if connection.vendor == "postgresql":
        sql = sql.replace("'[]'", "CAST('[]' AS jsonb)")  # a text literal is not JSON there
    with connection.cursor() as cursor:
        cursor.execute(sql, [initiative.pk])
    return DataValue.objects.filter(indicator__initiative=initiative).count()


def _raw_sql(initiative):
    """The same aggregates from the raw values in plain SQL: one GROUP BY, every row fetched."""
    from django.db import connection

    from commonground.measurement.models import DataValue, Indicator

    sql = f"""
        SELECT v.indicator_id, v.period, v.cell,
               SUM(v.value), SUM(v.numerator), SUM(v.denominator),
               SUM(v.numerator) * MAX(i.scale_factor) / SUM(v.denominator), COUNT(*)
        FROM {DataValue._meta.db_table} v
        JOIN {Indicator._meta.db_table} i ON i.id = v.indicator_id
        WHERE i.initiative_id = %s AND v.review_state = 'approved' AND v.censor = ''
        GROUP BY v.indicator_id, v.period, v.cell
    """  # noqa: S608 — table names from the models

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [initiative.pk])
            return cursor.fetchall()

    return run


def _duckdb(initiative):
    """Load the same rows into DuckDB (not timed); return the timed aggregation."""
    import duckdb
    import numpy as np
    from django.db import connection

    from commonground.measurement.models import DataValue, Indicator

    numbers = "CAST({} AS DOUBLE PRECISION)" if connection.vendor == "postgresql" else "{}"
    sql = f"""
        SELECT v.indicator_id, v.period, v.cell, {numbers.format("v.value")},
               {numbers.format("v.numerator")}, {numbers.format("v.denominator")},
               {numbers.format("i.scale_factor")}
        FROM {DataValue._meta.db_table} v
        JOIN {Indicator._meta.db_table} i ON i.id = v.indicator_id
        WHERE i.initiative_id = %s AND v.review_state = 'approved' AND v.censor = ''
    """  # noqa: S608 — table names from the models
    columns = ("indicator_id", "period", "cell", "value", "numerator", "denominator", "scale")
    parts = {name: [] for name in columns}
    with connection.cursor() as cursor:
        cursor.execute(sql, [initiative.pk])
        while batch := cursor.fetchmany(500_000):
            for name, column in zip(columns, zip(*batch, strict=True), strict=True):
                if name in ("period", "cell"):
                    parts[name].append(np.array(column, dtype=object))
                else:
                    parts[name].append(np.array(column, dtype=np.float64))
    arrays = {name: np.concatenate(chunks) for name, chunks in parts.items()}
    database = duckdb.connect()
    database.register("source", arrays)
    database.execute("CREATE TABLE datavalue AS SELECT * FROM source")
    database.unregister("source")
    del arrays, parts

    def run():
        return database.execute(
            """SELECT indicator_id, period, cell, SUM(value), SUM(numerator), SUM(denominator),
                      SUM(numerator) * MAX(scale) / SUM(denominator), COUNT(*)
               FROM datavalue GROUP BY indicator_id, period, cell"""
        ).fetchall()

    return run


def child(values: int) -> dict:
    """Build the fixture in the database ``DATABASE_URL`` names and measure (see the module)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from commonground.insight.document import build_report_card, clear_memos
    from commonground.insight.models import Rollup
    from commonground.insight.rollups import verify_rollups

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    _say(f"tables created in {time.perf_counter() - started:.1f} s")
    partners = partners_for(values)
    start = time.perf_counter()
    with transaction.atomic():
        initiative = _make_initiative(partners)
        inserted = _insert_values(initiative)
    fixture_s = time.perf_counter() - start
    _say(f"{inserted:,} approved values ({partners:,} partners) written in {fixture_s:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    start = time.perf_counter()
    verify_rollups([initiative], fix=True)
    rollups_s = time.perf_counter() - start
    rollups = Rollup.objects.count()
    _say(f"{rollups:,} rollups computed from the raw values in {rollups_s:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    card = build_report_card(initiative, public=False)
    assert len(card.indicators) == INDICATORS and card.indicators[0].total.points
    reportcard_ms = _median_ms(lambda: build_report_card(initiative, public=False), CARD_RUNS)
    _say(f"report card: {reportcard_ms:,.1f} ms (median of {CARD_RUNS})")

    def uncached():
        clear_memos()
        build_report_card(initiative, public=False)

    uncached_ms = _median_ms(uncached, CARD_RUNS)
    _say(f"report card, statistics recomputed: {uncached_ms:,.1f} ms (median of {CARD_RUNS})")
    public_ms = _median_ms(lambda: build_report_card(initiative, public=True), CARD_RUNS)
    _say(f"public report card: {public_ms:,.1f} ms (median of {CARD_RUNS})")
    raw = _raw_sql(initiative)
    groups = len(raw())
    raw_sql_ms = _median_ms(raw, RAW_RUNS)
    _say(f"raw SQL: {raw_sql_ms:,.1f} ms for {groups:,} groups (median of {RAW_RUNS})")
    start = time.perf_counter()
    duck = _duckdb(initiative)
    _say(f"DuckDB loaded in {time.perf_counter() - start:.1f} s")
    assert len(duck()) == groups
    duckdb_ms = _median_ms(duck, RAW_RUNS)
    _say(f"DuckDB: {duckdb_ms:,.1f} ms (median of {RAW_RUNS})")
    return {
        "bench": "reportcard",
        "backend": connection.vendor,
        "values": inserted,
        "reportcard_ms": round(reportcard_ms, 1),
        "raw_sql_ms": round(raw_sql_ms, 1),
        "duckdb_ms": round(duckdb_ms, 1),
        "reportcard_uncached_ms": round(uncached_ms, 1),
        "public_reportcard_ms": round(public_ms, 1),
        "partners": partners,
        "rollups": rollups,
        "speedup": round(raw_sql_ms / reportcard_ms, 1),
        "fixture_s": round(fixture_s, 1),
        "rollups_s": round(rollups_s, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m commonground.bench.reportcard",
        description="Report card time against recomputing from raw values (SQL, DuckDB).",
    )
    parser.add_argument("--values", type=int, default=None, help="approved values (BENCH_VALUES)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default=None)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")
        sys.stdout.write(json.dumps(child(args.child)) + "\n")
        return 0
    backend = args.backend or ("both" if postgres_server_url() else "sqlite")
    backends = ["sqlite", "postgres"] if backend == "both" else [backend]
    try:
        results = [
            run_reportcard_bench(args.values, b, log=lambda text: _say(text)) for b in backends
        ]
    except BenchError as problem:
        _say(str(problem))
        return 1
    sys.stdout.write(table(results) + "\n")
    for result in results:
        sys.stdout.write(json_line(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
