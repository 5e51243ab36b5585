"""Import jobs: the upload page, the background task and its progress, the command line, and
what a crash or a killed process leaves behind (nothing)."""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from commonground.core.models import AuditEvent
from commonground.measurement.imports import jobs
from commonground.measurement.imports.staging import Staging
from commonground.measurement.models import DataValue, ImportJob, Submission
from tests.measurement.imports_world import (
    SPEC_EXAMPLE,
    imports_world,  # noqa: F401 — the fixture
    report_rows,
    snapshot_database,
    write_csv,
)

Status = ImportJob.Status


def upload(text: str, name="values.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# --- the pages ------------------------------------------------------------------------------------


def test_upload_page_empty_state(iw):
    response = iw.world.client("data_manager").get(reverse("imports", args=["alpha"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No file has been imported yet." in html
    assert 'type="file"' in html
    assert 'name="dry_run"' in html and "checked" in html
    assert 'name="approve"' in html


def test_upload_queues_a_dry_run(iw, django_capture_on_commit_callbacks):
    client = iw.world.client("data_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports", args=["alpha"]), {"file": upload(SPEC_EXAMPLE), "dry_run": "on"}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_detail", args=["alpha", job.pk])
    assert (job.status, job.dry_run, job.format, job.created_by) == (
        Status.QUEUED,
        True,
        "csv",
        iw.data_manager,
    )
    assert jobs.stored_file(job).read_text() == SPEC_EXAMPLE
    assert jobs.stored_file(job).parent == iw.tmp / "var" / "imports"
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in detail
    assert "<progress" in detail


def test_upload_over_the_size_limit_is_refused(iw, settings):
    settings.IMPORT_MAX_BYTES = 20
    response = iw.world.client("lead").post(
        reverse("imports", args=["alpha"]), {"file": upload(SPEC_EXAMPLE)}
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (iw.tmp / "var" / "imports").exists() or not any(
        (iw.tmp / "var" / "imports").iterdir()
    )


def test_upload_without_a_file(iw):
    response = iw.world.client("lead").post(reverse("imports", args=["alpha"]), {})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_progress_fragment(iw):
    job = jobs.start_import(actor=iw.lead, initiative=iw.alpha, upload=upload(SPEC_EXAMPLE))
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, rows_done=1200, rows_total=5000, message="Checking the rows…"
    )
    client = iw.world.client("lead")
    url = reverse("import_progress", args=["alpha", job.pk])
    html = client.get(url).content.decode()
    assert '<progress max="5000" value="1200"' in html
    assert "1,200 of about 5,000 rows checked" in html
    assert 'hx-trigger="every 1s"' in html
    ImportJob.objects.filter(pk=job.pk).update(status=Status.SUCCEEDED, message="Done.")
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html
    assert "<progress" not in html


def test_error_list_and_report_download(iw):
    text = SPEC_EXAMPLE + "kinder_ready,cville,2023,,,lots,,,\n"
    job = jobs.import_file(
        actor=iw.lead, initiative=iw.alpha, path=write_csv(iw.tmp / "v.csv", text)
    )
    assert job.status == Status.REJECTED
    client = iw.world.client("lead")
    html = client.get(reverse("import_detail", args=["alpha", job.pk])).content.decode()
    assert "not_a_number" in html
    assert "&#x27;lots&#x27; is not a number" in html or "'lots' is not a number" in html
    response = client.get(reverse("import_errors", args=["alpha", job.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="v-errors.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "row,column,code,message"
    assert body.splitlines()[1].startswith("5,value,not_a_number,")


def test_other_initiatives_jobs_are_not_found(iw):
    job = jobs.start_import(actor=iw.lead, initiative=iw.alpha, upload=upload(SPEC_EXAMPLE))
    outsider = iw.world.client("outsider")
    assert outsider.get(reverse("import_detail", args=["beta", job.pk])).status_code == 404


def test_import_for_real_needs_a_clean_dry_run(iw):
    job = jobs.import_file(
        actor=iw.lead,
        initiative=iw.alpha,
        path=write_csv(iw.tmp / "v.csv", SPEC_EXAMPLE + "x,y,z,,,1,,,\n"),
        dry_run=True,
    )
    client = iw.world.client("lead")
    response = client.post(reverse("import_commit", args=["alpha", job.pk]), follow=True)
    assert "Only a dry run that found no errors" in response.content.decode()
    assert ImportJob.objects.count() == 1


# --- the task and the worker ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_dry_run_then_import_for_real_through_the_worker(iw):
    client = iw.world.client("data_manager")
    client.post(reverse("imports", args=["alpha"]), {"file": upload(SPEC_EXAMPLE), "dry_run": "on"})
    dry = ImportJob.objects.get()
    call_command("worker", batch=True)
    dry.refresh_from_db()
    assert dry.status == Status.SUCCEEDED, dry.message
    assert (dry.rows_done, dry.rows_total) == (3, 3)
    assert dry.counts["created"] == 3
    assert not DataValue.objects.exists()
    page = client.get(reverse("import_detail", args=["alpha", dry.pk])).content.decode()
    assert "Import for real" in page
    response = client.post(reverse("import_commit", args=["alpha", dry.pk]))
    real = ImportJob.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == reverse("import_detail", args=["alpha", real.pk])
    assert (real.dry_run, real.stored_path) == (False, dry.stored_path)
    call_command("worker", batch=True)
    real.refresh_from_db()
    assert real.status == Status.SUCCEEDED, real.message
    assert DataValue.objects.count() == 3
    event = AuditEvent.objects.get(action="import.committed")
    assert event.actor == iw.data_manager
    assert event.after["file"] == "values.csv"
    assert event.after["created"] == 3
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [r.return_value for r in results] == ["succeeded", "succeeded"]


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_importer_lost_the_right_is_rejected(iw):
    job = jobs.start_import(actor=iw.data_manager, initiative=iw.alpha, upload=upload(SPEC_EXAMPLE))
    iw.alpha.memberships.filter(user=iw.data_manager).update(role="viewer")
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert job.status == Status.REJECTED
    assert "may not" in job.message


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_uploader_is_gone_is_not_run_as_the_system(iw):
    job = jobs.start_import(actor=iw.data_manager, initiative=iw.alpha, upload=upload(SPEC_EXAMPLE))
    iw.data_manager.delete()
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert job.status == Status.REJECTED
    assert not DataValue.objects.exists()


# --- crashes --------------------------------------------------------------------------------------


def test_an_error_in_the_middle_of_the_write_leaves_nothing(iw, monkeypatch):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    before = snapshot_database()
    real_insert = Staging.insert_values

    def insert_then_fail(self, fixed):
        real_insert(self, fixed)
        assert DataValue.objects.count() == 3  # written, inside the transaction
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Staging, "insert_values", insert_then_fail)
    job = jobs.import_file(actor=None, initiative=iw.alpha, path=path)
    assert job.status == Status.FAILED
    assert "nothing was imported" in job.message
    after = snapshot_database()
    assert after == before
    assert not Submission.objects.exists()
    assert not AuditEvent.objects.filter(action="import.committed").exists()


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_leaves_no_partial_data(tmp_path):
    """SIGKILL an import process while it writes: the database keeps all of it or none.

    Runs the benchmark's child processes on a SQLite file of its own (the test database lives in
    memory, out of reach of another process).
    """
    from commonground.bench import data

    rows = 40_000
    values = data.write_values(tmp_path / "values.csv", rows)
    framework = data.write_framework(tmp_path / "framework.yaml", rows)
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "COMMONGROUND_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "commonground.settings",
    }
    child = [sys.executable, "-m", "commonground.bench.child"]
    subprocess.run([*child, "setup", str(framework)], env=env, check=True)  # noqa: S603
    process = subprocess.Popen([*child, "import", str(values)], env=env)  # noqa: S603
    phase = None
    try:
        while process.poll() is None:
            phase = _job_message(database)
            if phase and phase.startswith("Writing"):
                break
            time.sleep(0.005)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT count(*) FROM measurement_datavalue").fetchone()[0]
        reports = connection.execute("SELECT count(*) FROM measurement_submission").fetchone()[0]
        status = connection.execute("SELECT status FROM measurement_importjob").fetchone()[0]
    if status == "succeeded":  # the process won the race and committed first
        assert stored == rows
    else:
        assert phase and phase.startswith("Writing")
        assert (stored, reports) == (0, 0)


def _job_message(database) -> str | None:
    try:
        with sqlite3.connect(database, timeout=0.1) as connection:
            row = connection.execute("SELECT message FROM measurement_importjob").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


# --- the command line -----------------------------------------------------------------------------


def test_import_command(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), initiative="alpha", dry_run=True, stdout=out, stderr=err)
    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert not DataValue.objects.exists()
    call_command("import", str(path), initiative="alpha", approve=True, stdout=out)
    assert set(Submission.objects.values_list("status", flat=True)) == {"approved"}
    assert AuditEvent.objects.get(action="import.committed").actor is None


def test_import_command_refusal_is_one_line_naming_the_report(iw):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE + "nope,cville,2024,,,1,,,\n")
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), initiative="alpha", stdout=io.StringIO())
    message = str(caught.value)
    assert "\n" not in message
    assert "1 row has errors" in message
    job = ImportJob.objects.get()
    assert str(jobs.error_report_file(job)) in message
    assert report_rows(job)[0]["code"] == "unknown_indicator"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["missing.csv", "--initiative", "alpha"], "no such file"),
        (["{path}", "--initiative", "nowhere"], "no initiative 'nowhere'"),
    ],
)
def test_import_command_bad_input(iw, args, words):
    path = write_csv(iw.tmp / "values.csv", SPEC_EXAMPLE)
    args = [a.format(path=path) for a in args]
    with pytest.raises(CommandError) as caught:
        call_command("import", *args)
    assert words in str(caught.value)


def test_import_command_progress_on_stderr(iw):
    lines = [f"kinder_ready,cville,{year},,,1,,," for year in range(1000, 2025)]
    header = SPEC_EXAMPLE.splitlines()[0]
    path = write_csv(iw.tmp / "values.csv", "\n".join([header, *lines]) + "\n")
    err = io.StringIO()
    call_command("import", str(path), initiative="alpha", stdout=io.StringIO(), stderr=err)
    # The command writes to sys.stderr itself; the job ends succeeded either way.
    assert ImportJob.objects.get().status == Status.SUCCEEDED


def test_console_script_import_help():
    from pathlib import Path

    script = Path(sys.executable).with_name("commonground")
    result = subprocess.run(  # noqa: S603
        [str(script), "import", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for option in ("--initiative", "--dry-run", "--approve", "--format"):
        assert option in result.stdout


def test_the_list_page_queries_stay_flat(iw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = iw.world.client("lead")
    url = reverse("imports", args=["alpha"])

    def queries(jobs_wanted):
        while ImportJob.objects.count() < jobs_wanted:
            ImportJob.objects.create(
                initiative=iw.alpha, created_by=iw.lead, original_name="v.csv", format="csv"
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(2) == queries(30)
