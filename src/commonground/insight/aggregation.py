"""Aggregating partners' values by each indicator's rule (SPEC §3.2.1).

Pure functions over plain rows: the rollups (``insight.rollups``) and ``verify-rollups`` both
call them, so what is stored and what is checked are computed by the same code. Rates aggregate
as Σnumerator ÷ Σdenominator — never the mean of percentages. Censored values (``<10``) are
excluded from every aggregate and counted, never read as numbers.

Three ways of combining, all by the indicator's rule:

* **across partners** — ``aggregate_period`` over one period's rows, one per reporter;
* **across working groups** — the same over the rows of the group's member partners only (the
  caller picks the rows; ``insight.rollups`` does it for every group);
* **across geography** — ``derive_parent_cells``: for a dimension whose values have parents
  (county ⊃ towns), a reporter's figure for a parent place is the one it reported for that place
  *directly*, or, when it reported none, the combination of its figures for the child places
  (recursively, deepest level first). So when no reporter reported the parent directly, the
  parent's cell aggregates all the children's cells; when some did, theirs is used as reported
  and the others' is built from their children, and nothing is counted twice. Children are
  assumed to partition the parent (places do); a child reported censored makes that
  reporter's derived parent censored, since the sum is then unknown.

Cumulative indicators (and the ``latest`` rule) carry each reporter's latest value so far,
cell by cell, into every later period it did not report; derivation of parent places happens on
those carried figures.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from commonground.measurement.cells import cell_key, parse_cell_key


@dataclass(frozen=True)
class ValueRow:
    """One approved value of one reporter for one period and cell."""

    partnership_id: int
    period: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    censored: bool = False
    cell: str = ""  # canonical cell key; "" is the total


@dataclass(frozen=True)
class Aggregate:
    value: Decimal | None
    reporters: int
    censored: int = 0
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _usable(rows, *fields):
    kept, censored = [], 0
    for row in rows:
        if row.censored:
            censored += 1
        elif all(getattr(row, f) is not None for f in fields):
            kept.append(row)
    return kept, censored


RULES = frozenset({"sum", "ratio_of_sums", "weighted_mean", "latest", "max", "min", "none"})


def aggregate_period(rows: list[ValueRow], rule: str, scale_factor: Decimal) -> Aggregate:
    """Combine one period's rows (one per reporter) by ``rule``."""
    if rule not in RULES:
        # Checked first: a misspelt rule must fail on an empty period too, not pass unnoticed.
        raise ValueError(f"Unknown aggregation rule {rule!r}")
    if rule == "ratio_of_sums":
        kept, censored = _usable(rows, "numerator", "denominator")
        numerator = sum((r.numerator for r in kept), Decimal(0))
        denominator = sum((r.denominator for r in kept), Decimal(0))
        value = numerator / denominator * scale_factor if denominator else None
        return Aggregate(value, len(kept), censored, numerator, denominator)
    if rule == "weighted_mean":
        kept, censored = _usable(rows, "value", "denominator")
        weight = sum((r.denominator for r in kept), Decimal(0))
        value = (
            sum((r.value * r.denominator for r in kept), Decimal(0)) / weight if weight else None
        )
        return Aggregate(value, len(kept), censored, denominator=weight or None)
    kept, censored = _usable(rows, "value")
    values = [r.value for r in kept]
    if not values or rule == "none":
        return Aggregate(None, len(kept), censored)
    if rule in ("sum", "latest"):
        value = sum(values, Decimal(0))
    elif rule == "max":
        value = max(values)
    else:
        value = min(values)
    return Aggregate(value, len(kept), censored)


def aggregate_series(
    rows: Iterable[ValueRow],
    *,
    rule: str,
    scale_factor: Decimal,
    cumulative: bool,
    period_order: dict[str, object],
) -> dict[str, Aggregate]:
    """Aggregate each period, in the order given by ``period_order`` (code → sort key).

    For cumulative indicators (and the ``latest`` rule) each reporter's latest value so far
    stands for it in every later period it did not report.
    """
    by_period: dict[str, dict[int, ValueRow]] = defaultdict(dict)
    for row in rows:
        by_period[row.period][row.partnership_id] = row
    periods = sorted(by_period, key=period_order.__getitem__)
    carry = cumulative or rule == "latest"
    latest: dict[int, ValueRow] = {}
    series = {}
    for period in periods:
        if carry:
            latest.update(by_period[period])
            current = list(latest.values())
        else:
            current = list(by_period[period].values())
        series[period] = aggregate_period(current, rule, scale_factor)
    return series


# --- cells and geography ----------------------------------------------------------------------

# {dimension code: {value code: parent value code}} for the values that have a parent.
Parents = Mapping[str, Mapping[str, str]]


def _depth(parents: Mapping[str, str], value: str) -> int:
    depth, seen = 0, {value}
    while value in parents:
        value = parents[value]
        if value in seen:  # a cycle in bad data must not hang the aggregation
            break
        seen.add(value)
        depth += 1
    return depth


def _combine_children(children: list[ValueRow], rule: str, key: str) -> ValueRow:
    """One reporter's figure for a parent place from its figures for the child places."""
    first = children[0]
    if any(c.censored for c in children):
        return ValueRow(first.partnership_id, first.period, None, censored=True, cell=key)

    def total(field):
        parts = [getattr(c, field) for c in children]
        return None if any(p is None for p in parts) else sum(parts, Decimal(0))

    values = [c.value for c in children if c.value is not None]
    numerator, denominator = total("numerator"), total("denominator")
    if rule in ("max", "min"):
        value = (max if rule == "max" else min)(values) if values else None
    elif rule == "weighted_mean":
        weighted = [c for c in children if c.value is not None and c.denominator is not None]
        weight = sum((c.denominator for c in weighted), Decimal(0))
        value = (
            sum((c.value * c.denominator for c in weighted), Decimal(0)) / weight
            if weight
            else None
        )
        numerator, denominator = None, weight if weighted else None
    else:
        value = sum(values, Decimal(0)) if values else None
    return ValueRow(first.partnership_id, first.period, value, numerator, denominator, cell=key)


def derive_parent_cells(cells: Mapping[str, ValueRow], parents: Parents, rule: str) -> dict:
    """One reporter's cells at one period, with the parent places it did not report directly.

    ``cells`` maps cell keys to the reporter's rows. For each dimension with a hierarchy (in
    code order), level by level from the deepest, the cells of one level that differ only in
    that dimension are combined into their parent's cell, unless the reporter has that cell
    already (reported directly, or derived before). See the module docstring.
    """
    result = dict(cells)
    for dimension in sorted(parents):
        tree = parents[dimension]
        levels: dict[int, dict[str, list[ValueRow]]] = defaultdict(lambda: defaultdict(list))
        parsed = {key: parse_cell_key(key) for key in result}
        for key, pairs in parsed.items():
            value = pairs.get(dimension)
            if value in tree:
                parent_key = cell_key({**pairs, dimension: tree[value]})
                levels[_depth(tree, value)][parent_key].append(result[key])
        # Deepest first; a parent made at one level joins the level above, so the loop runs
        # over every depth, not only those present at the start.
        for depth in range(max(levels, default=0), 0, -1):
            for parent_key, children in levels[depth].items():
                if parent_key in result:
                    continue
                result[parent_key] = _combine_children(children, rule, parent_key)
                # The new parent may itself have a parent one level up.
                pairs = parse_cell_key(parent_key)
                value = pairs[dimension]
                if value in tree:
                    grand = cell_key({**pairs, dimension: tree[value]})
                    levels[depth - 1][grand].append(result[parent_key])
    return result


def aggregate_cells(
    rows: Iterable[ValueRow],
    *,
    rule: str,
    scale_factor: Decimal,
    cumulative: bool,
    period_order: Mapping[str, object],
    parents: Parents | None = None,
) -> dict[tuple[str, str], Aggregate]:
    """Aggregate every (period, cell) of one indicator over the reporters whose rows are given.

    Like ``aggregate_series`` cell by cell: each period in ``period_order``'s order; for
    cumulative indicators (and the ``latest`` rule) each reporter's latest figure for a cell
    stands for it in later periods; parent places are derived per reporter
    (``derive_parent_cells``) when ``parents`` names hierarchies. Only periods with a report
    appear.
    """
    if rule not in RULES:
        raise ValueError(f"Unknown aggregation rule {rule!r}")
    by_period: dict[str, dict[tuple[int, str], ValueRow]] = defaultdict(dict)
    for row in rows:
        by_period[row.period][(row.partnership_id, row.cell)] = row
    carry = cumulative or rule == "latest"
    latest: dict[tuple[int, str], ValueRow] = {}
    result: dict[tuple[str, str], Aggregate] = {}
    for period in sorted(by_period, key=period_order.__getitem__):
        if carry:
            latest.update(by_period[period])
            current = latest
        else:
            current = by_period[period]
        per_reporter: dict[int, dict[str, ValueRow]] = defaultdict(dict)
        for (partner, cell), row in current.items():
            per_reporter[partner][cell] = row
        by_cell: dict[str, list[ValueRow]] = defaultdict(list)
        for cells in per_reporter.values():
            if parents:
                cells = derive_parent_cells(cells, parents, rule)
            for cell, row in cells.items():
                by_cell[cell].append(row)
        for cell, cell_rows in by_cell.items():
            result[(period, cell)] = aggregate_period(cell_rows, rule, scale_factor)
    return result
