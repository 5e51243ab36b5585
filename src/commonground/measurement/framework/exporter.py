"""Writing an initiative's registry as a framework file that ``load_framework_text`` reads back.

Keys come in the order of ``schema`` (the order of docs/framework-file.md); optional keys are
written only when they differ from the default, which is what the loader gives a left-out key,
so loading an export changes nothing. Lists are sorted by code (indicators, dimension values,
goals and strategies by display order), so the same registry always gives the same text.
"""

from datetime import date
from decimal import Decimal

import yaml
from django.db.models import Prefetch

from commonground.action.models import Goal, Strategy
from commonground.initiatives.models import Initiative, Partnership
from commonground.measurement.cells import parse_cell_key
from commonground.measurement.framework import schema
from commonground.measurement.framework.schema import plain_number
from commonground.measurement.models import ExternalCode, Indicator, ReportingAssignment

HEADER = "# Commonground framework file: see docs/framework-file.md\n"
SPACED_SECTIONS = {
    "dimensions",
    "partners",
    "working_groups",
    "indicators",
    "assignments",
    "external_codes",
    "goals",
}


def export_framework(initiative: Initiative) -> str:
    """The initiative's settings, dimensions, partners, groups, indicators, assignments, external
    codes and the common agenda's goals and strategies."""
    document = {"version": schema.FORMAT_VERSION}
    document["initiative"] = _plain(schema.INITIATIVE, initiative)
    sections = {
        "dimensions": [_dimension(d) for d in initiative.dimensions.order_by("code")],
        "partners": [
            _plain(schema.PARTNER, partnership, partnership.organization)
            for partnership in Partnership.objects.filter(initiative=initiative)
            .select_related("organization")
            .order_by("code")
        ],
        "working_groups": [_group(g) for g in initiative.working_groups.order_by("code")],
        "indicators": [_indicator(i, index) for index, i in enumerate(_indicators(initiative))],
        "assignments": _assignments(initiative),
        "external_codes": _external_codes(initiative),
        "goals": [_goal(goal, index) for index, goal in enumerate(_goals(initiative))],
    }
    document.update({key: items for key, items in sections.items() if items})
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + _space_sections(text)


def _space_sections(text: str) -> str:
    """A blank line before each list section; only top-level keys start a line unindented."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.split(":", 1)[0] in SPACED_SECTIONS and not line.startswith(" "):
            lines.append("\n")
        lines.append(line)
    return "".join(lines)


def _indicators(initiative):
    return (
        Indicator.objects.filter(initiative=initiative)
        .select_related("predicts", "owner_group")
        .prefetch_related("dimensions", "targets", "breaks")
        .order_by("sort_order", "name", "code")
    )


def _plain(table, *objects) -> dict:
    """The table's plain keys: required ones always, others when not the default."""
    data = {}
    for spec in table:
        if spec.special:
            continue
        obj = next(o for o in objects if isinstance(o, spec.model))
        value = getattr(obj, spec.name)
        if spec.required or value != spec.default():
            data[spec.key] = str(value) if isinstance(value, str) else value
    return data


def _ordered(table, data: dict) -> dict:
    """``data``'s keys in the table's order."""
    return {spec.key: data[spec.key] for spec in table if spec.key in data}


def _sort_order(data: dict, sort_order: int, position: int) -> None:
    # A left-out sort_order means the entry's position in the list; write it only when not.
    if sort_order != position:
        data["sort_order"] = sort_order


def _dimension(dimension) -> dict:
    values = []
    ordered = dimension.values.select_related("parent").order_by("sort_order", "name", "code")
    for position, value in enumerate(ordered):
        data = _plain(schema.DIMENSION_VALUE, value)
        if value.parent:
            data["parent"] = value.parent.code
        _sort_order(data, value.sort_order, position)
        values.append(_Flow(_ordered(schema.DIMENSION_VALUE, data)))
    return {**_plain(schema.DIMENSION, dimension), "values": values}


def _group(group) -> dict:
    data = _plain(schema.WORKING_GROUP, group)
    members = sorted(group.partnerships.values_list("code", flat=True))
    measures = sorted(group.shared_measures.values_list("code", flat=True))
    if members:
        data["members"] = _FlowList(members)
    if measures:
        data["shared_measures"] = _FlowList(measures)
    return data


def _indicator(indicator: Indicator, position: int) -> dict:
    data = _plain(schema.INDICATOR, indicator)
    if indicator.predicts:
        data["predicts"] = indicator.predicts.code
    if indicator.owner_group:
        data["owner_group"] = indicator.owner_group.code
    dimensions = sorted(d.code for d in indicator.dimensions.all())
    if dimensions:
        data["dimensions"] = _FlowList(dimensions)
    baseline = {}
    if indicator.baseline_period:
        baseline["period"] = indicator.baseline_period
    if indicator.baseline_value is not None:
        baseline["value"] = indicator.baseline_value
    if baseline:
        data["baseline"] = _Flow(baseline)
    targets = sorted(indicator.targets.all(), key=lambda t: (t.period, t.cell))
    if targets:
        data["targets"] = [_target(target) for target in targets]
    breaks = sorted(indicator.breaks.all(), key=lambda b: b.period)
    if breaks:
        data["series_breaks"] = [_Flow(period=b.period, note=b.note) for b in breaks]
    _sort_order(data, indicator.sort_order, position)
    return _ordered(schema.INDICATOR, data)


def _goals(initiative):
    strategies = Strategy.objects.prefetch_related("indicators").order_by("sort_order", "code")
    return (
        Goal.objects.filter(initiative=initiative)
        .prefetch_related("indicators", Prefetch("strategies", queryset=strategies))
        .order_by("sort_order", "code")
    )


def _goal(goal: Goal, position: int) -> dict:
    data = _agenda_item(schema.GOAL, goal, position)
    strategies = [_agenda_item(schema.STRATEGY, s, i) for i, s in enumerate(goal.strategies.all())]
    if strategies:
        data["strategies"] = strategies
    return _ordered(schema.GOAL, data)


def _agenda_item(table, item, position: int) -> dict:
    """A goal's or strategy's keys, with the indicators that measure it."""
    data = _plain(table, item)
    indicators = sorted(i.code for i in item.indicators.all())
    if indicators:
        data["indicators"] = _FlowList(indicators)
    _sort_order(data, item.sort_order, position)
    return _ordered(table, data)


def _target(target) -> dict:
    data = {"period": target.period}
    if target.cell:
        data["cell"] = _Flow(parse_cell_key(target.cell))
    data["value"] = target.value
    return _Flow(data)


def _assignments(initiative) -> list:
    assignments = ReportingAssignment.objects.filter(
        indicator__initiative=initiative
    ).select_related("indicator", "partnership")
    result = []
    for assignment in sorted(
        assignments,
        key=lambda a: (
            a.indicator.sort_order,
            a.indicator.name,
            a.indicator.code,
            a.partnership.code,
        ),
    ):
        data = {"indicator": assignment.indicator.code, "partner": assignment.partnership.code}
        data.update(_plain(schema.ASSIGNMENT, assignment))
        result.append(_Flow(data))
    return result


def _external_codes(initiative) -> list:
    result = []
    for code in ExternalCode.objects.filter(initiative=initiative).order_by(
        "system", "kind", "code"
    ):
        target = code.target
        if code.kind == ExternalCode.Kind.CATEGORY_OPTION_COMBO:
            target = _Flow(parse_cell_key(target))
        result.append(_Flow(system=code.system, kind=code.kind, code=code.code, target=target))
    return result


class _Flow(dict):
    """A mapping written on one line: ``{code: black, name: Black}``."""


class _FlowList(list):
    """A list written on one line: ``[race, sex]``."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True  # the loader refuses aliases

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # indent list items under their key


def _represent_decimal(dumper, value: Decimal):
    # Written from its exact digits (never through a float), as an int when it is whole.
    text = plain_number(value)
    tag = "float" if "." in text else "int"
    return dumper.represent_scalar(f"tag:yaml.org,2002:{tag}", text)


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value else None  # keep multi-line texts readable
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(date, yaml.SafeDumper.represent_date)
_Dumper.add_representer(
    _Flow, lambda d, value: d.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)
)
_Dumper.add_representer(
    _FlowList, lambda d, value: d.represent_sequence("tag:yaml.org,2002:seq", value, True)
)
