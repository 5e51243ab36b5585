"""Small-cell suppression of a table with its totals (SPEC §3.2.7).

A public table may not show a count below the initiative's threshold k, nor let one be worked out
from what it does show. Two steps:

1. **Primary suppression** withholds every cell that is small by ``privacy.is_small`` — for a
   count, 0 < count < k (zero is shown: "nobody" is not a person to protect); for a rate,
   numerator < k or denominator − numerator < k (or a part unknown).
2. **Complementary suppression** withholds more cells until no withheld cell can be derived:

   a. *Group rule.* Every total with its members is one equation, total = Σ members. An
      equation with exactly one withheld cell gives that cell away by subtraction, so another
      cell of the group is withheld too: the smallest shown member (non-zero members first —
      a withheld 0 protects in one direction only), or the total when no member is left. This
      repeats until no group has exactly one withheld cell, across every group a cell belongs
      to (rows, columns, margins, levels of a hierarchy).
   b. *Audit.* A cell can also be derived from several equations together (in a two-way table,
      a "bridge" between two blocks of withheld cells), or be pinned by the fact that counts are
      never negative (a shown total of 0 says all its members are 0). The audit solves the
      attacker's problem exactly: the values the withheld cells could take, given the shown
      cells, every equation, counts ≥ 0 and 0 ≤ numerator ≤ denominator, form a polyhedron; a
      cell is given away when it has one value on the whole polyhedron. One linear programme
      finds the inequalities that hold with equality everywhere (the polyhedron's implicit
      equalities), and the null space of the equations with those added tells which values are
      fixed. Each given-away cell gets one more complement (the smallest cell of its groups that
      frees it, else the smallest) and both steps run again until nothing is given away.

Statistical agencies call step 1 primary and step 2 complementary (secondary) suppression (Cox
1980, JASA 75: 377–385); the audit answers the question their linear-programming disclosure
audits ask — can a withheld cell be pinned down? — exactly, instead of by ranges.

What this does not promise: a withheld cell may still be *bounded* (e.g. known to lie between 1
and 4), and a reader who knows this algorithm may reason about which cells were chosen as
complements. The protection is against exact recovery (docs/insight-methods.md).

Totals must add up: ``Group.complete=True`` (the default) says members add up exactly to the
total; ``complete=False`` (a breakdown with an unreported remainder, e.g. an "unknown" race not
listed) says they add up to at most the total. Cells without a value (``count`` and parts all
``None``) are not shown and take no part in any sum.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from commonground.insight.aggregation import Aggregate
from commonground.insight.privacy import is_small
from commonground.measurement.cells import cell_key, parse_cell_key

# Complements tried per given-away cell before falling back to the smallest one.
_TRIALS = 8
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Cell:
    """One cell of a table: a count, or a rate given by its numerator and denominator."""

    key: Hashable
    count: Decimal | int | float | None = None
    numerator: Decimal | int | float | None = None
    denominator: Decimal | int | float | None = None

    @property
    def is_rate(self) -> bool:
        return self.numerator is not None or self.denominator is not None

    @property
    def has_value(self) -> bool:
        return self.count is not None or self.is_rate

    @property
    def size(self) -> float:
        """How many people the cell stands for: the count, or the rate's denominator."""
        if self.is_rate:
            return float(self.denominator if self.denominator is not None else self.numerator)
        return float(self.count)

    def is_small(self, k: int) -> bool:
        if self.is_rate:
            aggregate = Aggregate(
                None, 1, numerator=_dec(self.numerator), denominator=_dec(self.denominator)
            )
            return is_small(aggregate, "rate", k)
        return is_small(Aggregate(_dec(self.count), 1), "count", k)

    def measures(self) -> dict[str, float]:
        """The additive quantities of the cell: {"count"} or {"numerator", "denominator"}."""
        if self.is_rate:
            return {"numerator": float(self.numerator), "denominator": float(self.denominator)}
        return {"count": float(self.count)}


def _dec(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@dataclass(frozen=True)
class Group:
    """A total and the cells that add up to it (exactly, or at most when not ``complete``)."""

    total: Hashable
    members: tuple[Hashable, ...]
    complete: bool = True


@dataclass(frozen=True)
class Suppression:
    """Which cells a public output withholds, and why."""

    primary: frozenset = field(default_factory=frozenset)
    complementary: frozenset = field(default_factory=frozenset)
    # Withheld cells that could still be derived because no shown cell was left to withhold;
    # expected empty. Callers should withhold the whole table when it is not.
    unprotected: frozenset = field(default_factory=frozenset)

    @property
    def suppressed(self) -> frozenset:
        return self.primary | self.complementary

    def is_suppressed(self, key: Hashable) -> bool:
        return key in self.primary or key in self.complementary

    def reason(self, key: Hashable) -> str | None:
        if key in self.primary:
            return "primary"
        if key in self.complementary:
            return "complementary"
        return None


class _Table:
    """The cells and the equations between them, checked once."""

    def __init__(self, cells: Iterable[Cell], groups: Iterable[Group]):
        self.cells: dict[Hashable, Cell] = {}
        for cell in cells:
            if cell.key in self.cells:
                raise ValueError(f"The cell {cell.key!r} is given twice.")
            self.cells[cell.key] = cell
        self.order = {key: index for index, key in enumerate(self.cells)}
        self.groups: list[Group] = []
        for group in groups:
            self._check(group)
            present = tuple(m for m in group.members if self.cells[m].has_value)
            if self.cells[group.total].has_value:
                self.groups.append(Group(group.total, present, group.complete))
        self.groups_of: dict[Hashable, list[Group]] = {key: [] for key in self.cells}
        for group in self.groups:
            for key in (group.total, *group.members):
                self.groups_of[key].append(group)

    def _check(self, group: Group) -> None:
        keys = (group.total, *group.members)
        for key in keys:
            if key not in self.cells:
                raise ValueError(f"The group of {group.total!r} names an unknown cell {key!r}.")
        if len(set(keys)) != len(keys):
            raise ValueError(f"The group of {group.total!r} names a cell twice.")
        present = [self.cells[key] for key in keys if self.cells[key].has_value]
        if len({cell.is_rate for cell in present}) > 1:
            raise ValueError(f"The group of {group.total!r} mixes counts and rates.")
        if not self.cells[group.total].has_value:
            return
        for cell in present:
            if cell.is_rate and (cell.numerator is None or cell.denominator is None):
                raise ValueError(f"The rate {cell.key!r} needs both parts to take part in a sum.")
        total = self.cells[group.total].measures()
        for measure, value in total.items():
            parts = sum(
                self.cells[m].measures()[measure] for m in group.members if self.cells[m].has_value
            )
            slack = value - parts
            scale = max(1.0, abs(value))
            if slack < -_TOLERANCE * scale or (group.complete and slack > _TOLERANCE * scale):
                raise ValueError(
                    f"The members of {group.total!r} do not add up to it ({measure}: "
                    f"{parts:g} against {value:g})."
                )

    def preference(self, key: Hashable):
        """Cheapest complement first: non-zero before zero, then smaller, then table order."""
        size = self.cells[key].size
        return (size == 0, size, self.order[key])


def suppress(cells: Iterable[Cell], groups: Iterable[Group], k: int) -> Suppression:
    """Primary and complementary suppression of a table (see the module's docstring)."""
    table = _Table(cells, groups)
    primary = {key for key, cell in table.cells.items() if cell.has_value and cell.is_small(k)}
    withheld = set(primary)
    unprotected: set = set()
    while True:
        _apply_group_rule(table, withheld)
        exposed = _given_away(table, withheld)
        if not exposed:
            break
        complement = _complement_for(table, withheld, exposed)
        if complement is None:
            unprotected = exposed
            break
        withheld.add(complement)
    return Suppression(
        primary=frozenset(primary),
        complementary=frozenset(withheld - primary),
        unprotected=frozenset(unprotected),
    )


def _apply_group_rule(table: _Table, withheld: set) -> None:
    changed = True
    while changed:
        changed = False
        for group in table.groups:
            keys = (group.total, *group.members)
            if sum(key in withheld for key in keys) != 1:
                continue
            shown_members = [m for m in group.members if m not in withheld]
            if shown_members:
                withheld.add(min(shown_members, key=table.preference))
            elif group.total not in withheld:
                withheld.add(group.total)
            else:
                continue
            changed = True


def _complement_for(table: _Table, withheld: set, exposed: set):
    """A shown cell whose withholding frees a given-away cell (the first in table order)."""
    for target in sorted(exposed, key=table.order.__getitem__):
        near = {
            key
            for group in table.groups_of[target]
            for key in (group.total, *group.members)
            if key not in withheld
        }
        if not near:
            near = {
                key
                for group in table.groups
                if any(k in withheld for k in (group.total, *group.members))
                for key in (group.total, *group.members)
                if key not in withheld
            }
        if not near:
            continue
        candidates = sorted(near, key=table.preference)
        for candidate in candidates[:_TRIALS]:
            if target not in _given_away(table, withheld | {candidate}):
                return candidate
        return candidates[0]
    return None


def _given_away(table: _Table, withheld: set) -> set:
    """Withheld cells that take one value only, given everything shown (see module docstring)."""
    groups = [g for g in table.groups if any(k in withheld for k in (g.total, *g.members))]
    if not groups:
        return set()
    variables: dict[tuple, int] = {}  # (cell key or ("remainder", i), measure) → column

    def column(owner, measure) -> int:
        return variables.setdefault((owner, measure), len(variables))

    equations = []  # (coefficients {column: coefficient}, right-hand side)
    for index, group in enumerate(groups):
        for measure in table.cells[group.total].measures():
            coefficients: dict[int, float] = {}
            rhs = 0.0
            for key, sign in ((group.total, 1.0), *((m, -1.0) for m in group.members)):
                if key in withheld:
                    coefficients[column(key, measure)] = sign
                else:
                    rhs -= sign * table.cells[key].measures()[measure]
            if not group.complete:
                coefficients[column(("remainder", index), measure)] = -1.0
            equations.append((coefficients, rhs))
    inequalities = []  # coefficient rows g with g·y ≥ 0: counts ≥ 0, 0 ≤ numerator ≤ denominator
    for (owner, measure), col in variables.items():
        if measure in ("count", "numerator"):
            inequalities.append({col: 1.0})
        if measure == "numerator":
            inequalities.append({variables[(owner, "denominator")]: 1.0, col: -1.0})

    size = len(variables)
    e = np.zeros((len(equations), size))
    b = np.zeros(len(equations))
    for row, (coefficients, rhs) in enumerate(equations):
        for col, value in coefficients.items():
            e[row, col] = value
        b[row] = rhs
    g = np.zeros((len(inequalities), size))
    for row, coefficients in enumerate(inequalities):
        for col, value in coefficients.items():
            g[row, col] = value

    fixed = np.zeros(size, dtype=bool)
    # Unknowns that share no equation are separate problems: solving them one by one keeps the
    # dense algebra small (a county's districts never meet another county's).
    links = csr_matrix(np.abs(np.vstack([e, g])))
    _, component = connected_components(links.T @ links, directed=False)
    for label in np.unique(component):
        columns = np.flatnonzero(component == label)
        rows = np.flatnonzero(np.abs(e[:, columns]).sum(axis=1))
        bounds = np.flatnonzero(np.abs(g[:, columns]).sum(axis=1))
        fixed[columns] = _fixed(e[np.ix_(rows, columns)], b[rows], g[np.ix_(bounds, columns)])
    return {
        owner for (owner, _measure), col in variables.items() if fixed[col] and owner in table.cells
    }


def _fixed(e: np.ndarray, b: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Which unknowns take a single value on {y : e·y = b, g·y ≥ 0}."""
    tight = _implicit_equalities(e, b, g)
    system = np.vstack([e, g[tight]]) if tight.any() else e
    if not system.size:
        return np.zeros(e.shape[1], dtype=bool)
    basis = null_space(system)
    if not basis.size:
        return np.ones(e.shape[1], dtype=bool)
    return np.all(np.abs(basis) < 1e-8, axis=1)


def _implicit_equalities(e: np.ndarray, b: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Which rows of g·y ≥ 0 hold with equality at every y with e·y = b.

    Maximise Σ tⱼ subject to e·y = λb, g·y ≥ t, 0 ≤ t ≤ 1, λ ≥ 1 (y free). A point of the relative
    interior, scaled up, makes every inequality that *can* be slack at least 1, so at the optimum
    tⱼ = 1 exactly for those and tⱼ = 0 for the implicit equalities.
    """
    n_vars, n_ineq = e.shape[1], g.shape[0]
    if n_ineq == 0:
        return np.zeros(0, dtype=bool)
    objective = np.concatenate([np.zeros(n_vars), -np.ones(n_ineq), [0.0]])
    a_eq = np.hstack([e, np.zeros((e.shape[0], n_ineq)), -b[:, None]])
    a_ub = np.hstack([-g, np.eye(n_ineq), np.zeros((n_ineq, 1))])
    bounds = [(None, None)] * n_vars + [(0.0, 1.0)] * n_ineq + [(1.0, None)]
    result = linprog(
        objective,
        A_ub=a_ub,
        b_ub=np.zeros(n_ineq),
        A_eq=a_eq,
        b_eq=np.zeros(e.shape[0]),
        bounds=bounds,
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"The suppression audit could not be solved: {result.message}")
    return result.x[n_vars : n_vars + n_ineq] < 0.5


def lattice_groups(cell_keys: Iterable[str], *, complete: bool = True) -> list[Group]:
    """The groups of a table of canonical cell keys (``race=black;sex=f``; ``""`` the total).

    Every cell that leaves out a dimension is the total of the cells that add one value of that
    dimension to it: the total of each race, of each sex, each race × sex total of its ages, and
    so on for any number of dimensions. Geography hierarchies (a value with a parent) are not
    covered: give their groups explicitly.
    """
    members: dict[tuple[str, str], list[str]] = {}
    keys = list(cell_keys)
    present = set(keys)
    for key in keys:
        pairs = parse_cell_key(key)
        for dimension in pairs:
            parent = cell_key({d: v for d, v in pairs.items() if d != dimension})
            members.setdefault((parent, dimension), []).append(key)
    return [
        Group(parent, tuple(children), complete)
        for (parent, _dimension), children in sorted(members.items())
        if parent in present
    ]
