"""A registry for the import tests, shared by the ``test_imports*`` modules.

The SPEC §5.2 example's indicators and partners, in the ``world``'s initiative alpha: partners
``albemarle`` and ``cville`` (besides ``a`` and ``b``) report ``grad_rate`` (a rate by school
year, by race and sex), ``kinder_ready`` (a yearly score), ``enrolled`` (a yearly count by race)
and ``story`` (a yearly narrative). Validation judges timing on ``TODAY``, when every period
used is over. Files are written to and stored under a temporary ``VAR_DIR``.
"""

import csv
import io
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from commonground.core.models import AuditEvent
from commonground.initiatives.models import Organization, Partnership
from commonground.measurement import validation
from commonground.measurement.imports import jobs
from commonground.measurement.models import (
    DataValue,
    Dimension,
    Indicator,
    ReportingAssignment,
    Submission,
)

TODAY = date(2025, 7, 10)

SPEC_EXAMPLE = (
    "indicator,partner,period,race,sex,value,numerator,denominator,comment\n"
    "grad_rate,albemarle,SY2018-19,,,,945,1056,\n"
    "grad_rate,albemarle,SY2018-19,black,,,<10,,small cohort\n"
    "kinder_ready,cville,2024,,,47.7,,,\n"
)


def make_dimension(initiative, code, name, values):
    dimension = Dimension.objects.create(initiative=initiative, code=code, name=name)
    for value_code in values:
        dimension.values.create(code=value_code, name=value_code.title())
    return dimension


def make_indicator(initiative, code, value_type, frequency, dims=(), **extra):
    aggregation = {"rate": "ratio_of_sums", "narrative": "none", "score": "latest"}
    indicator = Indicator.objects.create(
        initiative=initiative,
        code=code,
        name=code.replace("_", " ").capitalize(),
        value_type=value_type,
        frequency=frequency,
        aggregation=aggregation.get(value_type, "sum"),
        **extra,
    )
    indicator.dimensions.set(dims)
    return indicator


@pytest.fixture(name="iw")
def imports_world(world, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(validation, "today", lambda: TODAY)
    alpha = world.alpha
    race = make_dimension(alpha, "race", "Race", ["black", "white", "hispanic"])
    sex = make_dimension(alpha, "sex", "Sex", ["f", "m"])
    partners = dict(world.partners)
    for code, name in [("albemarle", "Albemarle Schools"), ("cville", "Charlottesville Schools")]:
        org = Organization.objects.create(name=name, sector="education")
        partners[code] = Partnership.objects.create(initiative=alpha, organization=org, code=code)
    indicators = {
        "grad_rate": make_indicator(
            alpha, "grad_rate", "rate", "school_year", [race, sex], scale_factor=100
        ),
        "kinder_ready": make_indicator(alpha, "kinder_ready", "score", "annual"),
        "enrolled": make_indicator(alpha, "enrolled", "count", "annual", [race]),
        "story": make_indicator(alpha, "story", "narrative", "annual"),
    }
    for partnership in partners.values():
        for indicator in indicators.values():
            ReportingAssignment.objects.create(indicator=indicator, partnership=partnership)
    return SimpleNamespace(
        world=world,
        alpha=alpha,
        partners=partners,
        indicators=indicators,
        tmp=tmp_path,
        lead=world.users["lead"],
        data_manager=world.users["data_manager"],
    )


def write_csv(path: Path, rows, header=None, encoding="utf-8") -> Path:
    """Write ``rows`` (lists or a text) as a CSV file at ``path``."""
    if isinstance(rows, str | bytes):
        data = rows.encode(encoding) if isinstance(rows, str) else rows
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
        data = buffer.getvalue().encode(encoding)
    path.write_bytes(data)
    return path


def run_import(iw, path, *, dry_run=False, approve=False, actor=None, file_format=""):
    """Import the file at ``path`` through the command's path; the finished job."""
    return jobs.import_file(
        actor=actor,
        initiative=iw.alpha,
        path=path,
        file_format=file_format,
        dry_run=dry_run,
        approve=approve,
    )


def snapshot_database() -> dict:
    """What an import may change: counts of values, reports and audit events, and the values."""
    return {
        "values": sorted(
            DataValue.objects.values_list(
                "indicator__code",
                "partnership__code",
                "period",
                "cell",
                "value",
                "numerator",
                "denominator",
                "censor",
                "text",
                "comment",
                "review_state",
            )
        ),
        "reports": sorted(Submission.objects.values_list("partnership__code", "period", "status")),
        "audit": AuditEvent.objects.exclude(action__startswith="import.").count(),
        "tables": sorted(
            t for t in connection.introspection.table_names() if t.startswith("cg_import")
        ),
    }


def report_rows(job) -> list[dict]:
    """The job's error report as dicts (row, column, code, message)."""
    path = jobs.error_report_file(job)
    if path is None:
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
