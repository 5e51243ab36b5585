"""Import pages: only the backbone lead and the data manager may import (Perm.RUN_IMPORTS).

The jobs are made directly (no file is stored); the upload row posts a form without a file, so
the people allowed get the form back with its error (400) and nothing is written under var/.
"""

import tempfile
from itertools import count
from pathlib import Path

from tests.permissions import BACKBONE_DATA, Page

# Error reports for the jobs below, in one folder removed when the tests end.
_REPORTS = tempfile.TemporaryDirectory(prefix="cg-import-matrix-")
_NUMBERS = count()


def _job(world, **fields):
    from commonground.measurement.models import ImportJob

    values = {
        "initiative": world.alpha,
        "created_by": world.users["lead"],
        "original_name": "values.csv",
        "stored_path": "imports/not-stored.csv",
        "format": "csv",
        "dry_run": True,
        "status": "succeeded",
        "counts": {"rows": 1, "created": 1, "updated": 0, "unchanged": 0, "rejected": 0},
    }
    return ImportJob.objects.create(**(values | fields)).pk


def job_pk(world):
    return _job(world)


def rejected_job_pk(world):
    report = Path(_REPORTS.name) / f"errors-{next(_NUMBERS)}.csv"
    report.write_text("row,column,code,message\n2,value,not_a_number,'x' is not a number.\n")
    return _job(world, status="rejected", error_report_path=str(report), error_count=1)


PAGES = [
    Page("imports", ("alpha",), BACKBONE_DATA),
    Page("imports", ("alpha",), BACKBONE_DATA, method="post", data={"dry_run": "on"}, ok=400),
    Page("import_detail", ("alpha", job_pk), BACKBONE_DATA),
    Page("import_progress", ("alpha", job_pk), BACKBONE_DATA),
    Page("import_errors", ("alpha", rejected_job_pk), BACKBONE_DATA),
    Page("import_commit", ("alpha", job_pk), BACKBONE_DATA, method="post", ok=302),
]
