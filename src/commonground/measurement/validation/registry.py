"""Everything needed to check one initiative's values, loaded once in a fixed number of queries.

Checking a value must never query the database: the importer checks up to a million rows and
must keep up with raw inserts. So the registry reads indicators, dimensions and their values,
partners, reporting assignments and series breaks up front (eight queries, however many of each
there are) and answers every later question from dictionaries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from commonground.initiatives.models import Partnership
from commonground.measurement.assignments import Assignment, assignments_for
from commonground.measurement.models import Dimension, DimensionValue, Indicator, SeriesBreak


@dataclass
class Registry:
    """An initiative's indicators, partners, cells and assignments, for validation."""

    initiative: object
    indicators_by_code: dict[str, Indicator]
    partnerships_by_code: dict[str, Partnership]
    indicators_by_id: dict[int, Indicator] = field(default_factory=dict)
    partnerships_by_id: dict[int, Partnership] = field(default_factory=dict)
    assignments: dict[tuple[int, int], Assignment] = field(default_factory=dict)
    # dimension code → name; (dimension code, value code) → name / parent value code.
    dimension_names: dict[str, str] = field(default_factory=dict)
    value_names: dict[tuple[str, str], str] = field(default_factory=dict)
    value_parents: dict[tuple[str, str], str | None] = field(default_factory=dict)
    # indicator id → {dimension code: {value codes}}.
    cells: dict[int, dict[str, set[str]]] = field(default_factory=dict)
    # (dimension code, parent value code or None) → the value codes directly under it.
    siblings: dict[tuple[str, str | None], frozenset[str]] = field(default_factory=dict)
    # indicator id → the periods at which its series restarts, in order.
    breaks: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, initiative, partnerships=None) -> "Registry":
        """Read the initiative's registry in eight queries.

        ``partnerships`` (objects or ids) limits partners and assignments to those — a single
        report's check need not read a thousand partners' assignments. Checking a value of a
        partner left out then finds ``unknown_partner``.
        """
        indicators = list(Indicator.objects.filter(initiative=initiative))
        partners = Partnership.objects.filter(initiative=initiative).select_related("organization")
        if partnerships is not None:
            partners = partners.filter(pk__in=[getattr(p, "pk", p) for p in partnerships])
        partners = list(partners)
        registry = cls(
            initiative=initiative,
            indicators_by_code={i.code: i for i in indicators},
            partnerships_by_code={p.code: p for p in partners},
            indicators_by_id={i.pk: i for i in indicators},
            partnerships_by_id={p.pk: p for p in partners},
            assignments=assignments_for(initiative, partners),
        )
        registry._load_cells(initiative)
        for indicator_id, period in SeriesBreak.objects.filter(
            indicator__initiative=initiative
        ).values_list("indicator_id", "period"):
            registry.breaks.setdefault(indicator_id, []).append(period)
        for periods in registry.breaks.values():
            periods.sort()
        return registry

    def _load_cells(self, initiative) -> None:
        rows = list(
            Dimension.objects.filter(initiative=initiative).values_list("pk", "code", "name")
        )
        dimensions = {pk: code for pk, code, _name in rows}
        self.dimension_names = {code: name for _pk, code, name in rows}
        values = list(
            DimensionValue.objects.filter(dimension__initiative=initiative).values_list(
                "pk", "dimension_id", "code", "name", "parent_id"
            )
        )
        codes_by_pk = {pk: (dimensions[dim], code) for pk, dim, code, _name, _parent in values}
        by_dimension = defaultdict(set)
        children = defaultdict(set)
        for pk, _dim, _code, name, parent_id in values:
            dim_code, code = codes_by_pk[pk]
            parent = codes_by_pk.get(parent_id)
            # A parent in another dimension would be a modelling slip: treat the value as top.
            parent_code = parent[1] if parent and parent[0] == dim_code else None
            self.value_names[(dim_code, code)] = name
            self.value_parents[(dim_code, code)] = parent_code
            by_dimension[dim_code].add(code)
            children[(dim_code, parent_code)].add(code)
        self.siblings = {key: frozenset(codes) for key, codes in children.items()}
        self.cells = {i: {} for i in self.indicators_by_id}
        for indicator_id, dimension_id in Indicator.dimensions.through.objects.filter(
            indicator__initiative=initiative
        ).values_list("indicator_id", "dimension_id"):
            code = dimensions[dimension_id]
            self.cells[indicator_id][code] = by_dimension.get(code, set())

    def assigned(self, partnership_id, indicator_id) -> bool:
        """Whether the partner reports the indicator, directly or through a working group."""
        return (partnership_id, indicator_id) in self.assignments

    def deadline_days(self, partnership_id, indicator_id) -> int | None:
        assignment = self.assignments.get((partnership_id, indicator_id))
        return assignment.deadline_days if assignment else None

    def allowed_cells(self, indicator_id) -> dict[str, set[str]]:
        """Dimension code → value codes the indicator may be broken down by."""
        return self.cells.get(indicator_id, {})

    def cell_label(self, pairs: dict[str, str]) -> str:
        """``{"race": "black", "sex": "f"}`` → ``"Black, Female"`` (codes for unknown names)."""
        return ", ".join(self.value_names.get((d, pairs[d]), pairs[d]) for d in sorted(pairs))

    def lazy_label(self, indicator: Indicator, pairs: dict[str, str]) -> "Label":
        """``label`` computed only if a message needs it: most values have nothing to say."""
        return Label(self, indicator, pairs)

    def label(self, indicator: Indicator, pairs: dict[str, str]) -> str:
        """The indicator's name and the cell's value names: ``"Graduation rate, Black"``."""
        if not pairs:
            return indicator.name
        return f"{indicator.name}, {self.cell_label(pairs)}"


class Label:
    """The label of an indicator and cell, written out when a message formats it."""

    __slots__ = ("indicator", "pairs", "registry")

    def __init__(self, registry: Registry, indicator: Indicator, pairs: dict[str, str]):
        self.registry, self.indicator, self.pairs = registry, indicator, pairs

    def __str__(self) -> str:
        return self.registry.label(self.indicator, self.pairs)
