"""The indicator registry: read it (every member), add to it (who manages indicators)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from commonground.api import scope
from commonground.api.errors import NotFound
from commonground.api.lists import Filters, Page, PageParams, paginate
from commonground.api.schemas import Amount, Slug, Text, choice, exact, example, read, written
from commonground.api.writes import write
from commonground.core.permissions import Perm
from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import Dimension, Indicator
from commonground.measurement.periods import Frequency
from commonground.measurement.services import registry
from commonground.measurement.services.registry import InvalidIndicator

router = Router(tags=["Indicators"])


class TargetOut(Schema):
    period: str
    cell: str = Field(description="Canonical cell key (`sex=f`); empty for the total.")
    value: str


class BreakOut(Schema):
    period: str
    note: str


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    level: choice(Indicator.Level)
    performance_kind: str
    role: choice(Indicator.Role)
    predicts: str | None
    unit: str
    value_type: choice(Indicator.ValueType)
    scale_factor: str
    polarity: choice(Indicator.Polarity)
    aggregation: choice(Indicator.Aggregation)
    cumulative: bool
    breakdown_complete: bool
    dimensions: list[str]
    frequency: choice(Frequency)
    data_source: str
    owner_group: str | None
    baseline_period: str
    baseline_value: str | None
    min_value: str | None
    max_value: str | None
    decimals: int
    is_published: bool
    deadline_days: int
    targets: list[TargetOut]
    series_breaks: list[BreakOut]


class IndicatorFilters(Filters):
    LOOKUPS = {"frequency": "frequency", "published": "is_published"}

    frequency: choice(Frequency) | None = None
    published: bool | None = Field(None, description="Only published (true) or unpublished.")


class TargetIn(Schema):
    period: Text
    value: Amount
    cell: Text = ""


class BreakIn(Schema):
    period: Text
    note: Text


class IndicatorIn(Schema):
    """A new indicator; the fields left out take their defaults (docs/framework-file.md)."""

    code: Text
    name: Text
    value_type: choice(Indicator.ValueType)
    aggregation: choice(Indicator.Aggregation)
    frequency: choice(Frequency)
    definition: Text = ""
    level: choice(Indicator.Level) = Indicator.Level.POPULATION.value
    performance_kind: choice(Indicator.PerformanceKind) | None = None
    role: choice(Indicator.Role) = Indicator.Role.CORE.value
    unit: Text = ""
    scale_factor: Amount = Decimal(1)
    polarity: choice(Indicator.Polarity) = Indicator.Polarity.HIGHER_BETTER.value
    cumulative: bool = False
    breakdown_complete: bool = False
    data_source: Text = ""
    baseline_period: Text = ""
    baseline_value: Amount | None = None
    min_value: Amount | None = None
    max_value: Amount | None = None
    decimals: int = Field(1, ge=0, le=6)
    is_published: bool = False
    deadline_days: int = Field(30, ge=0, le=registry.MAX_DEADLINE_DAYS)
    dimensions: list[Text] = Field([], description="Dimension codes.")
    owner_group: Text | None = Field(None, description="Working group code.")
    predicts: Text | None = Field(None, description="Core indicator code (contributing only).")
    targets: list[TargetIn] = []
    series_breaks: list[BreakIn] = []


def indicators_of(initiative):
    return (
        Indicator.objects.filter(initiative=initiative)
        .select_related("predicts", "owner_group")
        .prefetch_related("dimensions", "targets", "breaks")
        .order_by("sort_order", "name", "pk")
    )


def _indicator(indicator: Indicator) -> dict:
    return {
        # The registry's own list of fields; numbers are given exactly, as text.
        **{name: getattr(indicator, name) for name in registry.INDICATOR_FIELDS},
        "predicts": indicator.predicts.code if indicator.predicts else None,
        "owner_group": indicator.owner_group.code if indicator.owner_group else None,
        "scale_factor": exact(indicator.scale_factor),
        "baseline_value": exact(indicator.baseline_value),
        "min_value": exact(indicator.min_value),
        "max_value": exact(indicator.max_value),
        "dimensions": sorted(d.code for d in indicator.dimensions.all()),
        "targets": [
            {"period": t.period, "cell": t.cell, "value": exact(t.value)}
            for t in indicator.targets.all()
        ],
        "series_breaks": [{"period": b.period, "note": b.note} for b in indicator.breaks.all()],
    }


@router.get(
    "/initiatives/{slug}/indicators", response=read(Page[IndicatorOut]), summary="The indicators"
)
def list_indicators(
    request, slug: Slug, filters: Query[IndicatorFilters], paging: Query[PageParams]
):
    """Every indicator of the registry, in the registry's order (every member sees them)."""
    access = scope.access(request, slug)
    return paginate(request, filters.narrow(indicators_of(access.initiative)), paging, _indicator)


@router.get(
    "/initiatives/{slug}/indicators/{code}", response=read(IndicatorOut), summary="One indicator"
)
def get_indicator(request, slug: Slug, code: Text):
    access = scope.access(request, slug)
    indicator = indicators_of(access.initiative).filter(code=code).first()
    if indicator is None:
        raise NotFound
    return _indicator(indicator)


def _by_codes(model, initiative, codes: list[str], field: str) -> list:
    found = {obj.code: obj for obj in model.objects.filter(initiative=initiative, code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        message = _("Unknown code: %(codes)s.") % {"codes": ", ".join(missing)}
        raise InvalidIndicator(
            message, details={"problems": [{"field": field, "message": message}]}
        )
    return [found[code] for code in codes]


def _one(model, initiative, code: str | None, field: str):
    return _by_codes(model, initiative, [code], field)[0] if code else None


def _indicator_data(initiative, body: IndicatorIn) -> registry.IndicatorData:
    lists = {"dimensions", "owner_group", "predicts", "targets", "series_breaks"}
    fields = {name: value for name, value in body if name not in lists}
    fields["performance_kind"] = fields["performance_kind"] or ""
    fields["owner_group"] = _one(WorkingGroup, initiative, body.owner_group, "owner_group")
    fields["predicts"] = _one(Indicator, initiative, body.predicts, "predicts")
    return registry.IndicatorData(
        fields=fields,
        dimensions=_by_codes(
            Dimension, initiative, list(dict.fromkeys(body.dimensions)), "dimensions"
        ),
        targets=[registry.TargetRow(t.period, t.value, t.cell) for t in body.targets],
        series_breaks=[registry.BreakRow(b.period, b.note) for b in body.series_breaks],
    )


@router.post(
    "/initiatives/{slug}/indicators",
    response=written(IndicatorOut, 201),
    summary="Add an indicator",
    openapi_extra=example(
        {
            "code": "kinder_ready",
            "name": "Kindergarten readiness",
            "definition": "Share of kindergartners meeting the fall benchmarks.",
            "value_type": "rate",
            "scale_factor": 100,
            "unit": "%",
            "aggregation": "ratio_of_sums",
            "frequency": "school_year",
            "dimensions": ["race"],
            "targets": [{"period": "SY2027-28", "value": "60"}],
        }
    ),
)
@write
def create_indicator(request, slug: Slug, body: IndicatorIn):
    """Add an indicator to the registry (data managers and backbone leads), checked like the
    registry page: every problem is listed in `details.problems` as `{field, message}`."""
    access = scope.access(request, slug, Perm.MANAGE_INDICATORS)
    indicator = registry.create_indicator(
        actor=request.user,
        initiative=access.initiative,
        data=_indicator_data(access.initiative, body),
    )
    return Status(201, _indicator(indicators_of(access.initiative).get(pk=indicator.pk)))
