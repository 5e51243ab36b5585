"""Import jobs: the service functions the upload page, the task and the command call.

``start_import`` stores an uploaded file and queues the job; the task ``run_import`` (worker)
calls ``run_job``, which reads the file, runs the engine and records the outcome on the job;
``import_for_real`` queues the real import of a file whose dry run found nothing wrong;
``import_file`` runs a file from disk at once (the ``import`` command).

Uploaded files are kept under ``VAR_DIR/imports`` with a random name, so that the job can be run
again and the audit event's SHA-256 names a file that still exists; error reports go beside them.
"""

import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.measurement.imports import engine
from commonground.measurement.imports.readers import (
    detect_format,
    expected_rows,
    fingerprint,
    open_rows,
)
from commonground.measurement.imports.report import write_report
from commonground.measurement.imports.rows import ImportFileError
from commonground.measurement.models import ImportJob

logger = logging.getLogger(__name__)

Status = ImportJob.Status
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# The page polls every second; writing progress more often would only load the database.
PROGRESS_EVERY_SECONDS = 0.5


def max_bytes() -> int:
    """The largest file that may be imported (``settings.IMPORT_MAX_BYTES``)."""
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def imports_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def _may_import(access) -> bool:
    return access.has(Perm.RUN_IMPORTS)


def _may_approve(access) -> bool:
    return access.has(Perm.RUN_IMPORTS) and access.has(Perm.REVIEW_DATA)


def _check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise DomainError(
            _(
                "The file is %(size)s; the largest file that can be imported is %(limit)s. Split "
                "it into smaller files (by partner or by period)."
            )
            % {"size": megabytes(size), "limit": megabytes(limit)},
            code="file_too_large",
        )


def megabytes(size: int) -> str:
    """``209715200`` → ``200 MB``, ``1572864`` → ``1.5 MB``."""
    mb = size / (1024 * 1024)
    return _("%(mb)s MB") % {"mb": f"{mb:,.0f}" if mb == int(mb) or mb >= 100 else f"{mb:,.1f}"}


@transaction.atomic
def start_import(
    *, actor, initiative, upload, dry_run: bool = True, approve: bool = False, file_format=""
) -> ImportJob:
    """Store an uploaded file and queue its import; the job to follow on the page.

    ``upload`` is a Django ``UploadedFile`` (or any object with ``name``, ``size`` and
    ``chunks()``). A file over ``IMPORT_MAX_BYTES`` is refused here (``file_too_large``),
    before it is stored.
    """
    authorize(actor, initiative, _may_approve if approve else _may_import)
    _check_size(upload.size)
    name = Path(upload.name or "upload").name[:255]
    directory = imports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / f"{secrets.token_hex(16)}{Path(name).suffix.lower()[:10]}"
    size, head = 0, b""
    with open(stored, "wb") as handle:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > max_bytes():  # the size announced was wrong
                handle.close()
                stored.unlink(missing_ok=True)
                _check_size(size)
            if len(head) < 4096:
                head += chunk[: 4096 - len(head)]
            handle.write(chunk)
    try:
        file_format = file_format or detect_format(name, head)
    except ImportFileError as problem:
        stored.unlink(missing_ok=True)
        raise DomainError(problem.message, code=problem.code) from None
    job = ImportJob.objects.create(
        initiative=initiative,
        created_by=actor,
        original_name=name,
        stored_path=str(stored.relative_to(settings.VAR_DIR)),
        size_bytes=size,
        format=file_format,
        dry_run=dry_run,
        approve=approve,
        message=_("Waiting for its turn…"),
    )
    _enqueue(job)
    return job


@transaction.atomic
def import_for_real(*, actor, job: ImportJob) -> ImportJob:
    """Queue the real import of the file of a dry run that found nothing wrong."""
    authorize(actor, job.initiative, _may_approve if job.approve else _may_import)
    if not job.dry_run or job.status != Status.SUCCEEDED:
        raise DomainError(
            _("Only a dry run that found no errors can be imported for real."),
            code="not_a_clean_dry_run",
        )
    real = ImportJob.objects.create(
        initiative=job.initiative,
        created_by=actor,
        original_name=job.original_name,
        stored_path=job.stored_path,
        size_bytes=job.size_bytes,
        format=job.format,
        dry_run=False,
        approve=job.approve,
        message=_("Waiting for its turn…"),
    )
    _enqueue(real)
    return real


def _enqueue(job: ImportJob) -> None:
    from commonground.measurement.imports.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))


def import_file(
    *,
    actor,
    initiative,
    path: Path,
    file_format: str = "",
    dry_run: bool = False,
    approve: bool = False,
    progress=None,
) -> ImportJob:
    """Import a file from disk now (the ``import`` command); the job records what happened.

    The file is read where it is, not copied. ``progress(done, total, phase)`` is called as rows
    are checked, besides the job's own progress.
    """
    authorize(actor, initiative, _may_approve if approve else _may_import)
    path = Path(path).resolve()
    size = path.stat().st_size
    _check_size(size)
    if not file_format:
        with open(path, "rb") as handle:
            file_format = detect_format(path.name, handle.read(4096))
    job = ImportJob.objects.create(
        initiative=initiative,
        created_by=actor,
        original_name=path.name[:255],
        stored_path=str(path),
        size_bytes=size,
        format=file_format,
        dry_run=dry_run,
        approve=approve,
    )
    return run_job(job.pk, progress=progress)


def stored_file(job: ImportJob) -> Path:
    """Where the job's file is (relative paths are under ``VAR_DIR``)."""
    return Path(settings.VAR_DIR) / job.stored_path


def error_report_file(job: ImportJob) -> Path | None:
    if not job.error_report_path:
        return None
    return Path(settings.VAR_DIR) / job.error_report_path


def run_job(job_id: int, *, progress=None, uploaded: bool = False) -> ImportJob:
    """Run a queued job to its end (``succeeded``, ``rejected`` or ``failed``).

    A job that is not queued (run already, or being run by another worker) is left alone.
    ``uploaded``: the job came from the page (the task says so), so it runs with its uploader's
    rights — and is refused if that account is gone, rather than run as the system.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), message=_("Reading the file…")
    )
    job = ImportJob.objects.select_related("initiative", "created_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        if uploaded and job.created_by is None:
            _finish(
                job,
                status=Status.REJECTED,
                message=_("The account that uploaded this file no longer exists."),
            )
        else:
            _run(job, progress)
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            message=_(
                "The import stopped on an unexpected error; nothing was imported. The error is in "
                "the server's log."
            ),
        )
    job.refresh_from_db()
    return job


def _run(job: ImportJob, progress) -> None:
    initiative = job.initiative
    actor = job.created_by
    try:
        authorize(actor, initiative, _may_approve if job.approve else _may_import)
    except DomainError as problem:
        _finish(job, status=Status.REJECTED, message=problem.message)
        return
    path = stored_file(job)
    if not path.is_file():
        _finish(job, status=Status.FAILED, message=_("The uploaded file is no longer there."))
        return
    sha256, _size, line_ends = fingerprint(path)
    rows_expected = expected_rows(path, job.format, line_ends)
    report_path = _report_path(job)
    reporter = _JobProgress(job, progress)

    def sink(errors):
        if write_report(report_path, errors):
            job.error_report_path = str(_relative(report_path))

    def written(result):
        _record(job, result)

    try:
        rows = open_rows(path, job.format, initiative)
    except ImportFileError as problem:
        rows = _raising(problem)
    result = engine.import_rows(
        initiative,
        rows,
        actor=actor,
        dry_run=job.dry_run,
        approve=job.approve,
        job=job,
        file_info={"file": job.original_name, "sha256": sha256, "format": job.format},
        progress=reporter,
        rows_expected=rows_expected,
        error_sink=sink,
        on_written=written,
    )
    if not result.written:
        _record(job, result)
    elif job.error_report_path:
        ImportJob.objects.filter(pk=job.pk).update(error_report_path=job.error_report_path)


def _raising(problem):
    raise problem
    yield  # a generator: the engine meets the problem where it meets any file problem


def _record(job: ImportJob, result: engine.ImportResult) -> None:
    """Write the outcome on the job (inside the write transaction when data was written)."""
    if result.file_error is not None:
        status, message = Status.REJECTED, result.file_error.message
    elif result.rejected:
        status = Status.REJECTED
        message = ngettext(
            "%(count)s row has errors; nothing was imported.",
            "%(count)s rows have errors; nothing was imported.",
            result.rejected,
        ) % {"count": f"{result.rejected:,}"}
        if job.dry_run:
            message = ngettext(
                "%(count)s row has errors: the file would be refused.",
                "%(count)s rows have errors: the file would be refused.",
                result.rejected,
            ) % {"count": f"{result.rejected:,}"}
    else:
        status = Status.SUCCEEDED
        numbers = {k: f"{v:,}" for k, v in result.counts.items()}
        if job.dry_run:
            message = (
                _(
                    "Dry run: %(created)s values would be created, %(updated)s updated and "
                    "%(unchanged)s left unchanged. Nothing was written."
                )
                % numbers
            )
        else:
            message = (
                _(
                    "Imported: %(created)s values created, %(updated)s updated, %(unchanged)s "
                    "unchanged."
                )
                % numbers
            )
    _finish(
        job,
        status=status,
        message=message,
        counts=result.counts,
        error_count=result.error_count,
        rows_total=result.rows,
        rows_done=result.rows,
    )


def _finish(job: ImportJob, *, status, message, **fields) -> None:
    fields.setdefault("error_report_path", job.error_report_path)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, message=message, finished_at=timezone.now(), **fields
    )


def _report_path(job: ImportJob) -> Path:
    return imports_dir() / f"errors-{job.pk}-{secrets.token_hex(8)}.csv"


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(settings.VAR_DIR)
    except ValueError:
        return path


class _JobProgress:
    """Writes the job's progress at most every ``PROGRESS_EVERY_SECONDS`` (and on a new phase),
    each write its own short transaction; passes every call on to ``also``."""

    def __init__(self, job: ImportJob, also=None):
        self.job = job
        self.also = also
        self.last = 0.0
        self.phase = None

    def __call__(self, done: int, total: int | None, phase: str) -> None:
        if self.also is not None:
            self.also(done, total, phase)
        now = time.monotonic()
        if phase == self.phase and now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last, self.phase = now, phase
        message = _("Checking the rows…") if phase == "checking" else _("Writing the values…")
        try:
            with transaction.atomic():
                ImportJob.objects.filter(pk=self.job.pk).update(
                    rows_done=done, rows_total=total, message=message
                )
        except OperationalError:
            # Progress is worth showing, not worth failing for: on SQLite another import's
            # write can hold the database longer than the wait for its lock.
            logger.info("Import job %s: progress not written (database busy)", self.job.pk)
