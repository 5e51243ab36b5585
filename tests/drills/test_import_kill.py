"""An import killed with SIGKILL half-way leaves no partial data, and running it again succeeds
(SPEC §6 Reliability), on the backend the suite runs on.

The import runs in a child process (the benchmark's, ``commonground.bench.child``) on a database
of its own — a SQLite file, or on PostgreSQL a database created beside the test database — and
is killed as soon as its job says it is writing. The first version of this drill, for SQLite
only and without the second run, is ``tests/measurement/test_imports_jobs.py``.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from urllib.parse import urlsplit

import pytest
from django.db import connection

from commonground.bench import data
from commonground.bench.runner import _database

ROWS = 40_000
CHILD = [sys.executable, "-m", "commonground.bench.child"]


class Database:
    """Plain queries on the child's database, from outside Django."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite"):
            self.connection = sqlite3.connect(urlsplit(url).path, timeout=0.1)
        else:
            import psycopg

            self.connection = psycopg.connect(url, autocommit=True)

    def value(self, sql: str):
        try:
            row = self.connection.execute(sql).fetchone()
        except sqlite3.OperationalError:  # the writer holds the file for a moment
            return None
        return row[0] if row else None

    def close(self):
        self.connection.close()


def child(env, step, path, **kwargs):
    return subprocess.run([*CHILD, step, str(path)], env=env, check=True, **kwargs)  # noqa: S603


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_while_writing_leaves_nothing_and_runs_again(tmp_path):
    backend = "postgres" if connection.vendor == "postgresql" else "sqlite"
    values = data.write_values(tmp_path / "values.csv", ROWS)
    framework = data.write_framework(tmp_path / "framework.yaml", ROWS)
    with _database(backend, tmp_path) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COMMONGROUND_VAR_DIR": str(tmp_path / "var"),
            "DJANGO_SETTINGS_MODULE": "commonground.settings",
        }
        child(env, "setup", framework)
        process = subprocess.Popen([*CHILD, "import", str(values)], env=env)  # noqa: S603
        with closing(Database(url)) as database:
            phase = None
            try:
                while process.poll() is None:
                    phase = database.value("SELECT message FROM measurement_importjob")
                    if phase and phase.startswith("Writing"):
                        break
                    time.sleep(0.005)
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait()
            stored = database.value("SELECT count(*) FROM measurement_datavalue")
            reports = database.value("SELECT count(*) FROM measurement_submission")
            status = database.value("SELECT status FROM measurement_importjob")
            committed = database.value(
                "SELECT count(*) FROM core_auditevent WHERE action = 'import.committed'"
            )
            killed = status != "succeeded"
            if not killed:  # the child won the race and committed first
                assert (stored, committed) == (ROWS, 1)
            else:
                assert phase and phase.startswith("Writing"), phase
                assert (stored, reports, committed) == (0, 0, 0)
                assert status == "running"  # what the page shows until someone runs it again

            again = child(env, "import", values, capture_output=True, text=True)
            result = json.loads(again.stdout.strip().splitlines()[-1])
            assert result["status"] == "succeeded", result["message"]
            assert database.value("SELECT count(*) FROM measurement_datavalue") == ROWS
            if killed:  # the second run is the one that committed
                assert (
                    database.value(
                        "SELECT count(*) FROM core_auditevent WHERE action = 'import.committed'"
                    )
                    == 1
                )
