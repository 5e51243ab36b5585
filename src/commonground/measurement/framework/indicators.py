"""The parts of an indicator that depend on its other fields: baseline, targets, series breaks.

Periods must be of the indicator's frequency (read with the file's school- and fiscal-year start
months), target cells must use the indicator's own dimensions and their values, and a few
combinations of fields that cannot work together are refused.
"""

from yaml.nodes import Node

from commonground.measurement.cells import cell_key
from commonground.measurement.framework import schema
from commonground.measurement.framework.reader import INVALID, is_null, join, line_of
from commonground.measurement.models import Indicator, SeriesBreak, Target

Kind = Indicator.Aggregation


def read_indicator_details(file, spec, found: dict[str, Node]) -> None:
    """Fill ``spec``'s baseline, targets and series breaks, and check cross-field rules.

    ``file`` is the validator's section reader (its ``reader``, ``period`` and
    ``dimension_values``); ``found`` the indicator's value nodes by key.
    """
    frequency = spec.fields["frequency"]
    allowed = {
        ref.code: file.dimension_values[ref.code]
        for ref in spec.dimensions
        if ref is not None and ref.code in file.dimension_values
    }
    _read_baseline(file, spec, found.get("baseline"), frequency)
    spec.targets = _read_targets(file, spec, found.get("targets"), frequency, allowed)
    spec.series_breaks = _read_series_breaks(file, spec, found.get("series_breaks"), frequency)
    _check_rules(file.reader, spec, found)


def _read_baseline(file, spec, node, frequency) -> None:
    spec.fields["baseline_period"], spec.fields["baseline_value"] = "", None
    if node is None or is_null(node):
        return
    path = join(spec.path, "baseline")
    found = file.reader.mapping(node, path, schema.BASELINE_KEYS, required=("period",))
    if not found:
        return
    if "period" in found:
        spec.fields["baseline_period"] = file.period(
            found["period"], join(path, "period"), frequency
        )
    if "value" in found:
        spec.fields["baseline_value"] = file.reader.decimal(
            found["value"], join(path, "value"), field=Indicator._meta.get_field("baseline_value")
        )


def _read_targets(file, spec, node, frequency, allowed) -> list:
    path = join(spec.path, "targets")
    value_field = Target._meta.get_field("value")
    targets, seen = [], {}
    for index, item in enumerate(file.reader.sequence(node, path)):
        item_path = join(path, index)
        found = file.reader.mapping(
            item, item_path, schema.TARGET_KEYS, required=("period", "value")
        )
        if found is None:
            continue
        period = INVALID
        if "period" in found:
            period = file.period(found["period"], join(item_path, "period"), frequency)
        cell = _read_cell(file.reader, found.get("cell"), join(item_path, "cell"), allowed)
        value = INVALID
        if "value" in found:
            value = file.reader.decimal(found["value"], join(item_path, "value"), field=value_field)
        if INVALID not in (period, cell):
            if (period, cell) in seen:
                which = f"{period} and this cell" if cell else period
                file.reader.problem(
                    item,
                    item_path,
                    f"a target for {which} is already set (see line {seen[period, cell]})",
                )
            seen[period, cell] = line_of(item)
        targets.append((period, cell, value))
    return targets


def _read_cell(reader, node, path, allowed: dict[str, set[str]]):
    """The canonical cell key of ``{dimension: value}``; an empty or missing cell is the total."""
    if node is None or is_null(node):
        return ""
    found = reader.mapping(node, path)
    if found is None:
        return INVALID
    pairs = {}
    for dimension, value_node in found.items():
        value_path = join(path, dimension)
        value = reader.slug(value_node, value_path)
        if value is INVALID:
            return INVALID
        if dimension not in allowed:
            return reader.problem(
                value_node, value_path, f"the indicator is not broken down by '{dimension}'"
            )
        if value not in allowed[dimension]:
            return reader.problem(
                value_node, value_path, f"'{value}' is not a value of the dimension '{dimension}'"
            )
        pairs[dimension] = value
    key = cell_key(pairs)  # codes are slugs, so never a CellError
    if len(key) > Target._meta.get_field("cell").max_length:
        return reader.problem(node, path, "names too many dimensions")
    return key


def _read_series_breaks(file, spec, node, frequency) -> list:
    path = join(spec.path, "series_breaks")
    note_length = SeriesBreak._meta.get_field("note").max_length
    breaks, seen = [], {}
    for index, item in enumerate(file.reader.sequence(node, path)):
        item_path = join(path, index)
        found = file.reader.mapping(
            item, item_path, schema.SERIES_BREAK_KEYS, required=("period", "note")
        )
        if found is None:
            continue
        period = note = INVALID
        if "period" in found:
            period = file.period(found["period"], join(item_path, "period"), frequency)
        if "note" in found:
            note = file.reader.text(
                found["note"], join(item_path, "note"), required=True, max_length=note_length
            )
        if period is not INVALID:
            if period in seen:
                file.reader.problem(
                    item,
                    item_path,
                    f"a break at {period} is already listed (see line {seen[period]})",
                )
            seen[period] = line_of(item)
        breaks.append((period, note))
    return breaks


def _check_rules(reader, spec, found) -> None:
    """Combinations of fields that cannot work, each reported at the field that breaks it."""
    values = spec.fields
    kind = values["performance_kind"]
    if kind not in ("", INVALID) and values["level"] not in (Indicator.Level.PERFORMANCE, INVALID):
        reader.problem(
            found["performance_kind"],
            join(spec.path, "performance_kind"),
            "is only for performance measures (level: performance)",
        )
    if values["aggregation"] == Kind.RATIO_OF_SUMS and values["value_type"] not in (
        Indicator.ValueType.RATE,
        INVALID,
    ):
        reader.problem(
            found["aggregation"],
            join(spec.path, "aggregation"),
            "ratio_of_sums needs value_type: rate (a numerator and a denominator)",
        )
    if values["value_type"] == Indicator.ValueType.NARRATIVE and values["aggregation"] not in (
        Kind.NONE,
        INVALID,
    ):
        reader.problem(
            found["aggregation"],
            join(spec.path, "aggregation"),
            "a narrative indicator cannot be aggregated: use none",
        )
    low, high = values["min_value"], values["max_value"]
    if low is not None and high is not None and INVALID not in (low, high) and high < low:
        reader.problem(found["max_value"], join(spec.path, "max_value"), "is less than min_value")
