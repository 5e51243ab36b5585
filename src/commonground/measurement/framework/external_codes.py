"""The ``external_codes`` section: how another system (DHIS2) names indicators, partners, cells.

Each entry maps one DHIS2 code to a target defined in the same file: a data element to an
indicator (for a rate, to its ``.numerator`` or ``.denominator``), an organisation unit to a
partner, a category option combo to a cell (``{race: black}``, or a cell key
``race=black``; ``{}`` is the total). Within a system and kind a code is mapped once, and a
target has one code, so a DHIS2 export can name every value and reading it back gives the same
values (``measurement/dhis2.py``).
"""

from yaml.nodes import MappingNode, Node

from commonground.measurement import dhis2
from commonground.measurement.cells import CellError, cell_key, parse_cell_key
from commonground.measurement.framework import schema
from commonground.measurement.framework.reader import INVALID, is_null, join, line_of, shown
from commonground.measurement.framework.specs import ExternalCodeSpec
from commonground.measurement.models import ExternalCode, Indicator

Kind = ExternalCode.Kind
CODE_LENGTH = ExternalCode._meta.get_field("code").max_length
TARGET_LENGTH = ExternalCode._meta.get_field("target").max_length


def read_external_code(file, node: Node, path: str, index: int) -> ExternalCodeSpec | None:
    """One entry; ``file`` is the validator's section reader, with every other section read."""
    reader = file.reader
    required = ("system", "kind", "code", "target")
    found = reader.mapping(node, path, schema.keys(schema.EXTERNAL_CODE), required=required)
    if found is None:
        return None
    values = file.fields(found, path, schema.EXTERNAL_CODE)
    values["system"] = INVALID
    if "system" in found:
        values["system"] = reader.choice(
            found["system"], join(path, "system"), schema.EXTERNAL_SYSTEMS
        )
    values["code"] = INVALID
    if "code" in found:
        values["code"] = _read_code(reader, found["code"], join(path, "code"))
    values["target"] = INVALID
    if "target" in found and values["kind"] is not INVALID:
        values["target"] = _read_target(file, found["target"], join(path, "target"), values)
    return ExternalCodeSpec(values["code"], line_of(node), path, values, _lines(found))


def entry_key(spec: ExternalCodeSpec):
    """What must be unique: a code is mapped once per system and kind."""
    parts = (spec.fields["system"], spec.fields["kind"], spec.fields["code"])
    return INVALID if INVALID in parts else parts


def check_targets(reader, specs: list[ExternalCodeSpec]) -> None:
    """A target has one code per system and kind, so exports can name it."""
    seen: dict[tuple, ExternalCodeSpec] = {}
    for spec in specs:
        fields = spec.fields
        key = (fields["system"], fields["kind"], fields["target"])
        if INVALID in key:
            continue
        if key in seen:
            first = seen[key]
            reader.problem(
                spec.line_of("target"),
                join(spec.path, "target"),
                f"{_target_label(fields['kind'], fields['target'])} is already mapped from "
                f"{shown(first.fields['code'])} (line {first.line}): a target has one code",
            )
            continue
        seen[key] = spec


def _read_code(reader, node: Node, path: str):
    code = reader.text(node, path, required=True, max_length=CODE_LENGTH)
    if code is not INVALID and code != code.strip():
        return reader.problem(node, path, "must not start or end with a space")
    return code


def _read_target(file, node: Node, path: str, values: dict):
    kind = values["kind"]
    if kind == Kind.CATEGORY_OPTION_COMBO:
        return _read_cell_target(file, node, path)
    reader = file.reader
    target = reader.text(node, path, required=True, max_length=TARGET_LENGTH)
    if target is INVALID:
        return INVALID
    if kind == Kind.ORG_UNIT:
        if target not in file.partner_codes:
            return reader.problem(
                node, path, f"{shown(target)} is not a partner defined in this file"
            )
        return target
    code, part = dhis2.split_target(target)
    value_type = file.indicator_types.get(code)
    if value_type is None:
        return reader.problem(node, path, f"{shown(code)} is not an indicator defined in this file")
    if part and part not in dhis2.PARTS:
        return reader.problem(
            node, path, f"{shown(target)}: after the '.' write numerator or denominator"
        )
    is_rate = value_type == Indicator.ValueType.RATE
    if is_rate and not part:
        return reader.problem(
            node,
            path,
            f"{code} is a rate: map one data element to {code}.numerator and another to "
            f"{code}.denominator",
        )
    if part and not is_rate and value_type is not INVALID:
        return reader.problem(node, path, f"{code} is not a rate: it has no {part}")
    return target


def _read_cell_target(file, node: Node, path: str):
    """A cell over the file's dimensions: ``{race: black}``, ``race=black`` or the total."""
    reader = file.reader
    if is_null(node):
        return ""
    if isinstance(node, MappingNode):
        found = reader.mapping(node, path)
        if found is None:
            return INVALID
        pairs = {}
        for dimension, value_node in found.items():
            value = reader.slug(value_node, join(path, dimension))
            if value is INVALID:
                return INVALID
            pairs[dimension] = (value, value_node, join(path, dimension))
    else:
        key = reader.text(node, path, max_length=TARGET_LENGTH)
        if key in (INVALID, ""):
            return key
        try:
            pairs = {d: (v, node, path) for d, v in parse_cell_key(key).items()}
        except CellError:
            return reader.problem(
                node, path, f"{shown(key)} is not a cell (write {{dimension: value, …}})"
            )
    for dimension, (value, value_node, value_path) in pairs.items():
        if dimension not in file.dimension_values:
            return reader.problem(
                value_node, value_path, f"'{dimension}' is not a dimension defined in this file"
            )
        if value not in file.dimension_values[dimension]:
            return reader.problem(
                value_node, value_path, f"'{value}' is not a value of the dimension '{dimension}'"
            )
    key = cell_key({dimension: value for dimension, (value, _n, _p) in pairs.items()})
    if len(key) > TARGET_LENGTH:
        return reader.problem(node, path, "names too many dimensions")
    return key


def _target_label(kind: str, target: str) -> str:
    if kind == Kind.CATEGORY_OPTION_COMBO:
        return f"the cell {shown(target)}" if target else "the total"
    return shown(target)


def _lines(found: dict[str, Node]) -> dict[str, int]:
    return {key: line_of(node) for key, node in found.items()}
