"""Validation of reported values (SPEC §3.1.5): one pipeline for the grid, saves and imports.

    registry = Registry.load(initiative)            # a fixed number of queries
    validator = Validator(registry)                 # no query per value from here on
    findings = validator.check_set(partnership, "SY2024-25", entries)

Every finding has a stable code, listed with its meaning in ``docs/validation.md``.
"""

from datetime import date

from django.utils import timezone

from commonground.measurement.validation.entry import Entry
from commonground.measurement.validation.findings import CODES, ERROR, WARNING, Finding
from commonground.measurement.validation.outliers import load_history, modified_z
from commonground.measurement.validation.registry import Registry
from commonground.measurement.validation.validator import Validator


def today() -> date:
    """The day timing is judged on; tests replace it (``monkeypatch.setattr``)."""
    return timezone.localdate()


__all__ = [
    "CODES",
    "ERROR",
    "WARNING",
    "Entry",
    "Finding",
    "Registry",
    "Validator",
    "load_history",
    "modified_z",
    "today",
]
