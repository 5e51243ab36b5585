"""The console script and the commands it fronts."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.core import tasks_for_tests

COMMONGROUND = Path(sys.executable).with_name("commonground")


def run(*args):
    return subprocess.run(  # noqa: S603 — our own console script
        [str(COMMONGROUND), *args], capture_output=True, text=True, check=False
    )


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("serve", "worker", "demo", "load-framework", "export-framework"):
        assert command in result.stdout


def test_bad_input_exits_non_zero_with_one_line(tmp_path):
    result = run("load-framework", str(tmp_path / "missing.yaml"))
    assert result.returncode != 0
    message = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(message) == 1, result.stderr
    assert "missing.yaml" in message[0]


@pytest.mark.django_db(transaction=True)
def test_worker_runs_queued_tasks():
    result = tasks_for_tests.add.enqueue(2, 3)
    call_command("worker", batch=True)
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "SUCCESSFUL"
    assert stored.return_value == 5
