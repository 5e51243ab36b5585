"""Small-cell suppression (SPEC §3.2.7): tests that try to recover withheld cells, and fail.

The attacker of these tests knows every shown cell, every sum (each total is the sum of its
members), that counts are never negative and that a numerator never exceeds its denominator. Three
independent attacks, none sharing code with the module:

1. subtraction — a group (total + members) with exactly one withheld cell gives it away;
2. linear algebra — a withheld cell is fixed by the equations together when its column of the
   equation matrix is not in the span of the other withheld cells' columns (numpy rank);
3. linear programming — the smallest and largest value each withheld cell can take under the
   equations and the bounds (scipy ``linprog``); equal means recovered.

What the module does not promise, and these tests do not check: that a withheld cell's range is
wide (it may be e.g. 1 to 4).
"""

from decimal import Decimal
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from commonground.insight.suppression import Cell, Group, lattice_groups, suppress
from commonground.measurement.cells import TOTAL, cell_key

K = 10


# --- the attacker ------------------------------------------------------------------------------


def measures(cell: Cell) -> dict[str, float]:
    if cell.numerator is not None or cell.denominator is not None:
        return {"numerator": float(cell.numerator), "denominator": float(cell.denominator)}
    return {"count": float(cell.count)}


def attack_system(cells, groups, withheld):
    """Unknowns (withheld cell, measure) and remainders; equations A·x = b; bounds."""
    by_key = {cell.key: cell for cell in cells}
    unknowns, rows, rhs = {}, [], []
    for index, group in enumerate(groups):
        total = by_key[group.total]
        members = [
            m
            for m in group.members
            if by_key[m].count is not None or by_key[m].numerator is not None
        ]
        if total.count is None and total.numerator is None:
            continue
        for measure in measures(total):
            row, known = {}, 0.0
            for key, sign in [(group.total, 1.0), *[(m, -1.0) for m in members]]:
                if key in withheld:
                    row[unknowns.setdefault((key, measure), len(unknowns))] = sign
                else:
                    known += sign * measures(by_key[key])[measure]
            if not group.complete:
                row[unknowns.setdefault((("rest", index), measure), len(unknowns))] = -1.0
            rows.append(row)
            rhs.append(-known)
    a = np.zeros((len(rows), len(unknowns)))
    for i, row in enumerate(rows):
        for j, value in row.items():
            a[i, j] = value
    # Inequalities: counts and numerators ≥ 0 (bounds); numerator ≤ denominator (rows).
    upper = []
    for (owner, measure), j in unknowns.items():
        if measure == "numerator":
            line = np.zeros(len(unknowns))
            line[j], line[unknowns[(owner, "denominator")]] = 1.0, -1.0
            upper.append(line)
    upper = np.array(upper) if upper else np.zeros((0, len(unknowns)))
    return unknowns, a, np.array(rhs), upper


def recovered_by_subtraction(cells, groups, withheld):
    by_key = {cell.key: cell for cell in cells}
    found = set()
    for group in groups:
        keys = [
            k
            for k in (group.total, *group.members)
            if by_key[k].count is not None or by_key[k].numerator is not None
        ]
        hidden = [k for k in keys if k in withheld]
        if group.total in keys and group.complete and len(hidden) == 1:
            found.add(hidden[0])
    return found


def recovered_by_linear_algebra(cells, groups, withheld):
    unknowns, a, _, _ = attack_system(cells, groups, withheld)
    if not unknowns:
        return set()
    rank = np.linalg.matrix_rank(a) if a.size else 0
    found = set()
    for (owner, _measure), j in unknowns.items():
        if not isinstance(owner, tuple) or owner[0] != "rest":
            others = np.delete(a, j, axis=1)
            if rank > (np.linalg.matrix_rank(others) if others.size else 0):
                found.add(owner)
    return found


def ranges(cells, groups, withheld):
    """{(cell, measure): (smallest, largest)} the attacker can prove."""
    unknowns, a, b, upper = attack_system(cells, groups, withheld)
    result = {}
    for (owner, measure), j in unknowns.items():
        if isinstance(owner, tuple) and owner[0] == "rest":
            continue
        bounds = []
        for sense in (1.0, -1.0):
            objective = np.zeros(len(unknowns))
            objective[j] = sense
            solved = linprog(
                objective,
                A_eq=a if a.size else None,
                b_eq=b if a.size else None,
                A_ub=upper if upper.size else None,
                b_ub=np.zeros(len(upper)) if upper.size else None,
                bounds=[(0, None)] * len(unknowns),
                method="highs",
            )
            if solved.status == 3:  # unbounded: nothing pins the cell
                bounds.append(-sense * np.inf)
                continue
            assert solved.status == 0, solved.message
            bounds.append(sense * solved.fun)
        result[(owner, measure)] = tuple(bounds)
    return result


def assert_protected(cells, groups, result, k=K):
    by_key = {cell.key: cell for cell in cells}
    withheld = set(result.suppressed)
    # Nothing small is shown.
    for cell in cells:
        if cell.key not in withheld and (cell.count is not None or cell.numerator is not None):
            assert not cell.is_small(k), f"{cell.key!r} is small and shown"
    # No group with a shown total has exactly one withheld member; no group has exactly one
    # withheld cell at all.
    for group in groups:
        present = [m for m in group.members if m in by_key and by_key[m].has_value]
        members_hidden = sum(m in withheld for m in present)
        if group.total not in withheld and by_key[group.total].has_value:
            assert members_hidden != 1, f"one withheld member under {group.total!r}"
    assert recovered_by_subtraction(cells, groups, withheld) == set()
    assert recovered_by_linear_algebra(cells, groups, withheld) == set()
    for (owner, measure), (low, high) in ranges(cells, groups, withheld).items():
        assert high - low > 1e-7, f"{owner!r} {measure} pinned to {low}"
    assert result.unprotected == frozenset()


# --- tables ------------------------------------------------------------------------------------


def two_way(matrix, rows="r", columns="c"):
    """A two-way table of counts with its row, column and grand totals, keyed as cells."""
    cells = []
    for i, line in enumerate(matrix):
        for j, value in enumerate(line):
            cells.append(Cell(cell_key({rows: f"{i}", columns: f"{j}"}), value))
        cells.append(Cell(cell_key({rows: f"{i}"}), sum(line)))
    for j in range(len(matrix[0])):
        cells.append(Cell(cell_key({columns: f"{j}"}), sum(line[j] for line in matrix)))
    cells.append(Cell(TOTAL, sum(map(sum, matrix))))
    return cells, lattice_groups([c.key for c in cells])


def one_way(counts, total=None, complete=True):
    cells = [Cell(f"g{i}", c) for i, c in enumerate(counts)]
    cells.append(Cell(TOTAL, sum(counts) if total is None else total))
    return cells, [Group(TOTAL, tuple(f"g{i}" for i in range(len(counts))), complete)]


def key(i, j):
    return cell_key({"r": f"{i}", "c": f"{j}"})


# --- hand-worked -------------------------------------------------------------------------------


def test_one_small_cell_takes_the_next_smallest_with_it():
    # 3 + 25 + 40 = 68: the 3 is small; shown alone, 68 − 25 − 40 would give it back, so the
    # 25 (the next smallest) is withheld too. 68 stays shown: 3 and 25 could be any a + b = 28.
    cells, groups = one_way([3, 25, 40])
    result = suppress(cells, groups, K)
    assert result.primary == {"g0"}
    assert result.complementary == {"g1"}
    assert result.reason("g1") == "complementary" and result.reason("g2") is None
    assert_protected(cells, groups, result)


def test_two_small_cells_protect_each_other():
    cells, groups = one_way([3, 4, 40])
    result = suppress(cells, groups, K)
    assert result.primary == {"g0", "g1"} and result.complementary == set()


def test_zero_is_shown_and_not_used_while_a_non_zero_cell_is_left():
    # The 0 is not small; as a complement it would hide the 3 only upwards (3 = a + b, b ≥ 0 is
    # the same as a ≤ 3), so the 12 is taken instead.
    cells, groups = one_way([3, 0, 12, 40])
    result = suppress(cells, groups, K)
    assert result.complementary == {"g2"}
    assert_protected(cells, groups, result)


def test_a_small_total():
    # 4 + 3 = 7: all three are small. Withheld together, nothing is shown to subtract from.
    cells, groups = one_way([4, 3])
    result = suppress(cells, groups, K)
    assert result.primary == {"g0", "g1", TOTAL}
    # 5 + 0 = 5: the total and the 5 are small, the 0 is shown; total = the 5, both withheld.
    cells, groups = one_way([5, 0])
    result = suppress(cells, groups, K)
    assert result.suppressed == {"g0", TOTAL}
    assert_protected(cells, groups, result)


def test_one_total_broken_down_two_ways():
    # 27 = 12 + 15 (by sex) = 27 + 0 (by place). With k = 30 every non-zero count is small;
    # the 0 stays shown, and the total equals the withheld 27 — two unknowns, one equation,
    # and 12 + 15 stays two unknowns as well.
    cells = [Cell("a", 12), Cell("b", 15), Cell(TOTAL, 27), Cell("x", 27), Cell("y", 0)]
    groups = [Group(TOTAL, ("a", "b")), Group(TOTAL, ("x", "y"))]
    result = suppress(cells, groups, k=30)  # everything non-zero below 30
    assert result.primary == {"a", "b", TOTAL, "x"}
    assert_protected(cells, groups, result, k=30)


def test_the_classic_two_by_two():
    #        x    y  | total
    #   a    3   50  |   53      the 3 is small: row a, column x each need a second cell,
    #   b   40   60  |  100      which then makes column y and row b need one: all four inner
    #   ----------------------   cells are withheld and every margin stays shown.
    #       43  110  |  153
    cells, groups = two_way([[3, 50], [40, 60]])
    result = suppress(cells, groups, K)
    assert result.primary == {key(0, 0)}
    assert result.complementary == {key(0, 1), key(1, 0), key(1, 1)}
    assert_protected(cells, groups, result)


def test_a_bridge_between_two_blocks_is_found_by_the_audit():
    # Rows 0–1 × columns 0–1 and rows 2–3 × columns 2–3 are two blocks of small cells, joined by
    # the small cell (1, 2). Every row and column has 0 or ≥ 2 withheld cells, so subtraction in
    # one line recovers nothing — but (rows 0 + 1) − (columns 0 + 1) leaves exactly (1, 2):
    # r0 + r1 − c0 − c1 = (0,2) + (0,3) + (1,2) + (1,3) − (2,0) − (2,1) − (3,0) − (3,1).
    small = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    matrix = [[4 if (i, j) in small else 30 + i + j for j in range(4)] for i in range(4)]
    cells, groups = two_way(matrix)
    primary = {key(i, j) for i, j in small}
    assert recovered_by_subtraction(cells, groups, primary) == set()
    assert recovered_by_linear_algebra(cells, groups, primary) == {key(1, 2)}
    result = suppress(cells, groups, K)
    assert result.primary == primary
    assert result.complementary  # at least one more cell closes a cycle through the bridge
    assert_protected(cells, groups, result)


def test_a_total_of_zero_pins_its_members():
    #        x   y | total
    #   a    0   0 |   0     The 3s are small; the group rule withholds the 0s under them
    #   b    3   3 |   6     (no non-zero member is left). Row a's shown 0 then says both 0s
    #   -------------------  are 0, and column x gives 3 back. The audit sees the bound and
    #        3   3 |   6     withholds more.
    cells, groups = two_way([[0, 0], [3, 3]])
    result = suppress(cells, groups, K)
    assert_protected(cells, groups, result)
    assert result.suppressed >= {key(1, 0), key(1, 1)}


def test_rates_follow_is_small():
    # 945 of 1,056 graduated: shown. 8 of 40: 8 < 10. 95 of 100: only 5 did not graduate.
    # 0 of 30: "nobody" is small for a rate. The total 1,048 of 1,226 has both parts ≥ 10.
    cells = [
        Cell("a", numerator=945, denominator=1056),
        Cell("b", numerator=8, denominator=40),
        Cell("c", numerator=95, denominator=100),
        Cell("d", numerator=0, denominator=30),
        Cell(TOTAL, numerator=1048, denominator=1226),
    ]
    groups = [Group(TOTAL, ("a", "b", "c", "d"))]
    result = suppress(cells, groups, K)
    assert result.primary == {"b", "c", "d"}
    assert result.complementary == set()
    assert_protected(cells, groups, result)


def test_a_rate_alone_under_its_total_takes_a_partner():
    cells = [
        Cell("a", numerator=300, denominator=1000),
        Cell("b", numerator=60, denominator=200),
        Cell("c", numerator=3, denominator=50),
        Cell(TOTAL, numerator=363, denominator=1250),
    ]
    groups = [Group(TOTAL, ("a", "b", "c"))]
    result = suppress(cells, groups, K)
    assert (result.primary, result.complementary) == ({"c"}, {"b"})  # b has the smaller base
    assert_protected(cells, groups, result)


def test_an_incomplete_breakdown_leaves_an_unknown_remainder():
    # 3 + 25 + 40 = 68 of a total of 80 (12 people of no listed group). With complete=False the
    # 3 cannot be had by subtraction alone, but the group rule still withholds a partner:
    # members and total are treated as one equation either way, which is the safe side.
    cells, groups = one_way([3, 25, 40], total=80, complete=False)
    result = suppress(cells, groups, K)
    assert result.suppressed == {"g0", "g1"}
    assert_protected(cells, groups, result)


def test_missing_cells_take_no_part():
    # "g1" has no value (not reported): the total is 3 + 40, so the 3 needs the 40.
    cells = [Cell("g0", 3), Cell("g1"), Cell("g2", 40), Cell(TOTAL, 43)]
    groups = [Group(TOTAL, ("g0", "g1", "g2"))]
    result = suppress(cells, groups, K)
    assert result.suppressed == {"g0", "g2"}
    assert not result.is_suppressed("g1")


def test_a_hierarchy_of_places():
    # State = two counties; each county = its districts. District d3 (4) is small: its county
    # total shows, so the next-smallest district of that county (d4, 20) goes too.
    cells = [
        Cell("state", 170),
        Cell("north", 90),
        Cell("south", 80),
        *[Cell(f"d{i}", v) for i, v in enumerate([40, 50, 56, 4, 20])],
    ]
    groups = [
        Group("state", ("north", "south")),
        Group("north", ("d0", "d1")),
        Group("south", ("d2", "d3", "d4")),
    ]
    result = suppress(cells, groups, K)
    assert (result.primary, result.complementary) == ({"d3"}, {"d4"})
    assert_protected(cells, groups, result)


def test_inconsistent_or_malformed_tables_are_refused():
    with pytest.raises(ValueError, match="add up"):
        suppress(*one_way([3, 25, 40], total=70), K)
    with pytest.raises(ValueError, match="add up"):
        suppress(*one_way([3, 25, 40], total=60, complete=False), K)
    with pytest.raises(ValueError, match="unknown cell"):
        suppress([Cell(TOTAL, 5)], [Group(TOTAL, ("nowhere",))], K)
    with pytest.raises(ValueError, match="twice"):
        suppress([Cell("a", 5), Cell("a", 6)], [], K)
    with pytest.raises(ValueError, match="mixes"):
        suppress([Cell("a", 5), Cell(TOTAL, numerator=5, denominator=9)], [Group(TOTAL, ("a",))], K)


def test_lattice_groups_of_a_two_way_table():
    keys = [TOTAL, "race=a", "race=b", "sex=f", "sex=m"] + [
        cell_key({"race": r, "sex": s}) for r in "ab" for s in "fm"
    ]
    groups = {(g.total, g.members) for g in lattice_groups(keys)}
    assert groups == {
        (TOTAL, ("race=a", "race=b")),
        (TOTAL, ("sex=f", "sex=m")),
        ("race=a", ("race=a;sex=f", "race=a;sex=m")),
        ("race=b", ("race=b;sex=f", "race=b;sex=m")),
        ("sex=f", ("race=a;sex=f", "race=b;sex=f")),
        ("sex=m", ("race=a;sex=m", "race=b;sex=m")),
    }


def test_decimal_counts():
    cells, groups = one_way([Decimal("3"), Decimal("25.5"), Decimal("40")])
    result = suppress(cells, groups, K)
    assert result.suppressed == {"g0", "g1"}


# --- properties: random tables, every attack fails ---------------------------------------------

# Counts that are often small, sometimes zero.
counts = st.one_of(st.integers(0, 12), st.integers(0, 60))
thresholds = st.integers(2, 12)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.lists(counts, min_size=1, max_size=8), thresholds)
def test_one_way_tables(values, k):
    cells, groups = one_way(values)
    assert_protected(cells, groups, suppress(cells, groups, k), k)


@PROPERTY
@given(
    st.integers(2, 4).flatmap(
        lambda rows: st.integers(2, 4).flatmap(
            lambda cols: st.lists(
                st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
            )
        )
    ),
    thresholds,
)
def test_two_way_tables_with_margins(matrix, k):
    cells, groups = two_way(matrix)
    assert_protected(cells, groups, suppress(cells, groups, k), k)


@PROPERTY
@given(st.lists(counts, min_size=12, max_size=12), thresholds)
def test_three_way_tables_with_every_margin(values, k):
    # 2 × 3 × 2 cells with all one- and two-way margins and the total (lattice_groups).
    inner = dict(zip(product("ab", "xyz", "fm"), values, strict=True))
    totals = {}
    for (a, b, c), value in inner.items():
        for mask in product([True, False], repeat=3):
            label = tuple(v if keep else None for v, keep in zip((a, b, c), mask, strict=True))
            totals[label] = totals.get(label, 0) + value
    cells = [
        Cell(cell_key({d: v for d, v in zip(("p", "q", "s"), label, strict=True) if v}), value)
        for label, value in totals.items()
    ]
    groups = lattice_groups([c.key for c in cells])
    assert len(cells) == 3 * 4 * 3
    assert_protected(cells, groups, suppress(cells, groups, k), k)


rates = st.integers(0, 60).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d)))


@PROPERTY
@given(st.lists(st.lists(rates, min_size=3, max_size=3), min_size=2, max_size=3), thresholds)
def test_two_way_tables_of_rates(matrix, k):
    cells = []
    for i, line in enumerate(matrix):
        for j, (n, d) in enumerate(line):
            cells.append(Cell(key(i, j), numerator=n, denominator=d))
        cells.append(
            Cell(f"r={i}", numerator=sum(n for n, _ in line), denominator=sum(d for _, d in line))
        )
    for j in range(3):
        column = [line[j] for line in matrix]
        cells.append(
            Cell(
                f"c={j}", numerator=sum(n for n, _ in column), denominator=sum(d for _, d in column)
            )
        )
    everyone = [pair for line in matrix for pair in line]
    cells.append(
        Cell(TOTAL, numerator=sum(n for n, _ in everyone), denominator=sum(d for _, d in everyone))
    )
    groups = lattice_groups([c.key for c in cells])
    assert_protected(cells, groups, suppress(cells, groups, k), k)


@PROPERTY
@given(st.lists(st.lists(counts, min_size=1, max_size=3), min_size=1, max_size=3), thresholds)
def test_hierarchies(counties, k):
    cells, groups, county_keys = [], [], []
    for c, districts in enumerate(counties):
        keys = [f"d{c}.{i}" for i in range(len(districts))]
        cells += [Cell(name, value) for name, value in zip(keys, districts, strict=True)]
        cells.append(Cell(f"county{c}", sum(districts)))
        groups.append(Group(f"county{c}", tuple(keys)))
        county_keys.append(f"county{c}")
    cells.append(Cell("state", sum(map(sum, counties))))
    groups.append(Group("state", tuple(county_keys)))
    assert_protected(cells, groups, suppress(cells, groups, k), k)


@PROPERTY
@given(st.lists(counts, min_size=1, max_size=6), st.integers(0, 30), thresholds)
def test_incomplete_breakdowns(values, rest, k):
    cells, groups = one_way(values, total=sum(values) + rest, complete=False)
    assert_protected(cells, groups, suppress(cells, groups, k), k)


@PROPERTY
@given(
    st.lists(st.lists(counts, min_size=3, max_size=3), min_size=3, max_size=3),
    thresholds,
)
def test_suppression_only_grows_with_k(matrix, k):
    cells, groups = two_way(matrix)
    lower = suppress(cells, groups, k)
    assert lower.primary <= suppress(cells, groups, k + 3).primary
