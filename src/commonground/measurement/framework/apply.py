"""Writing a checked framework to the database: create or update by code, audit every change.

Runs inside the loader's transaction. Objects are looked up by their keys (initiative by slug,
organization by name, the rest by code within their parent); a field is written only when its
value differs, and a list inside an object (an indicator's dimensions, targets and series breaks,
a group's members and shared measures) only when it differs as a whole, so loading the same file
twice writes nothing. Each object's state is taken when it is first touched and compared at the
end, which gives one audit event per created or changed object even when it is written in two
steps (an indicator's ``predicts``, a group's shared measures).
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from commonground.action.models import Goal, Strategy
from commonground.core import audit
from commonground.initiatives.models import Initiative, Organization, Partnership, WorkingGroup
from commonground.measurement.framework.schema import plain_number
from commonground.measurement.framework.specs import FrameworkSpec, IndicatorSpec
from commonground.measurement.models import (
    Dimension,
    DimensionValue,
    ExternalCode,
    Indicator,
    ReportingAssignment,
    SeriesBreak,
    Target,
)

KINDS = (
    "initiative",
    "organization",
    "partnership",
    "dimension",
    "dimension_value",
    "working_group",
    "indicator",
    "assignment",
    "external_code",
    "goal",
    "strategy",
)


def apply_framework(spec: FrameworkSpec, *, actor) -> tuple[Initiative, dict[str, Counter]]:
    """Create or update everything ``spec`` describes; counts of outcomes per kind."""
    writer = _Writer(actor)
    initiative = writer.upsert(
        "initiative",
        Initiative,
        {"slug": spec.initiative.code},
        _without(spec.initiative.fields, "slug"),
    )
    writer.initiative = initiative
    partnerships = {p.code: _apply_partner(writer, initiative, p) for p in spec.partners}
    dimensions = {d.code: _apply_dimension(writer, initiative, d) for d in spec.dimensions}
    groups = {}
    for group in spec.working_groups:
        groups[group.code] = obj = writer.upsert(
            "working_group",
            WorkingGroup,
            {"initiative": initiative, "code": group.code},
            _without(group.fields),
        )
        _replace_codes(obj.partnerships, "code", [partnerships[r.code] for r in group.members])
    indicators = _apply_indicators(writer, initiative, spec.indicators, dimensions, groups)
    for group in spec.working_groups:  # shared measures once every indicator exists
        measures = [indicators[ref.code] for ref in group.shared_measures]
        _replace_codes(groups[group.code].shared_measures, "code", measures)
    for assignment in spec.assignments:
        writer.upsert(
            "assignment",
            ReportingAssignment,
            {
                "indicator": indicators[assignment.indicator.code],
                "partnership": partnerships[assignment.partner.code],
            },
            assignment.fields,
        )
    for code in spec.external_codes:  # found by system, kind and code; only the target changes
        fields = code.fields
        writer.upsert(
            "external_code",
            ExternalCode,
            {
                "initiative": initiative,
                "system": fields["system"],
                "kind": fields["kind"],
                "code": fields["code"],
            },
            {"target": fields["target"]},
        )
    _apply_goals(writer, initiative, spec.goals, indicators)
    return initiative, writer.finish()


def _apply_goals(writer, initiative, specs, indicators) -> None:
    """Goals by code, each with its strategies (a strategy may move to another goal)."""
    for spec in specs:
        goal = writer.upsert(
            "goal", Goal, {"initiative": initiative, "code": spec.code}, _without(spec.fields)
        )
        _replace_codes(goal.indicators, "code", [indicators[r.code] for r in spec.indicators])
        for strategy_spec in spec.strategies:
            strategy = writer.upsert(
                "strategy",
                Strategy,
                {"initiative": initiative, "code": strategy_spec.code},
                {**_without(strategy_spec.fields), "goal_id": goal.pk},
            )
            measured_by = [indicators[r.code] for r in strategy_spec.indicators]
            _replace_codes(strategy.indicators, "code", measured_by)


def _apply_partner(writer, initiative, spec) -> Partnership:
    organization = writer.upsert(
        "organization",
        Organization,
        {"name": spec.organization["name"]},
        _without(spec.organization, "name"),
    )
    return writer.upsert(
        "partnership",
        Partnership,
        {"initiative": initiative, "code": spec.code},
        {**spec.fields, "organization_id": organization.pk},
    )


def _apply_dimension(writer, initiative, spec) -> Dimension:
    dimension = writer.upsert(
        "dimension", Dimension, {"initiative": initiative, "code": spec.code}, _without(spec.fields)
    )
    # A dimension's values are never removed: reported data may use them.
    values = {
        value.code: writer.upsert(
            "dimension_value",
            DimensionValue,
            {"dimension": dimension, "code": value.code},
            _without(value.fields),
        )
        for value in spec.values
    }
    for value in spec.values:  # parents may come later in the list than their children
        parent = values[value.parent.code].pk if value.parent else None
        writer.update(values[value.code], {"parent_id": parent})
    return dimension


def _apply_indicators(writer, initiative, specs, dimensions, groups) -> dict[str, Indicator]:
    indicators = {}
    for spec in specs:
        owner = groups[spec.owner_group.code].pk if spec.owner_group else None
        indicators[spec.code] = obj = writer.upsert(
            "indicator",
            Indicator,
            {"initiative": initiative, "code": spec.code},
            {**_without(spec.fields), "owner_group_id": owner},
        )
        _replace_indicator_lists(obj, spec, dimensions)
    for spec in specs:  # every indicator exists now, so predicts can point at any of them
        target = indicators[spec.predicts.code].pk if spec.predicts else None
        writer.update(indicators[spec.code], {"predicts_id": target})
    return indicators


def _replace_indicator_lists(indicator: Indicator, spec: IndicatorSpec, dimensions) -> None:
    current = indicator_lists(indicator)
    wanted_dimensions = sorted(ref.code for ref in spec.dimensions)
    if current["dimensions"] != wanted_dimensions:
        indicator.dimensions.set([dimensions[code] for code in wanted_dimensions])
    targets = sorted(spec.targets)
    if current["targets"] != [[p, c, plain_number(v)] for p, c, v in targets]:
        indicator.targets.all().delete()
        Target.objects.bulk_create(
            Target(indicator=indicator, period=p, cell=c, value=v) for p, c, v in targets
        )
    breaks = sorted(spec.series_breaks)
    if current["series_breaks"] != [list(pair) for pair in breaks]:
        indicator.breaks.all().delete()
        SeriesBreak.objects.bulk_create(
            SeriesBreak(indicator=indicator, period=p, note=n) for p, n in breaks
        )


def _replace_codes(manager, code_field: str, objects: list) -> None:
    """Set a many-to-many list, writing only when its codes differ."""
    current = sorted(manager.values_list(code_field, flat=True))
    if current != sorted(getattr(obj, code_field) for obj in objects):
        manager.set(objects)


def indicator_lists(indicator: Indicator) -> dict:
    """An indicator's lists in a canonical, JSON-safe form (for comparing and for the audit)."""
    return {
        "dimensions": sorted(indicator.dimensions.values_list("code", flat=True)),
        "targets": sorted(
            [t.period, t.cell, plain_number(t.value)] for t in indicator.targets.all()
        ),
        "series_breaks": sorted([b.period, b.note] for b in indicator.breaks.all()),
    }


def group_lists(group: WorkingGroup) -> dict:
    return {
        "members": sorted(group.partnerships.values_list("code", flat=True)),
        "shared_measures": sorted(group.shared_measures.values_list("code", flat=True)),
    }


def state(kind: str, obj: models.Model) -> dict:
    """What the audit log keeps of an object: its fields (decimals written plainly), lists."""
    data = audit.snapshot(obj)
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.DecimalField) and data[field.name] is not None:
            data[field.name] = plain_number(Decimal(data[field.name]))
    if kind == "indicator":
        data.update(indicator_lists(obj))
    elif kind == "working_group":
        data.update(group_lists(obj))
    elif kind in ("goal", "strategy"):
        data["indicators"] = sorted(obj.indicators.values_list("code", flat=True))
    return data


@dataclass
class _Touched:
    kind: str
    obj: models.Model
    before: dict | None  # None: created by this load


class _Writer:
    def __init__(self, actor):
        self.actor = actor
        self.initiative = None
        self.touched: dict[tuple[str, int], _Touched] = {}

    def upsert(self, kind: str, model, lookup: dict, fields: dict) -> models.Model:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **fields)
            obj.save()
            before = None
        else:
            before = state(kind, obj)
            self.update(obj, fields)
        self.touched[obj._meta.label, obj.pk] = _Touched(kind, obj, before)
        return obj

    def update(self, obj: models.Model, fields: dict) -> None:
        changed = {name: value for name, value in fields.items() if getattr(obj, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            obj.save()

    def finish(self) -> dict[str, Counter]:
        """Write one audit event per created or changed object; count the outcomes."""
        counts = {kind: Counter() for kind in KINDS}
        for touched in self.touched.values():
            after = state(touched.kind, touched.obj)
            if touched.before is None:
                outcome = "created"
            else:
                outcome = "updated" if after != touched.before else "unchanged"
            counts[touched.kind][outcome] += 1
            if outcome != "unchanged":
                audit.record(
                    actor=self.actor,
                    action=f"framework.{touched.kind}.{outcome}",
                    obj=touched.obj,
                    initiative=self.initiative,
                    before=touched.before,
                    after=after,
                )
        return counts


def _without(fields: dict, *keys: str) -> dict:
    """The fields less the lookup keys (``code`` unless named)."""
    keys = keys or ("code",)
    return {name: value for name, value in fields.items() if name not in keys}
