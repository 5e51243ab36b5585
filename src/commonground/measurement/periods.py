"""Reporting periods (SPEC §4.1).

A period is named by a code: ``2024`` (calendar year), ``2024Q1``, ``2024-03`` (month),
``SY2024-25`` (school year starting in the initiative's school-year month) and ``FY2024``
(fiscal year starting in the initiative's fiscal month, named by its starting calendar year).
An indicator accepts only the periods of its frequency.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    ANNUAL = "annual", _("Calendar year")
    QUARTERLY = "quarterly", _("Quarter")
    MONTHLY = "monthly", _("Month")
    SCHOOL_YEAR = "school_year", _("School year")
    FISCAL_YEAR = "fiscal_year", _("Fiscal year")


class PeriodError(ValueError):
    """A period code that is malformed, impossible, or of the wrong frequency."""


# ASCII digits only: "٢٠٢٤" must not be a second code for the period 2024.
_PATTERNS = [
    (Frequency.ANNUAL, re.compile(r"^(\d{4})$", re.ASCII)),
    (Frequency.QUARTERLY, re.compile(r"^(\d{4})Q([1-4])$", re.ASCII)),
    (Frequency.MONTHLY, re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)),
    (Frequency.SCHOOL_YEAR, re.compile(r"^SY(\d{4})-(\d{2})$", re.ASCII)),
    (Frequency.FISCAL_YEAR, re.compile(r"^FY(\d{4})$", re.ASCII)),
]


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: its first and last day (both inclusive) and its code."""

    start: date
    end: date
    code: str
    frequency: str

    @property
    def label(self) -> str:
        return self.code


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _span(year: int, month: int, months: int) -> tuple[date, date]:
    end_year, end_month = _add_months(year, month, months - 1)
    try:
        last_day = calendar.monthrange(end_year, end_month)[1]
        return date(year, month, 1), date(end_year, end_month, last_day)
    except ValueError:  # before year 1 or after year 9999
        raise PeriodError(
            f"The period starting in {year:04d}-{month:02d} is out of range."
        ) from None


def parse_period(code: str, *, school_year_start_month: int = 7, fiscal_year_start_month: int = 7):
    """Parse a period code into a ``Period``; raise ``PeriodError`` naming what is wrong."""
    code = (code or "").strip()
    for frequency, pattern in _PATTERNS:
        match = pattern.match(code)
        if not match:
            continue
        year = int(match.group(1))
        if frequency == Frequency.ANNUAL:
            start, end = _span(year, 1, 12)
        elif frequency == Frequency.QUARTERLY:
            start, end = _span(year, 3 * (int(match.group(2)) - 1) + 1, 3)
        elif frequency == Frequency.MONTHLY:
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise PeriodError(f"'{code}' has no month {month}.")
            start, end = _span(year, month, 1)
        elif frequency == Frequency.SCHOOL_YEAR:
            if int(match.group(2)) != (year + 1) % 100:
                raise PeriodError(
                    f"'{code}' is not a school year: write SY{year}-{(year + 1) % 100:02d}."
                )
            start, end = _span(year, school_year_start_month, 12)
        else:
            start, end = _span(year, fiscal_year_start_month, 12)
        return Period(start=start, end=end, code=code, frequency=frequency.value)
    raise PeriodError(
        f"'{code}' is not a period code (expected e.g. 2024, 2024Q1, 2024-03, SY2024-25, FY2024)."
    )


def parse_period_for(initiative, code: str, frequency: str | None = None) -> Period:
    """Parse ``code`` with the initiative's year starts; if given, require ``frequency``."""
    period = parse_period(
        code,
        school_year_start_month=initiative.school_year_start_month,
        fiscal_year_start_month=initiative.fiscal_year_start_month,
    )
    if frequency is not None and period.frequency != frequency:
        raise PeriodError(
            f"'{code}' is a {Frequency(period.frequency).label.lower()} period; this indicator "
            f"is reported by {Frequency(frequency).label.lower()}."
        )
    return period


def school_year_code(start_year: int) -> str:
    return f"SY{start_year:04d}-{(start_year + 1) % 100:02d}"
