"""The import's scratch tables: checked rows and errors, in the database, not in memory.

An import can hold a million rows; keeping them, or even their keys, in Python would make
memory grow with the file. So checked rows go, batch by batch, into a temporary table of the
import's own database connection (``CREATE TEMP TABLE``: private to the connection, dropped
with it, never written to the write-ahead log on PostgreSQL, never locking the main database on
SQLite), and so do the errors. Everything that needs the whole file — duplicate keys,
comparison with the stored values, locked reports — is then one SQL statement over the staged
rows, and the final write is ``INSERT … SELECT`` / ``UPDATE … FROM`` from them.

Rows reach the table by ``executemany`` on SQLite and by ``COPY`` on PostgreSQL (the fastest
way each database offers). On SQLite the staged numbers have the same ``decimal`` column type
as ``measurement_datavalue``, so both sides of a comparison are converted alike.
"""

# ruff: noqa: S608 — the only names put into these statements are ours (model tables, generated
# temporary-table names, column names from ``COLUMNS``); values always go as parameters.

import logging
import secrets
from collections.abc import Iterable, Iterator
from decimal import Context, Decimal

from django.db import DatabaseError, connection

from commonground.measurement.models import DataValue, Submission

logger = logging.getLogger(__name__)

# The staged row, in the order ``checks.RowChecker`` builds it.
COLUMNS = (
    "line",
    "indicator_id",
    "partnership_id",
    "period",
    "cell",
    "value",
    "numerator",
    "denominator",
    "censor",
    "text",
    "comment",
    "flags",
)
_TYPES = {
    "sqlite": {
        "line": "integer",
        "indicator_id": "integer",
        "partnership_id": "integer",
        "period": "text",
        "cell": "text",
        "value": "decimal",
        "numerator": "decimal",
        "denominator": "decimal",
        "censor": "text",
        "text": "text",
        "comment": "text",
        "flags": "text",
    },
    "postgresql": {
        "line": "integer",
        "indicator_id": "bigint",
        "partnership_id": "bigint",
        "period": "varchar(12)",
        "cell": "varchar(300)",
        "value": "numeric(20, 6)",
        "numerator": "numeric(20, 6)",
        "denominator": "numeric(20, 6)",
        "censor": "varchar(1)",
        "text": "text",
        "comment": "text",
        "flags": "jsonb",
    },
}
# The fields of a value that an import sets; equal in all of them means "unchanged".
COMPARED = ("value", "numerator", "denominator", "censor", "text", "comment")
_SQLITE_DECIMALS = Context(prec=15)
# SQLite's page cache for the import's connection, while it runs (negative: KiB). The default
# (2 MB) is smaller than the pages a million-row insert keeps revisiting in the indexes; 64 MB
# is a fixed cost, whatever the file's size.
SQLITE_CACHE_KIB = -16384
# PostgreSQL's memory for each sort of the import's statements, on the server, while it runs.
POSTGRES_WORK_MEM = "64MB"
_MICRO = Decimal("0.000001")

VALUES = DataValue._meta.db_table
SUBMISSIONS = Submission._meta.db_table


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def number_from_db(raw) -> Decimal | None:
    """A staged or stored number as Django reads it back (SQLite keeps decimals as floats)."""
    if raw is None or isinstance(raw, Decimal):
        return raw
    if isinstance(raw, float):
        return _SQLITE_DECIMALS.create_decimal_from_float(raw).quantize(_MICRO)
    return Decimal(raw).quantize(_MICRO)


class Staging:
    """The temporary tables of one import run (``create`` … ``drop``)."""

    def __init__(self):
        self.vendor = connection.vendor
        if self.vendor not in _TYPES:
            raise NotImplementedError(f"Imports do not support the {self.vendor} database.")
        token = secrets.token_hex(4)
        self.rows = f"cg_import_rows_{token}"
        self.errors = f"cg_import_errors_{token}"
        self.candidates = f"cg_import_candidates_{token}"
        self.is_postgres = self.vendor == "postgresql"
        self._keys_indexed = False
        self._cache_size = None
        # NULL-safe equality.
        self.same = "IS NOT DISTINCT FROM" if self.is_postgres else "IS"

    # --- lifetime -------------------------------------------------------------------------------

    def create(self) -> None:
        with connection.cursor() as cursor:
            if self.is_postgres:
                # Sorts (duplicates, the ordered insert) in memory rather than on disk.
                cursor.execute(f"SET work_mem = '{POSTGRES_WORK_MEM}'")
            else:
                cursor.execute("PRAGMA cache_size")
                self._cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        types = _TYPES[self.vendor]
        columns = ", ".join(f"{q(name)} {types[name]}" for name in COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {self.rows} ({columns})")
            cursor.execute(
                f"CREATE TEMP TABLE {self.errors} (line integer, seq integer, col text, "
                "code text, message text)"
            )

    def drop(self) -> None:
        """Drop the tables; if the connection is broken, they went with it (and the error that
        broke it is the one to report, not this one)."""
        try:
            with connection.cursor() as cursor:
                for table in (self.rows, self.errors, self.candidates):
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")
                if self.is_postgres:
                    cursor.execute("RESET work_mem")
                elif self._cache_size is not None:
                    cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
        except DatabaseError:
            logger.warning("Could not drop the import's scratch tables", exc_info=True)

    def analyze(self) -> None:
        """Index the errors' lines (so "not rejected" stays cheap however many there are) and,
        on PostgreSQL, give the planner statistics: it never analyzes temporary tables itself.
        """
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {self.errors}_line ON {self.errors} (line)")
            if self.is_postgres:
                cursor.execute(f"ANALYZE {self.rows}")
                cursor.execute(f"ANALYZE {self.errors}")

    # --- filling --------------------------------------------------------------------------------

    def add_rows(self, rows: list[tuple]) -> None:
        self._insert(self.rows, COLUMNS, rows)

    def add_errors(self, errors: list[tuple]) -> None:
        """``errors``: (line, seq, column, code, message) tuples."""
        self._insert(self.errors, ("line", "seq", "col", "code", "message"), errors)

    def _insert(self, table: str, columns: tuple, rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(q(c) for c in columns)
        with connection.cursor() as cursor:
            if self.is_postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                # One transaction per batch (in autocommit each row would be its own), begun
                # by a savepoint: a deferred transaction, which locks only the temporary
                # database it writes — never the main one, where others may be writing.
                cursor.execute("SAVEPOINT cg_import_batch")
                try:
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
                except BaseException:
                    cursor.execute("ROLLBACK TO cg_import_batch")
                    raise
                finally:
                    cursor.execute("RELEASE cg_import_batch")

    # --- reading --------------------------------------------------------------------------------

    def rejected_lines(self) -> int:
        return self._scalar(f"SELECT count(DISTINCT line) FROM {self.errors}")

    def error_count(self) -> int:
        return self._scalar(f"SELECT count(*) FROM {self.errors}")

    def _scalar(self, sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def stream(self, sql: str, params=(), size: int = 2000) -> Iterator[tuple]:
        """Rows of ``sql`` a chunk at a time (a server-side cursor on PostgreSQL)."""
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(size):
                yield from chunk

    def errors_in_order(self) -> Iterator[tuple]:
        yield from self.stream(
            f"SELECT line, col, code, message FROM {self.errors} ORDER BY line, seq"
        )

    # --- whole-file checks ----------------------------------------------------------------------

    def duplicate_keys(self) -> Iterator[tuple[int, int, str, str, list[int]]]:
        """Keys given on more than one row, with those rows' lines."""
        lines = (
            "string_agg(line::text, ',' ORDER BY line)"
            if self.is_postgres
            else "group_concat(line, ',')"
        )
        sql = (
            f"SELECT indicator_id, partnership_id, period, cell, {lines} FROM {self.rows} "
            "GROUP BY indicator_id, partnership_id, period, cell HAVING count(*) > 1"
        )
        for indicator_id, partnership_id, period, cell, found in self.stream(sql):
            yield (
                indicator_id,
                partnership_id,
                period,
                cell,
                sorted(int(n) for n in found.split(",")),
            )

    def _join_value(self, alias: str = "d", rows: str = "s") -> str:
        return (
            f"{alias}.indicator_id = {rows}.indicator_id "
            f"AND {alias}.partnership_id = {rows}.partnership_id "
            f"AND {alias}.period = {rows}.period AND {alias}.cell = {rows}.cell"
        )

    def _unchanged(self, alias: str = "d", rows: str = "s") -> str:
        return " AND ".join(f"{alias}.{q(c)} {self.same} {rows}.{q(c)}" for c in COMPARED)

    def _not_rejected(self, rows: str = "s") -> str:
        return f"NOT EXISTS (SELECT 1 FROM {self.errors} e WHERE e.line = {rows}.line)"

    def outcome_counts(self) -> dict[str, int]:
        """How many good rows would create, update or leave unchanged a stored value."""
        sql = (
            "SELECT "
            "sum(CASE WHEN d.id IS NULL THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN d.id IS NOT NULL AND {self._unchanged()} THEN 1 ELSE 0 END), "
            "count(*) "
            f"FROM {self.rows} s LEFT JOIN {VALUES} d ON {self._join_value()} "
            f"WHERE {self._not_rejected()}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            created, unchanged, total = cursor.fetchone()
        created, unchanged, total = created or 0, unchanged or 0, total or 0
        return {
            "created": created,
            "updated": total - created - unchanged,
            "unchanged": unchanged,
        }

    def locked_rows(self, editable: Iterable[str], approved_state: str) -> Iterator[tuple]:
        """Good rows that would change a value the review has locked.

        (line, indicator id, partnership id, period, cell, report status, value state, new?)
        for each row that creates or changes a value in a report that is not editable, or
        changes a value approved on its own.
        """
        editable = sorted(editable)
        marks = ", ".join(["%s"] * len(editable))
        sql = (
            "SELECT s.line, s.indicator_id, s.partnership_id, s.period, s.cell, sub.status, "
            "d.review_state, CASE WHEN d.id IS NULL THEN 1 ELSE 0 END "
            f"FROM {self.rows} s "
            f"LEFT JOIN {VALUES} d ON {self._join_value()} "
            f"LEFT JOIN {SUBMISSIONS} sub ON sub.partnership_id = s.partnership_id "
            "AND sub.period = s.period "
            f"WHERE (d.id IS NULL OR NOT ({self._unchanged()})) "
            f"AND ((sub.id IS NOT NULL AND sub.status NOT IN ({marks})) "
            "OR d.review_state = %s) "
            "ORDER BY s.line"
        )
        yield from self.stream(sql, [*editable, approved_state])

    def has_stored_values(self, indicator_ids: list[int]) -> bool:
        if not indicator_ids:
            return False
        marks = ", ".join(["%s"] * len(indicator_ids))
        sql = f"SELECT 1 FROM {VALUES} WHERE indicator_id IN ({marks}) LIMIT 1"
        with connection.cursor() as cursor:
            cursor.execute(sql, indicator_ids)
            return cursor.fetchone() is not None

    def _breakdown_union(self, indicator_ids: list[int], with_stored: bool) -> tuple[str, list]:
        """Good rows of these indicators and, ``with_stored``, the stored values of the same
        partner, period and indicator that no row replaces (a ``line`` of NULL)."""
        marks = ", ".join(["%s"] * len(indicator_ids))
        sql = (
            "SELECT s.partnership_id, s.period, s.indicator_id, s.line, s.cell, s.value, "
            f"s.numerator, s.denominator, s.censor FROM {self.rows} s "
            f"WHERE s.indicator_id IN ({marks}) AND {self._not_rejected()}"
        )
        params = list(indicator_ids)
        if with_stored:
            # Driven from the rows' groups, so that the stored values are found through the
            # unique key's first columns, never by reading all the indicators' values.
            sql += (
                " UNION ALL SELECT d.partnership_id, d.period, d.indicator_id, NULL, d.cell, "
                "d.value, d.numerator, d.denominator, d.censor FROM "
                f"(SELECT DISTINCT indicator_id, partnership_id, period FROM {self.rows} "
                f"WHERE indicator_id IN ({marks})) g JOIN {VALUES} d "
                "ON d.indicator_id = g.indicator_id AND d.partnership_id = g.partnership_id "
                "AND d.period = g.period "
                f"WHERE NOT EXISTS (SELECT 1 FROM {self.rows} s WHERE {self._join_value('d', 's')})"
            )
            params += list(indicator_ids)
        return sql, params

    def breakdown_rows(
        self, indicator_ids: list[int], with_stored: bool, only_candidates: bool = False
    ) -> Iterator[tuple]:
        """The rows of ``_breakdown_union``, each (partner, period, indicator) together:
        (partnership id, period, indicator id, line or None, cell, value, numerator,
        denominator, censor). ``only_candidates``: only the groups ``find_candidates`` kept.
        """
        union, params = self._breakdown_union(indicator_ids, with_stored)
        where = ""
        if only_candidates:
            where = (
                f"WHERE EXISTS (SELECT 1 FROM {self.candidates} c "
                "WHERE c.partnership_id = b.partnership_id AND c.period = b.period "
                "AND c.indicator_id = b.indicator_id) "
            )
        sql = f"SELECT * FROM ({union}) AS b {where}ORDER BY 1, 2, 3"
        yield from self.stream(sql, params)

    def find_candidates(self, indicator_ids: list[int], with_stored: bool) -> int:
        """Keep the groups (partner, period, indicator) whose cells might exceed their total.

        For indicators whose cells each name one dimension's group, no group having a parent
        in a hierarchy: then every cell's parent is the total, and the rule is, per dimension,
        Σ cells ≤ total (censored numbers left out). A group is kept when a sum comes within a
        hair of its total or over it (the hair covers SQLite's floating-point sums; the exact
        check is ``crossvalue.cells_vs_total``, run on the groups kept), or when it has a cell
        of several dimensions. Returns how many were kept.
        """
        union, params = self._breakdown_union(indicator_ids, with_stored)
        if self.is_postgres:
            dimension = "split_part(cell, '=', 1)"
        else:
            dimension = "substr(cell, 1, instr(cell, '=') - 1)"
        exact = "CASE WHEN censor = '' THEN {0} END"
        near = "coalesce(c.{0}, 0) > t.{0} - (0.000001 + 0.000000001 * abs(t.{0}))"
        sql = (
            f"CREATE TEMP TABLE {self.candidates} AS "
            f"WITH b AS ({union}), "
            "t AS (SELECT partnership_id, period, indicator_id, "
            f"{exact.format('value')} AS v, {exact.format('numerator')} AS n, "
            "denominator AS d FROM b WHERE cell = ''), "
            f"c AS (SELECT partnership_id, period, indicator_id, {dimension} AS dim, "
            f"sum({exact.format('value')}) AS v, sum({exact.format('numerator')}) AS n, "
            "sum(denominator) AS d, "
            "max(CASE WHEN cell LIKE '%%;%%' THEN 1 ELSE 0 END) AS multi "
            "FROM b WHERE cell <> '' GROUP BY partnership_id, period, indicator_id, dim) "
            "SELECT DISTINCT c.partnership_id, c.period, c.indicator_id FROM c "
            "JOIN t ON t.partnership_id = c.partnership_id AND t.period = c.period "
            "AND t.indicator_id = c.indicator_id "
            f"WHERE c.multi = 1 OR {near.format('v')} OR {near.format('n')} "
            f"OR {near.format('d')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.candidates}")
            cursor.execute(sql, params)
            cursor.execute(
                f"CREATE INDEX {self.candidates}_key ON {self.candidates} "
                "(partnership_id, period, indicator_id)"
            )
        return self._scalar(f"SELECT count(*) FROM {self.candidates}")

    def lock_reports(self) -> None:
        """Lock the existing reports the rows go into (PostgreSQL; SQLite locks the database)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT sub.id FROM {SUBMISSIONS} sub WHERE EXISTS (SELECT 1 FROM {self.rows} s "
                "WHERE s.partnership_id = sub.partnership_id AND s.period = sub.period) "
                "ORDER BY sub.id FOR UPDATE"
            )

    def index_keys(self) -> None:
        """An index on the staged keys, for the look-ups from stored values into the rows."""
        if self._keys_indexed:
            return
        self._keys_indexed = True
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {self.rows}_key ON {self.rows} "
                "(partnership_id, period, indicator_id, cell)"
            )

    # --- writing (inside the import's one transaction) ------------------------------------------

    def changed_reports(self) -> Iterator[tuple]:
        """(report id, partnership id, period, status, values created, values updated) for
        every existing report the import creates or changes a value in."""
        sql = (
            "SELECT sub.id, s.partnership_id, s.period, sub.status, "
            "sum(CASE WHEN d.id IS NULL THEN 1 ELSE 0 END), "
            "sum(CASE WHEN d.id IS NULL THEN 0 ELSE 1 END) "
            f"FROM {self.rows} s LEFT JOIN {VALUES} d ON {self._join_value()} "
            f"JOIN {SUBMISSIONS} sub ON sub.partnership_id = s.partnership_id "
            "AND sub.period = s.period "
            f"WHERE (d.id IS NULL OR NOT ({self._unchanged()})) "
            "GROUP BY sub.id, s.partnership_id, s.period, sub.status "
            "ORDER BY sub.id"
        )
        yield from self.stream(sql)

    def changed_pairs(self) -> set[tuple[int, str]]:
        """The (indicator id, period) pairs of the rows that create or change a value."""
        sql = (
            f"SELECT DISTINCT s.indicator_id, s.period FROM {self.rows} s "
            f"LEFT JOIN {VALUES} d ON {self._join_value()} "
            f"WHERE d.id IS NULL OR NOT ({self._unchanged()})"
        )
        return set(self.stream(sql))

    def last_report_id(self) -> int:
        return self._scalar(f"SELECT coalesce(max(id), 0) FROM {SUBMISSIONS}")

    def insert_reports(self, fixed: dict) -> int:
        """Create the reports (partner × period) of the rows that have none.

        ``fixed``: model field name → value for every other column of the report.
        """
        columns = ["partnership_id", "period"]
        expressions = ["g.partnership_id", "g.period"]
        params = []
        for name, value in fixed.items():
            model_field = Submission._meta.get_field(name)
            columns.append(model_field.column)
            expressions.append(self.param(model_field))
            params.append(model_field.get_db_prep_save(value, connection))
        sql = (
            f"INSERT INTO {SUBMISSIONS} ({', '.join(q(c) for c in columns)}) "
            f"SELECT {', '.join(expressions)} FROM "
            f"(SELECT DISTINCT partnership_id, period FROM {self.rows}) g "
            f"WHERE NOT EXISTS (SELECT 1 FROM {SUBMISSIONS} sub "
            "WHERE sub.partnership_id = g.partnership_id AND sub.period = g.period) "
            "ORDER BY g.partnership_id, g.period"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def new_reports(self, after_id: int) -> Iterator[tuple]:
        """(report id, partnership id, period, rows) of the reports created after ``after_id``
        for the rows."""
        sql = (
            "SELECT sub.id, sub.partnership_id, sub.period, g.n FROM "
            f"(SELECT partnership_id, period, count(*) AS n FROM {self.rows} "
            "GROUP BY partnership_id, period) g "
            f"JOIN {SUBMISSIONS} sub ON sub.partnership_id = g.partnership_id "
            "AND sub.period = g.period WHERE sub.id > %s ORDER BY sub.id"
        )
        yield from self.stream(sql, [after_id])

    def param(self, model_field) -> str:
        """A placeholder for a value of ``model_field``'s column in a SELECT list.

        PostgreSQL types a bare parameter there as text (which a NULL for a bigint column
        cannot be); SQLite's CAST would turn a date into a number, so only PostgreSQL casts.
        """
        if self.is_postgres:
            return f"CAST(%s AS {model_field.db_type(connection)})"
        return "%s"

    def insert_many(self, model, columns: list[str], rows: list[tuple]) -> None:
        """Insert ``rows`` — values of ``columns``, ready for the database — into ``model``'s
        table, without building model objects (``COPY`` on PostgreSQL)."""
        self._insert(q(model._meta.db_table), tuple(columns), rows)

    def updated_values(self) -> Iterator[tuple]:
        """(stored value id, line, staged value, numerator, denominator, censor, text, comment)
        for each row that changes a stored value."""
        new = ", ".join(f"s.{q(c)}" for c in COMPARED)
        sql = (
            f"SELECT d.id, s.line, {new} FROM {self.rows} s "
            f"JOIN {VALUES} d ON {self._join_value()} "
            f"WHERE NOT ({self._unchanged()}) ORDER BY d.id"
        )
        yield from self.stream(sql)

    def update_values(self, fixed: dict) -> int:
        """Write the changed rows over their stored values; ``fixed``: field name → value."""
        sets = [f"{q(c)} = s.{q(c)}" for c in (*COMPARED, "flags")]
        params = []
        for name, value in fixed.items():
            model_field = DataValue._meta.get_field(name)
            sets.append(f"{q(model_field.column)} = %s")  # typed by the column it is set to
            params.append(model_field.get_db_prep_save(value, connection))
        sql = (
            f"UPDATE {VALUES} AS d SET {', '.join(sets)} FROM {self.rows} AS s "
            f"WHERE {self._join_value()} AND NOT ({self._unchanged()})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def insert_values(self, fixed: dict, *, all_new: bool = False) -> int:
        """Insert the rows that have no stored value, into their reports.

        ``fixed``: model field name → value for every other column of ``measurement_datavalue``.
        ``all_new``: no row has a stored value (the outcome counted inside this transaction),
        so the look-up of each row's stored value is skipped — and should a value appear all
        the same, the unique key refuses it rather than the row being silently left out.
        The rows go in report by report (partner, period), the order the reports were created
        in: then each index of the values table grows at a few places at once — the report's,
        the partner's, each indicator's — and the pages it writes stay in the cache. (In the
        unique key's order, the report index would be written all over at every row.)
        """
        staged = [
            "indicator_id",
            "partnership_id",
            "period",
            "cell",
            *COMPARED,
            "flags",
        ]
        fields = [DataValue._meta.get_field(name) for name in fixed]
        columns = [*staged, "submission_id", *(f.column for f in fields)]
        expressions = [f"s.{q(c)}" for c in staged] + ["sub.id"]
        expressions += [self.param(f) for f in fields]
        params = [
            f.get_db_prep_save(v, connection) for f, v in zip(fields, fixed.values(), strict=True)
        ]
        sql = (
            f"INSERT INTO {VALUES} ({', '.join(q(c) for c in columns)}) "
            f"SELECT {', '.join(expressions)} FROM {self.rows} s "
            f"JOIN {SUBMISSIONS} sub ON sub.partnership_id = s.partnership_id "
            "AND sub.period = s.period "
            + (
                ""
                if all_new
                else f"WHERE NOT EXISTS (SELECT 1 FROM {VALUES} d WHERE {self._join_value()}) "
            )
            + "ORDER BY s.partnership_id, s.period, s.indicator_id, s.cell"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
