"""What a checked framework file turns into: plain specs that ``apply`` writes as they are.

Each entry keeps where it was written (line and field path), for the problems found later
against the database (``conflicts``).
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Ref:
    """A code written in the file to name another object, and where."""

    code: str
    line: int
    path: str


@dataclass
class Entry:
    """One object of the file: its code, where it starts, and its model field values."""

    code: str
    line: int
    path: str
    fields: dict = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # the line of each key written

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass
class ValueSpec(Entry):
    parent: Ref | None = None


@dataclass
class DimensionSpec(Entry):
    values: list[ValueSpec] = field(default_factory=list)


@dataclass
class PartnerSpec(Entry):
    """``fields`` are the partnership's; ``organization`` the shared organization's."""

    organization: dict = field(default_factory=dict)


@dataclass
class WorkingGroupSpec(Entry):
    members: list[Ref] = field(default_factory=list)
    shared_measures: list[Ref] = field(default_factory=list)


@dataclass
class IndicatorSpec(Entry):
    predicts: Ref | None = None
    owner_group: Ref | None = None
    dimensions: list[Ref] = field(default_factory=list)
    targets: list[tuple[str, str, Decimal]] = field(default_factory=list)  # period, cell, value
    series_breaks: list[tuple[str, str]] = field(default_factory=list)  # period, note


@dataclass
class AssignmentSpec(Entry):
    indicator: Ref | None = None
    partner: Ref | None = None


@dataclass
class ExternalCodeSpec(Entry):
    """``fields``: system, kind, code and target (an indicator or partner code, or a cell key)."""


@dataclass
class StrategySpec(Entry):
    indicators: list[Ref] = field(default_factory=list)


@dataclass
class GoalSpec(Entry):
    indicators: list[Ref] = field(default_factory=list)
    strategies: list[StrategySpec] = field(default_factory=list)


@dataclass
class FrameworkSpec:
    initiative: Entry
    dimensions: list[DimensionSpec]
    partners: list[PartnerSpec]
    working_groups: list[WorkingGroupSpec]
    indicators: list[IndicatorSpec]
    assignments: list[AssignmentSpec]
    external_codes: list[ExternalCodeSpec] = field(default_factory=list)
    goals: list[GoalSpec] = field(default_factory=list)
