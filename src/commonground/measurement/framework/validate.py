"""Checking a whole framework file and turning it into plain specs, without touching the database.

``read_framework`` reads every section in a fixed order (so references can be checked against
what was read before), records every problem it finds and returns a ``FrameworkSpec`` that
``apply`` can write as it is. A file must name only what it defines: an indicator's dimensions,
a group's members and an assignment's partner are looked up in the same file.
"""

from types import SimpleNamespace

from yaml.nodes import Node, SequenceNode

from commonground.measurement.framework import external_codes, schema
from commonground.measurement.framework.indicators import read_indicator_details
from commonground.measurement.framework.reader import (
    INVALID,
    Reader,
    is_null,
    join,
    line_of,
    shown,
)
from commonground.measurement.framework.specs import (
    AssignmentSpec,
    DimensionSpec,
    Entry,
    FrameworkSpec,
    GoalSpec,
    IndicatorSpec,
    PartnerSpec,
    Ref,
    StrategySpec,
    ValueSpec,
    WorkingGroupSpec,
)
from commonground.measurement.models import Indicator
from commonground.measurement.periods import PeriodError, parse_period_for


def read_framework(root: Node, reader: Reader) -> FrameworkSpec:
    """Read and check the whole document; problems are left in ``reader.problems``."""
    top = reader.mapping(root, "", schema.TOP_LEVEL, required=("version", "initiative")) or {}
    if "version" in top:
        version = reader.integer(top["version"], "version")
        if version not in (INVALID, schema.FORMAT_VERSION):
            reader.problem(
                top["version"],
                "version",
                f"{version} is not supported "
                f"(this Commonground reads version {schema.FORMAT_VERSION})",
            )
    file = _FileReader(reader)
    initiative = file.initiative(top.get("initiative"))
    dimensions = file.each(top.get("dimensions"), "dimensions", file.dimension)
    partners = file.each(top.get("partners"), "partners", file.partner)
    groups = file.each(top.get("working_groups"), "working_groups", file.working_group)
    indicators = file.each(top.get("indicators"), "indicators", file.indicator)
    file.indicator_codes = {spec.code for spec in indicators}
    file.indicator_types = {spec.code: spec.fields["value_type"] for spec in indicators}
    assignments = file.each(top.get("assignments"), "assignments", file.assignment, key=_pair)
    codes = file.each(
        top.get("external_codes"),
        "external_codes",
        lambda node, path, index: external_codes.read_external_code(file, node, path, index),
        key=external_codes.entry_key,
    )
    external_codes.check_targets(reader, codes)
    goals = file.each(top.get("goals"), "goals", file.goal)
    file.check_late_references(groups, indicators)
    return FrameworkSpec(
        initiative, dimensions, partners, groups, indicators, assignments, codes, goals
    )


def _pair(entry: AssignmentSpec):
    if entry.indicator is None or entry.partner is None:
        return None
    return (entry.indicator.code, entry.partner.code)


class _FileReader:
    """Reads the sections, remembering what each defines for the references that follow."""

    def __init__(self, reader: Reader):
        self.reader = reader
        self.months = SimpleNamespace(school_year_start_month=7, fiscal_year_start_month=7)
        self.dimension_values: dict[str, set[str]] = {}
        self.partner_codes: set[str] = set()
        self.partner_names: dict[str, int] = {}  # organization name → line
        self.group_codes: set[str] = set()
        self.indicator_codes: set[str] = set()
        self.indicator_types: dict[str, str] = {}  # indicator code → value type
        self.strategy_lines: dict[str, int] = {}  # strategy code → line, across all goals

    # Helpers ----------------------------------------------------------------------------------

    def each(self, node, path, read_one, key=lambda entry: entry.code) -> list:
        """Read every entry of a list section; entries with the same key are problems."""
        entries, seen = [], {}
        for index, item in enumerate(self.reader.sequence(node, path)):
            entry = read_one(item, join(path, index), index)
            if entry is None:
                continue
            entry_key = key(entry)
            if entry_key is not None and entry_key is not INVALID and entry_key in seen:
                where = entry.path if isinstance(entry_key, tuple) else join(entry.path, "code")
                self.reader.problem(
                    entry.line,
                    where,
                    f"{_show(entry_key)} is listed twice (see line {seen[entry_key]})",
                )
                continue
            seen[entry_key] = entry.line
            entries.append(entry)
        return entries

    def fields(self, found: dict, path: str, table, model=None) -> dict:
        """Model field values of the table's plain keys; a left-out key takes the default."""
        values = {}
        for spec in table:
            if spec.special or (model is not None and spec.model is not model):
                continue
            node = found.get(spec.key)
            value = spec.default() if node is None else self.value(node, join(path, spec.key), spec)
            values[spec.name] = value
        return values

    def value(self, node: Node, path: str, spec: schema.Field):
        read, model_field = self.reader, spec.model_field
        if spec.kind in ("text", "slug", "url"):
            method = {"text": read.text, "slug": read.slug, "url": read.url}[spec.kind]
            extra = {"required": spec.required} if spec.kind == "text" else {}
            return method(node, path, max_length=model_field.max_length, **extra)
        if spec.kind == "choice":
            return read.choice(node, path, spec.choices, blank=model_field.blank)
        if spec.kind == "int":
            return read.integer(node, path, minimum=spec.minimum, maximum=spec.maximum)
        if spec.kind == "decimal":
            return read.decimal(
                node, path, field=model_field, minimum=spec.minimum, positive=spec.positive
            )
        if spec.kind == "bool":
            return read.boolean(node, path)
        return read.date(node, path)

    def ref(self, node: Node | None, path: str, known, what: str, required=False) -> Ref | None:
        """A reference to a code this file defines, or ``None`` for a missing/empty value."""
        if node is None:
            return None
        code = self.reader.text(node, path, required=required)
        if code in (INVALID, ""):
            return None
        if code not in known:
            self.reader.problem(node, path, f"{shown(code)} is not {what} defined in this file")
        return Ref(code, line_of(node), path)

    def period(self, node: Node, path: str, frequency) -> str:
        code = self.reader.text(node, path, required=True)
        if code is INVALID:
            return INVALID
        try:
            parse_period_for(self.months, code, frequency if frequency is not INVALID else None)
        except PeriodError as exc:
            return self.reader.problem(node, path, str(exc).rstrip("."))
        return code

    def sort_order(self, found: dict, path: str, index: int) -> int:
        if "sort_order" not in found:
            return index
        return self.reader.integer(found["sort_order"], join(path, "sort_order"), minimum=0)

    # Sections ---------------------------------------------------------------------------------

    def initiative(self, node: Node | None) -> Entry:
        if node is None:
            return Entry("", 1, "initiative")
        found = (
            self.reader.mapping(
                node, "initiative", schema.keys(schema.INITIATIVE), required=("slug", "name")
            )
            or {}
        )
        values = self.fields(found, "initiative", schema.INITIATIVE)
        for name in ("school_year_start_month", "fiscal_year_start_month"):
            if values[name] is not INVALID:  # else periods are checked against the default
                setattr(self.months, name, values[name])
        return Entry(values["slug"], line_of(node), "initiative", values)

    def dimension(self, node: Node, path: str, index: int) -> DimensionSpec | None:
        found = self._mapping(node, path, schema.DIMENSION, required=("code", "name", "values"))
        if found is None:
            return None
        values = self.fields(found, path, schema.DIMENSION)
        spec = DimensionSpec(values["code"], line_of(node), path, values)
        values_path, node = join(path, "values"), found.get("values")
        if node is not None and (
            is_null(node) or (isinstance(node, SequenceNode) and not node.value)
        ):
            self.reader.problem(node, values_path, "must list at least one value")
        spec.values = self.each(found.get("values"), values_path, self.dimension_value)
        codes = {value.code for value in spec.values}
        for value in spec.values:
            if value.parent and value.parent.code not in codes:
                self.reader.problem(
                    value.parent.line,
                    value.parent.path,
                    f"'{value.parent.code}' is not a value of this dimension",
                )
        self._check_parent_cycles(spec.values)
        if spec.code is not INVALID:
            self.dimension_values[spec.code] = codes
        return spec

    def dimension_value(self, node: Node, path: str, index: int) -> ValueSpec | None:
        found = self._mapping(node, path, schema.DIMENSION_VALUE, required=("code", "name"))
        if found is None:
            return None
        values = self.fields(found, path, schema.DIMENSION_VALUE)
        values["sort_order"] = self.sort_order(found, path, index)
        parent = None
        if found.get("parent") is not None:
            code = self.reader.text(found["parent"], join(path, "parent"))
            if code not in (INVALID, ""):
                parent = Ref(code, line_of(found["parent"]), join(path, "parent"))
        return ValueSpec(values["code"], line_of(node), path, values, parent=parent)

    def partner(self, node: Node, path: str, index: int) -> PartnerSpec | None:
        found = self._mapping(node, path, schema.PARTNER, required=("code", "name", "sector"))
        if found is None:
            return None
        partnership = self.fields(found, path, schema.PARTNER, model=schema.Partnership)
        organization = self.fields(found, path, schema.PARTNER, model=schema.Organization)
        joined, left = partnership["joined_on"], partnership["left_on"]
        if joined and left and INVALID not in (joined, left) and left < joined:
            self.reader.problem(found["left_on"], join(path, "left_on"), "is before joined_on")
        code = partnership.pop("code")
        self.partner_codes.add(code)
        name = organization["name"]
        if name in self.partner_names:
            self.reader.problem(
                found["name"],
                join(path, "name"),
                f"'{name}' is listed twice (see line {self.partner_names[name]})",
            )
        elif name is not INVALID:
            self.partner_names[name] = line_of(found["name"])
        return PartnerSpec(
            code, line_of(node), path, partnership, _lines(found), organization=organization
        )

    def working_group(self, node: Node, path: str, index: int) -> WorkingGroupSpec | None:
        found = self._mapping(node, path, schema.WORKING_GROUP, required=("code", "name"))
        if found is None:
            return None
        values = self.fields(found, path, schema.WORKING_GROUP)
        members = [
            self.ref(item, item_path, self.partner_codes, "a partner")
            for _code, item, item_path in self.reader.codes(
                found.get("members"), join(path, "members")
            )
        ]
        shared = [  # checked once the indicators are read
            Ref(code, line_of(item), item_path)
            for code, item, item_path in self.reader.codes(
                found.get("shared_measures"), join(path, "shared_measures")
            )
        ]
        self.group_codes.add(values["code"])
        return WorkingGroupSpec(
            values["code"], line_of(node), path, values, members=members, shared_measures=shared
        )

    def indicator(self, node: Node, path: str, index: int) -> IndicatorSpec | None:
        required = [spec.key for spec in schema.INDICATOR if spec.required]
        found = self._mapping(node, path, schema.INDICATOR, required=required)
        if found is None:
            return None
        values = self.fields(found, path, schema.INDICATOR)
        values["sort_order"] = self.sort_order(found, path, index)
        spec = IndicatorSpec(values["code"], line_of(node), path, values, _lines(found))
        spec.owner_group = self.ref(
            found.get("owner_group"), join(path, "owner_group"), self.group_codes, "a working group"
        )
        if found.get("predicts") is not None:  # checked once all indicators are read
            code = self.reader.text(found["predicts"], join(path, "predicts"))
            if code not in (INVALID, ""):
                spec.predicts = Ref(code, line_of(found["predicts"]), join(path, "predicts"))
        spec.dimensions = [
            self.ref(item, item_path, set(self.dimension_values), "a dimension")
            for _code, item, item_path in self.reader.codes(
                found.get("dimensions"), join(path, "dimensions")
            )
        ]
        read_indicator_details(self, spec, found)
        return spec

    def assignment(self, node: Node, path: str, index: int) -> AssignmentSpec | None:
        found = self._mapping(node, path, schema.ASSIGNMENT, required=("indicator", "partner"))
        if found is None:
            return None
        spec = AssignmentSpec("", line_of(node), path, self.fields(found, path, schema.ASSIGNMENT))
        # Indicators are all read by now, so both references are checked at once.
        spec.indicator = self.ref(
            found.get("indicator"),
            join(path, "indicator"),
            self.indicator_codes,
            "an indicator",
            required=True,
        )
        spec.partner = self.ref(
            found.get("partner"),
            join(path, "partner"),
            self.partner_codes,
            "a partner",
            required=True,
        )
        return spec

    def goal(self, node: Node, path: str, index: int) -> GoalSpec | None:
        found = self._mapping(node, path, schema.GOAL, required=("code", "title"))
        if found is None:
            return None
        values = self.fields(found, path, schema.GOAL)
        values["sort_order"] = self.sort_order(found, path, index)
        spec = GoalSpec(values["code"], line_of(node), path, values, _lines(found))
        spec.indicators = self.indicator_refs(found, path)
        strategies_path = join(path, "strategies")
        spec.strategies = self.each(found.get("strategies"), strategies_path, self.strategy)
        for strategy in spec.strategies:
            if values["is_retired"] is True and strategy.fields["is_retired"] is False:
                self.reader.problem(
                    strategy.line,
                    join(strategy.path, "retired"),
                    "must be true: its goal is retired",
                )
        return spec

    def strategy(self, node: Node, path: str, index: int) -> StrategySpec | None:
        found = self._mapping(node, path, schema.STRATEGY, required=("code", "title"))
        if found is None:
            return None
        values = self.fields(found, path, schema.STRATEGY)
        values["sort_order"] = self.sort_order(found, path, index)
        code = values["code"]
        # Strategy codes are unique in the initiative, not only under one goal.
        if code in self.strategy_lines:
            self.reader.problem(
                found["code"],
                join(path, "code"),
                f"'{code}' is listed twice (see line {self.strategy_lines[code]})",
            )
            return None
        if code is not INVALID:
            self.strategy_lines[code] = line_of(node)
        spec = StrategySpec(code, line_of(node), path, values, _lines(found))
        spec.indicators = self.indicator_refs(found, path)
        return spec

    def indicator_refs(self, found: dict, path: str) -> list[Ref]:
        return [
            self.ref(item, item_path, self.indicator_codes, "an indicator")
            for _code, item, item_path in self.reader.codes(
                found.get("indicators"), join(path, "indicators")
            )
        ]

    def check_late_references(self, groups, indicators):
        """References to indicators, which may come later in the file than their use."""
        roles = {spec.code: spec.fields["role"] for spec in indicators}
        for group in groups:
            for ref in group.shared_measures:
                if ref.code not in roles:
                    self.reader.problem(
                        ref.line, ref.path, f"'{ref.code}' is not an indicator defined in this file"
                    )
        for spec in indicators:
            ref = spec.predicts
            if ref is None:
                continue
            if spec.fields["role"] not in (Indicator.Role.CONTRIBUTING, INVALID):
                self.reader.problem(
                    ref.line,
                    ref.path,
                    "only a contributing indicator predicts (role: contributing)",
                )
            elif ref.code not in roles:
                self.reader.problem(
                    ref.line, ref.path, f"'{ref.code}' is not an indicator defined in this file"
                )
            elif roles[ref.code] not in (Indicator.Role.CORE, INVALID):
                self.reader.problem(ref.line, ref.path, f"'{ref.code}' is not a core indicator")

    def _mapping(self, node, path, table, required):
        return self.reader.mapping(node, path, schema.keys(table), required=required)

    def _check_parent_cycles(self, values: list[ValueSpec]):
        parents = {value.code: value.parent.code for value in values if value.parent}
        for value in values:
            seen, code = [value.code], parents.get(value.code)
            while code is not None and code not in seen:
                seen.append(code)
                code = parents.get(code)
            if code == value.code:
                chain = " → ".join([*seen, code])
                self.reader.problem(
                    value.parent.line,
                    value.parent.path,
                    f"values cannot be their own ancestors ({chain})",
                )


def _lines(found: dict[str, Node]) -> dict[str, int]:
    return {key: line_of(node) for key, node in found.items()}


def _show(key) -> str:
    return " / ".join(f"'{part}'" for part in key) if isinstance(key, tuple) else f"'{key}'"
