"""The raw baselines: the same rows inserted with nothing but the database driver.

The file is read with ``csv.reader``, codes are turned into ids with dictionaries, censoring
marks are split off, and the rows go in as fast as the database takes them: ``executemany`` in
one transaction on SQLite (the connection set up as the import's: WAL, ``synchronous=NORMAL``,
foreign keys checked, the same page cache), ``COPY`` on PostgreSQL. No check, no staging, no
audit — the floor any import path stands on.

Two tables, both built from ``measurement_datavalue``'s own definition:

* ``same table`` — every column, the unique key (indicator, partner, period, cell), the other
  indexes and the foreign keys: exactly what the import writes into. This is the baseline of
  the ratio: it measures what the import path costs over the database's own work.
* ``unique key only`` — every column and the unique key, nothing else: the database's insert
  rate without the secondary indexes, printed beside it to show what those indexes cost.
"""

import csv
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from commonground.measurement.imports.staging import SQLITE_CACHE_KIB

VALUES = "measurement_datavalue"
BATCH = 5000
RAW_COLUMNS = (
    "indicator_id",
    "partnership_id",
    "submission_id",
    "period",
    "cell",
    "value",
    "numerator",
    "denominator",
    "censor",
    "text",
    "comment",
    "flags",
    "review_state",
    "review_comment",
    "updated_at",
)


def raw_rows(path: Path, ids: dict) -> Iterator[tuple]:
    """The file's rows as ``RAW_COLUMNS`` tuples."""
    indicators, partners, reports = ids["indicators"], ids["partners"], ids["reports"]
    now = ids["now"]
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for code, partner, period, race, value, numerator, denominator, comment in reader:
            censor = ""
            if value[:1] in "<>" and value:
                censor, value = value[0], value[1:]
            elif numerator[:1] in "<>" and numerator:
                censor, numerator = numerator[0], numerator[1:]
            partnership_id = partners[partner]
            yield (
                indicators[code],
                partnership_id,
                reports[(partnership_id, period)],
                period,
                f"race={race}" if race else "",
                value or None,
                numerator or None,
                denominator or None,
                censor,
                "",
                comment,
                "[]",
                "pending",
                "",
                now,
            )


def _batches(rows, size=BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- SQLite -------------------------------------------------------------------------------------


def sqlite_ids(connection) -> dict:
    return {
        "indicators": dict(connection.execute("SELECT code, id FROM measurement_indicator")),
        "partners": dict(connection.execute("SELECT code, id FROM initiatives_partnership")),
        "reports": {
            (p, period): i
            for i, p, period in connection.execute(
                "SELECT id, partnership_id, period FROM measurement_submission"
            )
        },
        "now": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
    }


def sqlite_tables(connection) -> dict[str, list[str]]:
    """DDL of the two raw tables, from the values table's own statements."""
    table_sql = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [VALUES]
    ).fetchone()[0]
    index_sql = [
        sql
        for (sql,) in connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            [VALUES],
        )
    ]

    def renamed(sql: str, table: str) -> str:
        sql = sql.replace(f'"{VALUES}"', f'"{table}"')
        return re.sub(r'INDEX "([^"]+)"', lambda m: f'INDEX "{table}_{m.group(1)}"', sql)

    return {
        "same table": [renamed(table_sql, "raw_same")]
        + [renamed(sql, "raw_same") for sql in index_sql],
        "unique key only": [renamed(table_sql, "raw_unique")],
    }


def run_sqlite(database: Path, values_file: Path) -> dict[str, float]:
    """Seconds to insert the file's rows into each raw table."""
    import sqlite3

    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(f"PRAGMA cache_size={SQLITE_CACHE_KIB}")
    ids = sqlite_ids(connection)
    seconds = {}
    names = ", ".join(RAW_COLUMNS)
    marks = ", ".join("?" * len(RAW_COLUMNS))
    for label, statements in sqlite_tables(connection).items():
        table = "raw_same" if label == "same table" else "raw_unique"
        for sql in statements:
            connection.execute(sql)
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        for batch in _batches(raw_rows(values_file, ids)):
            connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608
        connection.execute("COMMIT")
        seconds[label] = time.perf_counter() - start
        connection.execute(f"DROP TABLE {table}")
    connection.close()
    return seconds


# --- PostgreSQL ---------------------------------------------------------------------------------


def run_postgres(url: str, values_file: Path) -> dict[str, float]:
    """Seconds to ``COPY`` the file's rows into each raw table."""
    import psycopg

    seconds = {}
    with psycopg.connect(url, autocommit=True) as connection:
        ids = {
            "indicators": dict(connection.execute("SELECT code, id FROM measurement_indicator")),
            "partners": dict(connection.execute("SELECT code, id FROM initiatives_partnership")),
            "reports": {
                (p, period): i
                for i, p, period in connection.execute(
                    "SELECT id, partnership_id, period FROM measurement_submission"
                )
            },
            "now": datetime.now(UTC),
        }
        foreign_keys = [
            f"ALTER TABLE {{table}} ADD FOREIGN KEY ({column}) REFERENCES {target} (id) "
            "DEFERRABLE INITIALLY DEFERRED"
            for column, target in (
                ("indicator_id", "measurement_indicator"),
                ("partnership_id", "initiatives_partnership"),
                ("submission_id", "measurement_submission"),
            )
        ]
        tables = {
            "same table": (
                "raw_same",
                [f"CREATE TABLE raw_same (LIKE {VALUES} INCLUDING ALL)"]
                + [sql.format(table="raw_same") for sql in foreign_keys],
            ),
            "unique key only": (
                "raw_unique",
                [
                    f"CREATE TABLE raw_unique (LIKE {VALUES} INCLUDING DEFAULTS "
                    "INCLUDING IDENTITY INCLUDING CONSTRAINTS)",
                    "ALTER TABLE raw_unique ADD PRIMARY KEY (id), "
                    "ADD UNIQUE (indicator_id, partnership_id, period, cell)",
                ],
            ),
        }
        names = ", ".join(RAW_COLUMNS)
        for label, (table, statements) in tables.items():
            for sql in statements:
                connection.execute(sql)
            start = time.perf_counter()
            with (
                connection.transaction(),
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in raw_rows(values_file, ids):
                    copy.write_row(row)
            seconds[label] = time.perf_counter() - start
            connection.execute(f"DROP TABLE {table}")
    return seconds
