"""What each section of a framework file holds, in the order the file (and an export) lists it.

One table per kind of object, shared by the loader and the exporter so the two cannot drift.
A ``Field`` maps a key of the file to a model field; limits (length, digits, choices, default)
come from the model itself. Keys marked ``special`` (references, lists, the baseline) are read
and written by hand in ``validate`` and ``exporter``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from commonground.action.models import Goal, Strategy
from commonground.initiatives.models import Initiative, Organization, Partnership, WorkingGroup
from commonground.measurement.models import (
    Dimension,
    DimensionValue,
    ExternalCode,
    Indicator,
    ReportingAssignment,
)

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Field:
    """One key of a section: its kind (text, slug, choice, int, decimal, bool, url, date)."""

    key: str
    model: type[models.Model] | None = None
    kind: str = "text"
    attr: str = ""  # the model field's name when it differs from the key
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    positive: bool = False  # a decimal that must be greater than 0

    @property
    def name(self) -> str:
        return self.attr or self.key

    @property
    def special(self) -> bool:
        return self.kind == "special"

    @property
    def model_field(self) -> models.Field:
        return self.model._meta.get_field(self.name)

    @property
    def choices(self) -> list[str]:
        return [str(value) for value, _label in self.model_field.choices]

    def default(self):
        """The value an object takes when the file leaves the key out."""
        value = self.model_field.get_default()
        return str(value) if isinstance(value, str) else value


def special(key: str) -> Field:
    return Field(key, kind="special")


TOP_LEVEL = [
    "version",
    "initiative",
    "dimensions",
    "partners",
    "working_groups",
    "indicators",
    "assignments",
    "external_codes",
    "goals",
]

INITIATIVE = [
    Field("slug", Initiative, "slug", required=True),
    Field("name", Initiative, required=True),
    Field("issue_area", Initiative),
    Field("geography", Initiative),
    Field("description", Initiative),
    Field("stage", Initiative, "choice"),
    Field("fiscal_year_start_month", Initiative, "int", minimum=1, maximum=12),
    Field("school_year_start_month", Initiative, "int", minimum=1, maximum=12),
    Field("suppression_threshold", Initiative, "int", minimum=1),
    Field("backbone_budget", Initiative, "decimal", minimum=0),
    Field("is_public", Initiative, "bool"),
]

DIMENSION = [
    Field("code", Dimension, "slug", required=True),
    Field("name", Dimension, required=True),
    special("values"),
]

DIMENSION_VALUE = [
    Field("code", DimensionValue, "slug", required=True),
    Field("name", DimensionValue, required=True),
    special("parent"),
    special("sort_order"),  # defaults to the value's position in the list
]

# A partner is an organization (shared between initiatives, found by name) and its
# partnership in this initiative (found by code).
PARTNER = [
    Field("code", Partnership, "slug", required=True),
    Field("name", Organization, required=True),
    Field("sector", Organization, "choice", required=True),
    Field("annual_budget", Organization, "decimal", minimum=0),
    Field("website", Organization, "url"),
    Field("description", Organization),
    Field("status", Partnership, "choice"),
    Field("joined_on", Partnership, "date"),
    Field("left_on", Partnership, "date"),
]

WORKING_GROUP = [
    Field("code", WorkingGroup, "slug", required=True),
    Field("name", WorkingGroup, required=True),
    Field("kind", WorkingGroup, "choice"),
    Field("activity_type", WorkingGroup),
    Field("charter", WorkingGroup),
    Field("cadence", WorkingGroup),
    special("members"),
    special("shared_measures"),
]

INDICATOR = [
    Field("code", Indicator, "slug", required=True),
    Field("name", Indicator, required=True),
    Field("definition", Indicator),
    Field("level", Indicator, "choice"),
    Field("performance_kind", Indicator, "choice"),
    Field("role", Indicator, "choice"),
    special("predicts"),
    Field("unit", Indicator),
    Field("value_type", Indicator, "choice", required=True),
    Field("scale_factor", Indicator, "decimal", positive=True),
    Field("polarity", Indicator, "choice"),
    Field("aggregation", Indicator, "choice", required=True),
    Field("cumulative", Indicator, "bool"),
    special("dimensions"),
    Field("breakdown_complete", Indicator, "bool"),
    Field("frequency", Indicator, "choice", required=True),
    Field("data_source", Indicator),
    special("owner_group"),
    special("baseline"),
    special("targets"),
    special("series_breaks"),
    Field("min_value", Indicator, "decimal"),
    Field("max_value", Indicator, "decimal"),
    Field("decimals", Indicator, "int", minimum=0, maximum=6),
    Field("published", Indicator, "bool", attr="is_published"),
    Field("deadline_days", Indicator, "int", minimum=0, maximum=3660),
    Field("story", Indicator),
    Field("equity_reference", Indicator, "slug"),
    special("sort_order"),  # defaults to the indicator's position in the list
]

BASELINE_KEYS = ["period", "value"]
TARGET_KEYS = ["period", "cell", "value"]
SERIES_BREAK_KEYS = ["period", "note"]

ASSIGNMENT = [
    special("indicator"),
    special("partner"),
    Field("deadline_days", ReportingAssignment, "int", minimum=0),
]


# How another system names our indicators, partners and cells (``framework/external_codes``).
EXTERNAL_CODE = [
    special("system"),
    Field("kind", ExternalCode, "choice", required=True),
    special("code"),
    special("target"),
]
EXTERNAL_SYSTEMS = ["dhis2"]

# The common agenda's goals, each with its strategies (SPEC §3.3.1). ``retired`` ones are kept
# for history; ``sort_order`` defaults to the position in the list (strategies: in their goal's).
GOAL = [
    Field("code", Goal, "slug", required=True),
    Field("title", Goal, required=True),
    Field("horizon", Goal, "choice"),
    Field("description", Goal),
    special("indicators"),
    Field("retired", Goal, "bool", attr="is_retired"),
    special("sort_order"),
    special("strategies"),
]

STRATEGY = [
    Field("code", Strategy, "slug", required=True),
    Field("title", Strategy, required=True),
    Field("description", Strategy),
    special("indicators"),
    Field("retired", Strategy, "bool", attr="is_retired"),
    special("sort_order"),
]


def keys(table: list[Field]) -> list[str]:
    return [field.key for field in table]


def plain_number(value: Decimal) -> str:
    """``Decimal('100.0000')`` → ``'100'``, ``Decimal('0.500000')`` → ``'0.5'``: no exponent."""
    return format(value.normalize(), "f")
