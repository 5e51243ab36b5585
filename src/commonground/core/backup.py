"""Backup and restore of the whole database (``commonground backup`` / ``restore``).

The file is gzipped JSON lines:

1. a header — ``{"format": "commonground-backup", "version": 1, "created_at": …, "migrations":
   {app: [applied migration names]}}``;
2. for each table (every model of every installed app, the audit log and the many-to-many tables
   included), one line ``{"table": "app.model", "fields": [column attribute names]}`` followed by
   one line per row, a JSON array of its values in that order, by primary key;
3. a last line ``{"end": true, "tables": T, "rows": R}``, so a truncated file is refused.

Values are written exactly: dates and times in full ISO 8601 (microseconds and offset), decimals as
strings, binary as base64. The rows are read through one snapshot (PostgreSQL: a repeatable-read,
read-only transaction; SQLite: a deferred read transaction, which in WAL mode neither blocks nor
waits for writers), streamed from the database to the compressed file in chunks, so memory does
not grow with the database.

``restore`` reads the file the same way, in batches, into an **empty** database migrated to the
same migrations, in one transaction: all of it or nothing. "Empty" means no row in any table but
the content types and permissions that ``migrate`` creates itself; those are replaced by the
backup's, so every stored id stays as it was. PostgreSQL sequences are moved past the restored ids.
"""

from __future__ import annotations

import base64
import gzip
import json
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.dateparse import parse_duration
from django.utils.duration import duration_iso_string

FORMAT, VERSION = "commonground-backup", 1
CHUNK = 2000
# Filled by ``migrate`` in every database; replaced by the backup's rows on restore.
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """The file cannot be restored, or the database cannot take it; one line for people."""


def tables() -> list[type[models.Model]]:
    """Every table the application stores rows in, parents before children where it matters."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _columns(model) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _encode(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"Cannot write {type(value).__name__} to a backup")


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


@contextmanager
def _snapshot():
    """Every read inside sees the database as it was at one instant."""
    if connection.in_atomic_block:  # already inside a transaction (tests): it is the snapshot
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # Not Django's atomic(): it would BEGIN IMMEDIATE and hold the write lock throughout.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        yield


def write_backup(stream, *, log=None) -> dict:
    """Write the backup to the binary ``stream``; ``{"tables": T, "rows": R}``."""
    log = log or (lambda text: None)
    total_rows = 0
    with gzip.GzipFile(fileobj=stream, mode="wb", mtime=0) as out:

        def line(data):
            out.write(json.dumps(data, default=_encode, ensure_ascii=False).encode() + b"\n")

        with _snapshot():
            line(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": timezone.now().isoformat(),
                    "vendor": connection.vendor,
                    "migrations": applied_migrations(),
                }
            )
            models_ = tables()
            for model in models_:
                names = [f.attname for f in _columns(model)]
                line({"table": model._meta.label_lower, "fields": names})
                rows = (
                    model._base_manager.order_by("pk")
                    .values_list(*names)
                    .iterator(chunk_size=CHUNK)
                )
                count = 0
                for row in rows:
                    line(list(row))
                    count += 1
                total_rows += count
                if count:
                    log(f"{model._meta.label_lower}: {count:,} rows")
            line({"end": True, "tables": len(models_), "rows": total_rows})
    return {"tables": len(models_), "rows": total_rows}


# --- restore ------------------------------------------------------------------------------------


def _decoder(field: models.Field):
    """JSON value → the Python value the field stores."""
    target = field.target_field if field.is_relation else field
    if isinstance(field, models.JSONField):
        return lambda value: value
    if isinstance(target, models.BinaryField):
        return lambda value: None if value is None else base64.b64decode(value)
    if isinstance(target, models.DurationField):
        return lambda value: None if value is None else parse_duration(value)
    return target.to_python


def _not_empty() -> list[str]:
    return [
        model._meta.label_lower
        for model in tables()
        if model._meta.label_lower not in CREATED_BY_MIGRATE and model._base_manager.exists()
    ]


def _read_lines(stream):
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as source:
            for number, raw in enumerate(source, start=1):
                try:
                    yield number, json.loads(raw)
                except json.JSONDecodeError:
                    raise BackupError(f"line {number} is not JSON: the file is damaged") from None
    except (OSError, EOFError) as problem:
        raise BackupError(f"not a readable backup file ({problem})") from None


def _check_header(header) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("this is not a Commonground backup file")
    if header.get("version") != VERSION:
        raise BackupError(f"backup format version {header.get('version')} is not supported")
    ours = applied_migrations()
    theirs = header.get("migrations", {})
    if not ours:
        raise BackupError("the database has no tables yet: run 'commonground migrate' first")
    if ours != theirs:
        apps_ = sorted(set(ours) | set(theirs))
        differ = next(a for a in apps_ if ours.get(a) != theirs.get(a))
        mine = (ours.get(differ) or ["none"])[-1]
        backed = (theirs.get(differ) or ["none"])[-1]
        raise BackupError(
            f"the database's migrations differ from the backup's (app {differ}: database at "
            f"{mine}, backup at {backed}); restore with the version of Commonground that wrote "
            "the backup, then migrate"
        )


def restore_backup(stream, *, log=None) -> dict:
    """Load a backup into this empty, migrated database, in one transaction."""
    log = log or (lambda text: None)
    lines = _read_lines(stream)
    first = next(lines, None)
    if first is None:
        raise BackupError("the file is empty")
    _check_header(first[1])
    with transaction.atomic():
        filled = _not_empty()
        if filled:
            raise BackupError(
                f"the database is not empty ({len(filled)} tables hold rows, e.g. {filled[0]}); "
                "restore into a new, migrated database"
            )
        for label in CREATED_BY_MIGRATE:
            apps.get_model(label)._base_manager.all().delete()
        result = _load(lines, log)
        _reset_sequences()
    return result


def _load(lines, log) -> dict:
    model = fields = decoders = None
    batch: list[models.Model] = []
    rows = tables_seen = 0

    def flush():
        nonlocal batch
        if batch:
            _insert(model, fields, batch)
            batch = []

    for number, data in lines:
        if isinstance(data, list):
            if model is None:
                raise BackupError(f"line {number}: a row before any table")
            values = {f.attname: d(v) for f, d, v in zip(fields, decoders, data, strict=True)}
            batch.append(model(**values))
            rows += 1
            if len(batch) >= CHUNK:
                flush()
        elif data.get("end"):
            flush()
            if data.get("rows") != rows:
                raise BackupError(f"the file holds {rows} rows but says {data.get('rows')}")
            log(f"{tables_seen} tables, {rows:,} rows restored")
            return {"tables": tables_seen, "rows": rows}
        else:
            flush()
            model, fields = _table(data, number)
            decoders = [_decoder(f) for f in fields]
            tables_seen += 1
    raise BackupError("the file ends before its last line: it is incomplete")


def _table(data: dict, number: int):
    try:
        model = apps.get_model(data["table"])
    except (KeyError, LookupError, ValueError):
        raise BackupError(f"line {number}: unknown table {data.get('table')!r}") from None
    by_name = {f.attname: f for f in _columns(model)}
    try:
        fields = [by_name[name] for name in data["fields"]]
    except KeyError as missing:
        raise BackupError(f"line {number}: {data['table']} has no column {missing}") from None
    return model, fields


def _insert(model, fields, objects) -> None:
    """Insert rows as they are: ``raw`` keeps ``auto_now`` dates and skips ``save()``."""
    manager = model._base_manager
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), size):
        manager._insert(objects[start : start + size], fields=fields, raw=True)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), tables())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
