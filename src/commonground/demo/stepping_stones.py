"""Reading the demo's values from the UVA Equity Center's Stepping Stones data.

The files live in ``settings.DATA_DIR`` (``stepping-stones-2026/`` and ``stepping-stones-2024/``,
each with a ``SOURCE.txt``). One small reader per source file turns its rows into
``SourceValue``s (indicator code, partner code, period code, cell) with the numbers exactly
as published. The mapping, file by file:

==================================================  ==========================================
file (column used)                                  indicator, partner, period
==================================================  ==========================================
2026/kindergarten_readiness.csv                     kinder_ready (value = percent);
  (percent_kindergartners_ready)                    name → partner; year → annual ``2024``
2026/sol_pass_rates.csv                             grade3_reading, grade3_math (rate);
  (pass_count / total_count)                        division_name → partner; school_year → SY
2026/absenteeism.csv                                chronic_absence (value = percent),
  (percent_chronically_absent,                      chronic_absent_students (value = count);
  number_of_chronically_absent_students)            div_name → partner; school_year → SY
2026/graduation_rates.csv                           grad_rate (rate); division_name → partner;
  (total_graduates / students_in_cohort)            cohort_year → annual
2026/postsecondary_education.csv                    postsec_enroll (rate), total cell;
  (enrolledany / cohortsize)                        locality → partner; year → annual
2024/postsecondary_education_race.csv               postsec_enroll (rate), race cells only;
  (enrolledany / cohortsize)                        group → race; locality → partner; year
2026/child_poverty.csv                              child_poverty (value = percent),
  (pct_child_pov, num_child_pov)                    children_in_poverty (value = count);
                                                    county_fips → partner; year → annual
2026/mckinney_vento_rates.csv                       homeless_students (rate per 1,000);
  (mv_count / total_students)                       division → partner; school_year → SY
==================================================  ==========================================

Rules every reader follows:

* Files are read with the standard ``csv`` module as ``utf-8-sig`` (some have a byte-order mark,
  some end lines with CRLF).
* Virginia's statewide rows are not a partner's data and are skipped.
* A missing or suppressed number without a bound (``NA``, empty, ``*``) is skipped, never read
  as zero; ``<n`` / ``>n`` are kept as censored values with their bound.
* Where a file publishes a rate beside its counts, the counts are checked against it, so a
  column mix-up fails loudly instead of loading wrong numbers.
* Anything unexpected (an unknown place, group, subject or period shape, or the same value
  twice) raises ``SourceDataError`` naming the file and line.
"""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from commonground.core.errors import DomainError
from commonground.measurement.periods import school_year_code
from commonground.measurement.services import parse_number

# Written by the source for a number it does not give. None of them carries a bound, so the
# row is skipped rather than guessed ("-" is listed for safety; these files do not use it).
MISSING = frozenset({"", "NA", "N/A", "NULL", "*", "-"})

# Every spelling of a place in these files → the partner that reports it. A school division
# reports its own figures and, for census data, its locality's (Albemarle County ↔ ACPS,
# Charlottesville City ↔ CCS).
PARTNER_BY_PLACE = {
    "Albemarle County": "acps",
    "Albemarle": "acps",
    "003": "acps",  # county FIPS code within Virginia
    "Charlottesville City": "ccs",
    "Charlottesville city": "ccs",
    "Charlottesville": "ccs",
    "540": "ccs",
}
# Statewide rows: context, not partner data.
STATE_PLACES = frozenset({"Virginia", "State Totals", "000"})

# VDOE's race/ethnicity groups in the postsecondary report → the demo's ``race`` dimension.
# VDOE counts Hispanic students of any race as Hispanic, so the groups do not overlap.
RACE_BY_GROUP = {
    "Asian": "asian",
    "Black": "black",
    "Hispanic": "hispanic",
    "White": "white",
    "2 or More": "multiracial",
    "American Indian": "american_indian",
    "Native Hawaiian": "pacific_islander",
    "Race Unknown": "unknown",
}

# (subject, test level) in sol_pass_rates.csv → indicator; other grades are not loaded.
SOL_INDICATORS = {
    ("English:Reading", "Grade 3"): "grade3_reading",
    ("Mathematics", "Grade 3"): "grade3_math",
}


class SourceDataError(ValueError):
    """A source file that does not look the way the mapping expects."""


@dataclass(frozen=True)
class SourceValue:
    """One published number, addressed the way the framework file names things."""

    indicator: str
    partner: str
    period: str
    cell: dict = field(default_factory=dict)
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    censor: str = ""
    source: str = ""  # "folder/file.csv:line", kept as the value's comment

    @property
    def key(self) -> tuple:
        return (self.indicator, self.partner, self.period, tuple(sorted(self.cell.items())))


@dataclass(frozen=True)
class Row:
    """One CSV row with its location, for messages and provenance."""

    where: str
    data: dict

    def __getitem__(self, column: str) -> str:
        try:
            return self.data[column]
        except KeyError:
            raise SourceDataError(f"{self.where}: no column '{column}'.") from None

    def number(self, column: str) -> tuple[Decimal | None, str]:
        """The column's number and censoring; ``(None, "")`` when the source gives none."""
        raw = self[column]
        if raw.upper() in MISSING:
            return None, ""
        try:
            return parse_number(raw)
        except DomainError as error:
            raise SourceDataError(f"{self.where}: {column}: {error}") from None


def read_rows(path: Path, label: str) -> Iterator[Row]:
    """The file's rows as stripped strings; ``label`` names the file in messages."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for data in reader:
            clean = {(k or "").strip(): (v or "").strip() for k, v in data.items()}
            yield Row(where=f"{label}:{reader.line_num}", data=clean)


def partner_for(row: Row, column: str) -> str | None:
    """The partner reporting this row's place, or None for a statewide row."""
    place = row[column]
    if place in STATE_PLACES:
        return None
    try:
        return PARTNER_BY_PLACE[place]
    except KeyError:
        raise SourceDataError(f"{row.where}: unknown place '{place}'.") from None


def school_year(row: Row, column: str) -> str:
    """``2015-2016`` or ``2016-17`` → ``SY2015-16``."""
    first, sep, second = row[column].partition("-")
    if not (sep and first.isdigit() and second.isdigit() and len(first) == 4):
        raise SourceDataError(f"{row.where}: '{row[column]}' is not a school year.")
    start = int(first)
    if int(second) not in (start + 1, (start + 1) % 100):
        raise SourceDataError(f"{row.where}: '{row[column]}' is not a school year.")
    return school_year_code(start)


def calendar_year(row: Row, column: str) -> str:
    year = row[column]
    if not (len(year) == 4 and year.isdigit()):
        raise SourceDataError(f"{row.where}: '{year}' is not a year.")
    return year


def rate_value(
    row: Row,
    indicator: str,
    partner: str,
    period: str,
    numerator_col: str,
    denominator_col: str,
    *,
    cell: dict | None = None,
    published_col: str | None = None,
    scale: Decimal = Decimal(100),
    tolerance: Decimal = Decimal("0.01"),
) -> SourceValue | None:
    """A rate from two count columns, checked against the published rate when there is one."""
    numerator, censor = row.number(numerator_col)
    denominator, denominator_censor = row.number(denominator_col)
    if numerator is None or denominator is None:
        return None
    if denominator_censor:
        # A censored base cannot be stored (only the measured part carries a bound), and no
        # file has one: stop rather than guess.
        raise SourceDataError(f"{row.where}: censored {denominator_col} is not supported.")
    if published_col and not censor:
        published, _ = row.number(published_col)
        if published is not None and denominator:
            computed = numerator / denominator * scale
            if abs(computed - published) > tolerance:
                raise SourceDataError(
                    f"{row.where}: {numerator_col}/{denominator_col} gives {computed:.2f}, "
                    f"but {published_col} says {published}."
                )
    return SourceValue(
        indicator=indicator,
        partner=partner,
        period=period,
        cell=cell or {},
        numerator=numerator,
        denominator=denominator,
        censor=censor,
        source=row.where,
    )


def plain_value(
    row: Row, indicator: str, partner: str, period: str, column: str
) -> SourceValue | None:
    value, censor = row.number(column)
    if value is None:
        return None
    return SourceValue(
        indicator=indicator,
        partner=partner,
        period=period,
        value=value,
        censor=censor,
        source=row.where,
    )


# One reader per source file. Each takes the file's rows and yields SourceValues (or None for
# a skipped row, which keeps the readers short).


def kindergarten_readiness(rows):
    # The year is the fall in which kindergartners were assessed (VECF "fall 2024").
    for row in rows:
        partner = partner_for(row, "name")
        if partner:
            period = calendar_year(row, "year")
            yield plain_value(row, "kinder_ready", partner, period, "percent_kindergartners_ready")


def sol_pass_rates(rows):
    for row in rows:
        indicator = SOL_INDICATORS.get((row["subject"], row["test_level"]))
        partner = partner_for(row, "division_name")
        if indicator and partner:
            yield rate_value(
                row,
                indicator,
                partner,
                school_year(row, "school_year"),
                "pass_count",
                "total_count",
                published_col="pass_rate",
            )


def absenteeism(rows):
    for row in rows:
        partner = partner_for(row, "div_name")
        if not partner:
            continue
        if row["subgroup"] != "All Students":
            raise SourceDataError(f"{row.where}: unexpected subgroup '{row['subgroup']}'.")
        period = school_year(row, "school_year")
        yield plain_value(row, "chronic_absence", partner, period, "percent_chronically_absent")
        yield plain_value(
            row,
            "chronic_absent_students",
            partner,
            period,
            "number_of_chronically_absent_students",
        )


def graduation_rates(rows):
    for row in rows:
        partner = partner_for(row, "division_name")
        if not partner:
            continue
        kind = (row["type_of_graduation_rate"], row["rate_type"])
        if kind != ("On-Time Graduation Rate", "4 yr rate"):
            raise SourceDataError(f"{row.where}: unexpected graduation rate {kind}.")
        yield rate_value(
            row,
            "grad_rate",
            partner,
            calendar_year(row, "cohort_year"),
            "total_graduates",
            "students_in_cohort",
            published_col="graduation_rate",
        )


def postsecondary_totals(rows):
    for row in rows:
        partner = partner_for(row, "locality")
        if not partner:
            continue
        if row["group"] != "All Students":
            raise SourceDataError(f"{row.where}: unexpected group '{row['group']}'.")
        # percentany is published as a whole number, hence the wider tolerance.
        yield rate_value(
            row,
            "postsec_enroll",
            partner,
            calendar_year(row, "year"),
            "enrolledany",
            "cohortsize",
            published_col="percentany",
            tolerance=Decimal("0.5"),
        )


def postsecondary_by_race(rows):
    # Totals come from the 2026 file, which runs three years longer; for 2008-2020 its totals
    # equal this file's "All Students" rows (the tests check that). Rows of groups under ten
    # graduates are all NA here — VDOE suppresses them — and are skipped.
    for row in rows:
        partner = partner_for(row, "locality")
        if not partner or row["group"] == "All Students":
            continue
        try:
            race = RACE_BY_GROUP[row["group"]]
        except KeyError:
            raise SourceDataError(f"{row.where}: unknown group '{row['group']}'.") from None
        yield rate_value(
            row,
            "postsec_enroll",
            partner,
            calendar_year(row, "year"),
            "enrolledany",
            "cohortsize",
            cell={"race": race},
            published_col="percent_any",
        )


def child_poverty(rows):
    for row in rows:
        partner = partner_for(row, "county_fips")
        if partner:
            period = calendar_year(row, "year")
            yield plain_value(row, "child_poverty", partner, period, "pct_child_pov")
            yield plain_value(row, "children_in_poverty", partner, period, "num_child_pov")


def homeless_students(rows):
    for row in rows:
        partner = partner_for(row, "division")
        if not partner:
            continue
        if row["population"] != "Homeless Students":
            raise SourceDataError(f"{row.where}: unexpected population '{row['population']}'.")
        yield rate_value(
            row,
            "homeless_students",
            partner,
            school_year(row, "school_year"),
            "mv_count",
            "total_students",
            published_col="mv_rate",
            scale=Decimal(1000),
        )


READERS: list[tuple[str, Callable]] = [
    ("stepping-stones-2026/kindergarten_readiness.csv", kindergarten_readiness),
    ("stepping-stones-2026/sol_pass_rates.csv", sol_pass_rates),
    ("stepping-stones-2026/absenteeism.csv", absenteeism),
    ("stepping-stones-2026/graduation_rates.csv", graduation_rates),
    ("stepping-stones-2026/postsecondary_education.csv", postsecondary_totals),
    ("stepping-stones-2024/postsecondary_education_race.csv", postsecondary_by_race),
    ("stepping-stones-2026/child_poverty.csv", child_poverty),
    ("stepping-stones-2026/mckinney_vento_rates.csv", homeless_students),
]


def iter_values(data_dir: Path | None = None) -> Iterator[SourceValue]:
    """Every value of the demo, file by file in ``READERS`` order, each exactly once."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    seen: dict[tuple, str] = {}
    for relative, reader in READERS:
        path = data_dir / relative
        if not path.exists():
            raise SourceDataError(f"{path} is missing (set COMMONGROUND_DATA_DIR?).")
        for value in reader(read_rows(path, relative)):
            if value is None:
                continue
            if value.key in seen:
                raise SourceDataError(
                    f"{value.source}: {value.key} was already given at {seen[value.key]}."
                )
            seen[value.key] = value.source
            yield value
