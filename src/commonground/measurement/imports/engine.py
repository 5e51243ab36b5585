"""The import engine: a stream of rows in, all of them stored or none (SPEC §3.1.4, §5.2).

How it runs, and why:

1. **Check pass** (outside any transaction). The rows are read one at a time from the file and
   checked on their own (``checks.RowChecker``, the validation pipeline without a query); good
   rows go to the staging table and errors to the errors table, ``BATCH_ROWS`` at a time
   (``staging``). Memory holds one batch and look-ups the size of the registry (indicators ×
   partners), whatever the file's size. Progress is written between
   batches, in its own short transactions, so the page and the command line can show it.
2. **Whole-file rules**, in SQL over the staged rows: duplicate keys (every row of a key given
   twice is refused, naming the others), locked data (a row that would create or change a value
   in a submitted or approved report — ``submission_locked`` — or change a value approved on its
   own — ``value_locked``), and disaggregated cells against their total, with the values already
   stored (``cells_exceed_total``, ``cells_differ_from_total``).
3. **Outcome.** Each good row creates, updates or leaves unchanged a stored value (one SQL
   join). A dry run runs every rule above and counts the outcomes, outside any transaction, and
   writes nothing. A real run with rows refused by step 1 or by a duplicate stops there too.
   Otherwise the rules on stored data run *inside* the write's **one transaction**, then —
   unless they refuse a row, which undoes it — the write: the reports (one per partner and
   period) created or moved to *submitted* (or *approved* when the import approves, with the
   rollups refreshed), the values updated and inserted by set-based SQL from the staging
   table (inserted report by report), the audit events, and the job's outcome. A
   process killed before the commit leaves nothing behind. Progress cannot be shown during
   that transaction — its writes are invisible until it commits, and on SQLite it holds the
   only write lock — so the job says "writing" until it ends.

On SQLite the write transaction is ``BEGIN IMMEDIATE``, so nobody can change the data between
the last check and the write; on PostgreSQL the existing reports concerned are locked
(``SELECT … FOR UPDATE``) before the check, as ``save_values`` locks its report.

Audit (``core.audit`` conventions, written in bulk): one ``import.committed`` event for the job
(counts, file name, format and the file's SHA-256), one event per report created or changed
(``submission.created`` / ``submission.submitted`` / ``submission.approved`` with the status
before and after and how many values the import created or changed in it), and one
``value.saved`` event with before/after per value *updated*. Created values get no event each:
there was no "before", the job's event names the exact file by its hash (uploads are kept under
``var/imports``), and a million rows would otherwise be a million events repeating the file.
Unchanged values get nothing: re-importing a file leaves no trace but its job.
"""

import functools
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby, islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.core import audit
from commonground.core.models import AuditEvent
from commonground.measurement import validation
from commonground.measurement.cells import parse_cell_key
from commonground.measurement.imports.checks import RowChecker
from commonground.measurement.imports.rows import ImportFileError, RawRow
from commonground.measurement.imports.staging import COLUMNS, Staging, number_from_db
from commonground.measurement.models import DataValue, ReviewState, Submission
from commonground.measurement.validation import Registry, Validator
from commonground.measurement.validation.crossvalue import cells_vs_total
from commonground.measurement.validation.rules import ADDITIVE, Checked

logger = logging.getLogger(__name__)

BATCH_ROWS = 5000
Status = Submission.Status
EDITABLE = (Status.DRAFT, Status.RETURNED, Status.REOPENED)
VALUE_FIELDS = ["value", "numerator", "denominator", "censor", "text", "comment"]
# Progress: (rows done, rows expected or None, phase) — phase is "checking" or "writing".
Progress = Callable[[int, int | None, str], None]


@dataclass
class ImportResult:
    """What an import did, or for a dry run would do."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error_count: int = 0
    reports_created: int = 0
    reports_updated: int = 0
    written: bool = False
    file_error: ImportFileError | None = None
    errors: list[tuple] = field(default_factory=list)  # the first errors, in row order

    @property
    def is_rejected(self) -> bool:
        return self.file_error is not None or self.rejected > 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def _timed(method):
    """Log how long each step of an import takes (at DEBUG: ``LOG_LEVEL=DEBUG``)."""

    @functools.wraps(method)
    def timed(self, *args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return method(self, *args, **kwargs)
        finally:
            logger.debug(
                "import step %s: %.2f s (%.2f s of this process's CPU)",
                method.__name__,
                time.perf_counter() - start,
                time.process_time() - cpu,
            )

    return timed


class Rejected(Exception):
    """Raised inside the write transaction to undo it when the last checks find errors."""


def import_rows(
    initiative,
    rows: Iterable[RawRow],
    *,
    actor,
    dry_run: bool,
    approve: bool = False,
    job=None,
    file_info: dict | None = None,
    progress: Progress | None = None,
    rows_expected: int | None = None,
    error_sink: Callable[[Iterator[tuple]], None] | None = None,
    keep_errors: int = 100,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Check ``rows`` and, unless ``dry_run`` or any row is refused, store them all.

    ``actor`` is who imports (``None``: the system, for commands); the caller has checked the
    permission. ``job`` (an ``ImportJob``) and ``file_info`` (name, sha256, format) go into the
    audit event. ``error_sink`` receives every error in row order as (row, column, code,
    message) — the error report; the first ``keep_errors`` are also kept in the result.
    ``on_written`` is called inside the write transaction once the data is written (to mark
    the job done in the same commit).
    """
    run = _Run(initiative, actor=actor, dry_run=dry_run, approve=approve, job=job)
    run.file_info = file_info or {}
    run.progress = progress or (lambda done, total, phase: None)
    run.rows_expected = rows_expected
    return run.execute(rows, error_sink, keep_errors, on_written)


class _Run:
    def __init__(self, initiative, *, actor, dry_run, approve, job):
        self.initiative = initiative
        self.actor = actor
        self.dry_run = dry_run
        self.approve = approve
        self.job = job
        self.result = ImportResult()
        self.registry = Registry.load(initiative)
        self.validator = Validator(self.registry, today=validation.today())
        self.checker = RowChecker(self.registry, self.validator)
        self.staging = Staging()
        self._seq = 0
        self._actor_label = audit.actor_label(actor)
        self._event_time = self._event_time_db = None

    def execute(self, rows, error_sink, keep_errors, on_written) -> ImportResult:
        staging = self.staging
        staging.create()
        try:
            try:
                self._check_pass(rows)
            except ImportFileError as problem:
                self.result.file_error = problem
                self._errors([(problem.line or 1, problem.column, problem.code, problem.message)])
            if self.result.file_error is None and self.result.rows == 0:
                problem = ImportFileError(
                    _("The file has no rows of values under its header."), code="no_rows", line=2
                )
                self.result.file_error = problem
                self._errors([(2, "", problem.code, problem.message)])
            staging.analyze()
            if self.result.file_error is None:
                self._judge_and_write(on_written)
            self.result.error_count = staging.error_count()
            if self.result.file_error is None:
                self.result.rejected = staging.rejected_lines()
            else:  # the file is refused whole: every row read with it
                self.result.rejected = self.result.rows
            errors = staging.errors_in_order()
            self.result.errors = list(islice(errors, keep_errors))
            if error_sink is not None:
                error_sink(_chain(self.result.errors, errors))
            else:
                errors.close()
        finally:
            staging.drop()
        return self.result

    # --- pass 1 ---------------------------------------------------------------------------------

    @_timed
    def _check_pass(self, rows: Iterable[RawRow]) -> None:
        check = self.checker.check
        iterator = iter(rows)
        done = 0
        self.progress(0, self.rows_expected, "checking")
        while True:
            batch = list(islice(iterator, BATCH_ROWS))
            if not batch:
                break
            good, bad = [], []
            for raw in batch:
                staged, errors = check(raw)
                if staged is not None:
                    good.append(staged)
                else:
                    bad.extend(errors)
            self.staging.add_rows(good)
            self._errors(bad)
            done += len(batch)
            self.result.rows = done
            self.progress(done, max(done, self.rows_expected or 0) or None, "checking")

    def _errors(self, errors: list[tuple]) -> None:
        """Stage (line, column, code, message) errors, numbered to keep their order in a row."""
        if not errors:
            return
        numbered = []
        for line, column, code, message in errors:
            self._seq += 1
            numbered.append((line, self._seq, column, code, message))
        self.staging.add_errors(numbered)

    # --- whole-file rules -----------------------------------------------------------------------

    def _judge_and_write(self, on_written) -> None:
        self._duplicates()
        if self.dry_run or self.staging.rejected_lines():
            self._stored_data_rules()
            self._count_outcomes()
            return
        self.progress(self.result.rows, self.result.rows, "writing")
        try:
            with transaction.atomic():
                self._lock_reports()
                self._stored_data_rules()
                if self.staging.rejected_lines():
                    raise Rejected
                self._count_outcomes()
                self._write()
                self.result.written = True
                if on_written is not None:
                    on_written(self.result)
        except Rejected:
            # The errors were staged inside the undone transaction: find them again outside.
            self._stored_data_rules()
            self._count_outcomes()

    @_timed
    def _count_outcomes(self) -> None:
        counts = self.staging.outcome_counts()
        self.result.created = counts["created"]
        self.result.updated = counts["updated"]
        self.result.unchanged = counts["unchanged"]

    @_timed
    def _duplicates(self) -> None:
        registry = self.registry
        for indicator_id, partnership_id, period, cell, lines in self.staging.duplicate_keys():
            indicator = registry.indicators_by_id[indicator_id]
            partner = registry.partnerships_by_id[partnership_id]
            what = registry.label(indicator, parse_cell_key(cell))
            errors = []
            for line in lines:
                others = [n for n in lines if n != line]
                shown = ", ".join(str(n) for n in others[:5])
                if len(others) > 5:
                    shown += _(" and %(count)s more") % {"count": len(others) - 5}
                message = _(
                    "%(what)s of %(partner)s for %(period)s is given more than once: also in "
                    "row %(rows)s. Keep one of these rows."
                ) % {"what": what, "partner": partner, "period": period, "rows": shown}
                errors.append((line, "", "duplicate_value", message))
                if len(errors) >= BATCH_ROWS:
                    self._errors(errors)
                    errors = []
            self._errors(errors)

    def _stored_data_rules(self) -> None:
        self._locked()
        self._breakdowns()

    @_timed
    def _locked(self) -> None:
        registry = self.registry
        approved = ReviewState.APPROVED
        batch = []
        rows = self.staging.locked_rows([s.value for s in EDITABLE], approved.value)
        for line, indicator_id, partnership_id, period, cell, status, state, new in rows:
            indicator = registry.indicators_by_id[indicator_id]
            partner = registry.partnerships_by_id[partnership_id]
            what = registry.label(indicator, parse_cell_key(cell))
            if status is not None and status not in EDITABLE:
                message = _(
                    "The %(period)s report of %(partner)s is %(status)s: %(what)s cannot be "
                    "%(done)s now (it can once the report is returned or reopened)."
                ) % {
                    "period": period,
                    "partner": partner,
                    "status": Status(status).label.lower(),
                    "what": what,
                    "done": _("added") if new else _("changed"),
                }
                batch.append((line, "", "submission_locked", message))
            elif state == approved:
                message = _(
                    "%(what)s of %(partner)s for %(period)s is approved: it cannot be changed."
                ) % {
                    "what": what,
                    "partner": partner,
                    "period": period,
                }
                batch.append((line, "", "value_locked", message))
            if len(batch) >= BATCH_ROWS:
                self._errors(batch)
                batch = []
        self._errors(batch)

    @_timed
    def _breakdowns(self) -> None:
        """Disaggregated cells against their total, per partner, period and indicator.

        ``crossvalue.cells_vs_total`` decides, on the rows and the stored values of each group;
        for indicators of plain breakdowns, SQL first sets aside the groups that cannot break
        the rule (``Staging.find_candidates``), so that only the others are read into Python.
        """
        registry = self.registry
        simple, complex_ = [], []
        for indicator in registry.indicators_by_id.values():
            allowed = registry.allowed_cells(indicator.pk)
            if indicator.value_type not in ADDITIVE or not allowed:
                continue
            nested = any(
                registry.value_parents.get((dim, value))
                for dim in allowed
                for value in allowed[dim]
            )
            if nested or indicator.breakdown_complete:
                complex_.append(indicator.pk)
            else:
                simple.append(indicator.pk)
        if not simple and not complex_:
            return
        staging = self.staging
        with_stored = staging.has_stored_values(simple + complex_)
        if with_stored:
            staging.index_keys()
        if complex_:
            self._check_breakdowns(staging.breakdown_rows(complex_, with_stored))
        if simple and staging.find_candidates(simple, with_stored):
            self._check_breakdowns(staging.breakdown_rows(simple, with_stored, True))

    def _check_breakdowns(self, rows) -> None:
        registry = self.registry
        batch = []
        for (_partner, _period, indicator_id), group in groupby(rows, key=lambda r: r[:3]):
            indicator = registry.indicators_by_id[indicator_id]
            entries, context = [], []
            for *_key, line, cell, value, numerator, denominator, censor in group:
                checked = Checked(
                    indicator,
                    cell,
                    parse_cell_key(cell),
                    number_from_db(value),
                    number_from_db(numerator),
                    number_from_db(denominator),
                    censor or "",
                    index=line,
                )
                (entries if line is not None else context).append(checked)
            if len(entries) + len(context) < 2:
                continue
            for finding in cells_vs_total(registry, entries, context):
                batch.append((finding.index, finding.field, finding.code, finding.message))
            if len(batch) >= BATCH_ROWS:
                self._errors(batch)
                batch = []
        self._errors(batch)

    # --- the write ------------------------------------------------------------------------------

    @_timed
    def _lock_reports(self) -> None:
        """On PostgreSQL, lock the reports the rows go into, as ``save_values`` does."""
        if not self.staging.is_postgres:
            return  # BEGIN IMMEDIATE already holds SQLite's only write lock
        self.staging.lock_reports()

    def _write(self) -> None:
        now = timezone.now()
        approved = self.staging.changed_pairs() if self.approve else set()
        changed_reports = self._write_reports(now)
        self._audit_updated_values()
        state = ReviewState.APPROVED if self.approve else ReviewState.PENDING
        fixed = {"review_state": state.value, "review_comment": "", "updated_at": now}
        self._timed_sql("update_values", lambda: self.staging.update_values(fixed))
        all_new = self.result.updated == self.result.unchanged == 0
        defaults = _insert_defaults(fixed)
        self._timed_sql(
            "insert_values", lambda: self.staging.insert_values(defaults, all_new=all_new)
        )
        self._review_states(changed_reports, now)
        if self.approve:
            self._refresh_rollups(approved, changed_reports)
        self._audit_job()

    @_timed
    def _refresh_rollups(self, pairs: set[tuple[int, str]], report_ids: list[int]) -> None:
        """Approved data changed: bring the rollups in step, in this transaction (SPEC §3.2.2).

        The (indicator, period) pairs the rows wrote, and those of every value of the existing
        reports the import approved (their other values were approved with them). One indicator
        at a time, so that the values read to recompute stay a fraction of the import.
        """
        from commonground.insight.rollups import refresh_rollups

        for chunk in _chunks(iter(report_ids), 500):
            pairs |= set(
                DataValue.objects.filter(submission_id__in=chunk)
                .values_list("indicator_id", "period")
                .distinct()
            )
        periods_by_indicator: dict[int, set[str]] = {}
        for indicator_id, period in pairs:
            periods_by_indicator.setdefault(indicator_id, set()).add(period)
        for indicator_id, periods in sorted(periods_by_indicator.items()):
            refresh_rollups([indicator_id], periods)

    @_timed
    def _write_reports(self, now) -> list[int]:
        """Move the changed reports on, create the missing ones; one audit event each.

        Returns the ids of the existing reports that changed.
        """
        status = Status.APPROVED if self.approve else Status.SUBMITTED
        actor_id = self.actor.pk if self.actor is not None else None
        moved = {"submitted_at": now, "submitted_by": actor_id}
        if self.approve:
            moved |= {"reviewed_at": now, "reviewed_by": actor_id}
        changed = []
        for chunk in _chunks(self.staging.changed_reports(), 1000):
            events, by_status = [], {}
            for report_id, partnership_id, period, old_status, created, updated in chunk:
                by_status.setdefault(old_status, []).append(report_id)
                after = {"status": status, "comment": "", "import": self._job_id()}
                after |= {"values_created": created, "values_updated": updated}
                events.append(
                    self._event_row(
                        now,
                        f"submission.{status}",
                        Submission,
                        report_id,
                        self._report_label(partnership_id, period),
                        {"status": old_status},
                        after,
                    )
                )
            for ids in by_status.values():
                Submission.objects.filter(pk__in=ids).update(
                    status=status, **{_id_name(k): v for k, v in moved.items()}
                )
                changed += ids
            self._insert_events(events)
            self.result.reports_updated += len(chunk)
        last = self.staging.last_report_id()
        self.staging.insert_reports({"status": status, **moved, **_report_defaults(moved)})
        for chunk in _chunks(self.staging.new_reports(last), 1000):
            events = [
                self._event_row(
                    now,
                    "submission.created",
                    Submission,
                    report_id,
                    self._report_label(partnership_id, period),
                    None,
                    {
                        "period": period,
                        "status": status,
                        "import": self._job_id(),
                        "values_created": rows,
                    },
                )
                for report_id, partnership_id, period, rows in chunk
            ]
            self._insert_events(events)
            self.result.reports_created += len(chunk)
        return changed

    @_timed
    def _audit_updated_values(self) -> None:
        """One event per changed value, with the stored fields before and the file's after."""
        for chunk in _chunks(self.staging.updated_values(), 1000):
            stored = DataValue.objects.in_bulk([row[0] for row in chunk])
            events = []
            now = timezone.now()
            for value_id, _line, *new in chunk:
                value = stored[value_id]
                before = audit.snapshot(value, VALUE_FIELDS)
                for name, raw in zip(VALUE_FIELDS, new, strict=True):
                    setattr(value, name, number_from_db(raw) if name in _NUMBERS else raw)
                events.append(
                    self._event_row(
                        now,
                        "value.saved",
                        DataValue,
                        value_id,
                        self._value_label(value),
                        before,
                        {**audit.snapshot(value, VALUE_FIELDS), "import": self._job_id()},
                    )
                )
            self._insert_events(events)

    @_timed
    def _review_states(self, report_ids: list[int], now) -> None:
        """Values of the changed existing reports follow the report, as the review services do.

        Submitting sends returned values back to review; approving approves them all.
        """
        for chunk in _chunks(iter(report_ids), 500):
            values = DataValue.objects.filter(submission_id__in=chunk)
            if self.approve:
                values.exclude(review_state=ReviewState.APPROVED).update(
                    review_state=ReviewState.APPROVED, review_comment="", updated_at=now
                )
            else:
                values.filter(review_state=ReviewState.RETURNED).update(
                    review_state=ReviewState.PENDING, updated_at=now
                )

    def _audit_job(self) -> None:
        """The job's ``import.committed`` event: what the file did, and which file it was."""
        if self.job is None:
            return
        result = self.result
        after = {
            **self.file_info,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "reports_created": result.reports_created,
            "reports_updated": result.reports_updated,
            "approved": self.approve,
        }
        event = self._event_row(
            timezone.now(),
            "import.committed",
            type(self.job),
            self.job.pk,
            self.job.original_name,
            None,
            after,
        )
        self._insert_events([event])

    def _timed_sql(self, name, statement):
        start, cpu = time.perf_counter(), time.process_time()
        statement()
        logger.debug(
            "import step %s: %.2f s (%.2f s of this process's CPU)",
            name,
            time.perf_counter() - start,
            time.process_time() - cpu,
        )

    # --- helpers --------------------------------------------------------------------------------

    def _job_id(self):
        return self.job.pk if self.job is not None else None

    def _event_row(self, now, action, model, object_id, label, before, after) -> tuple:
        """An audit event as ``core.audit.record`` writes it: a row of ``EVENT_COLUMNS``, its
        values as the database takes them (JSON as text, the time as Django writes it)."""
        if now is not self._event_time:
            self._event_time = now
            self._event_time_db = AuditEvent._meta.get_field("created_at").get_db_prep_save(
                now, connection
            )
        return (
            self.initiative.pk,
            self.actor.pk if self.actor is not None else None,
            self._actor_label,
            self._event_time_db,
            action,
            model._meta.label_lower,
            str(object_id),
            label[:300],
            None if before is None else json.dumps(before, cls=DjangoJSONEncoder),
            None if after is None else json.dumps(after, cls=DjangoJSONEncoder),
        )

    def _insert_events(self, events: list[tuple]) -> None:
        self.staging.insert_many(AuditEvent, EVENT_COLUMNS, events)

    def _report_label(self, partnership_id, period) -> str:
        return f"{self.registry.partnerships_by_id[partnership_id]} {period}"

    def _value_label(self, value: DataValue) -> str:
        indicator = self.registry.indicators_by_id[value.indicator_id]
        partner = self.registry.partnerships_by_id[value.partnership_id]
        return f"{indicator.code} {partner.code} {value.period} [{value.cell}]"


_NUMBERS = {"value", "numerator", "denominator"}
# The audit event's columns, in the order of ``_Run._event_row``.
EVENT_COLUMNS = [
    AuditEvent._meta.get_field(name).column
    for name in (
        "initiative",
        "actor",
        "actor_label",
        "created_at",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "before",
        "after",
    )
]
_STAGED = {c.removesuffix("_id") for c in COLUMNS}


def _insert_defaults(fixed: dict) -> dict:
    """Every column of a new value the staged rows do not give: ``fixed``, else its default."""
    columns = {}
    for model_field in DataValue._meta.concrete_fields:
        name = model_field.name
        if model_field.primary_key or name in _STAGED or name == "submission":
            continue
        columns[model_field.name] = fixed[name] if name in fixed else model_field.get_default()
    return columns


def _report_defaults(given: dict) -> dict:
    """The default of every other field of a new report (``Submission``)."""
    defaults = {}
    for model_field in Submission._meta.concrete_fields:
        name = model_field.name
        if model_field.primary_key or name in given or name in ("partnership", "period", "status"):
            continue
        defaults[name] = model_field.get_default()
    return defaults


def _id_name(name: str) -> str:
    """``submitted_by`` → ``submitted_by_id``: the ids are given, not the users."""
    return f"{name}_id" if name.endswith("_by") else name


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(iterator, size)):
        yield chunk


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest
