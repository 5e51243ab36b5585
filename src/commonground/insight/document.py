"""The report card document: every figure the report card shows, computed once (SPEC §3.2.8).

``build_report_card`` gathers, for one initiative (or one working group of it), each indicator's
aggregated series — the total, each disaggregation cell, and for indicators that are not
aggregated each partner's own — with its trend, turn-the-curve scorecard and forecast, equity
gaps, completeness and approval status; and the headlines "N of M indicators improving" and
"N of M gaps closing". The pages, the PDF, the CSV, the embed and ``commonground reportcard``
all render this one document, so they cannot disagree.

Where the figures come from:

* **Aggregated indicators** read only **rollups** (``insight.rollups``): a fixed number of
  queries whose size depends on indicators × periods × cells, never on the number of values or
  partners. ``Point.value`` of a rate is recomputed from the stored Σnumerator and Σdenominator
  (exact), other values are the stored aggregate.
* **Indicators with aggregation "none"** have no combined figure; their partners' series come
  from the approved raw values of those indicators' total cell only (one query). A partner-scope
  rollup would need a new column; these indicators are few and report one value per partner and
  period, so the read stays small.
* **Scope**: ``working_group=None`` is every partner; a working group's card shows the
  indicators it owns or shares, aggregated over its member partners only.

Trend, forecast and scorecard are computed on the total series (``trends.series_trend`` with the
series breaks placed by ``trends.period_position``); equity on the cells of the indicator's first
dimension (in the indicator's dimension order) at the latest period with cells, against
``Indicator.equity_reference`` or the best-off group. An indicator that is not aggregated has no
total, hence no trend of its own; its classification is its partners' common verdict — the same
class when every partner with a verdict agrees, "no clear trend" when they disagree, "not enough
data" when none has one — and it counts so in the headline.

**Public cards** (``public=True``) hold only published indicators, and every table is suppressed
before anything is computed from it: at each period the total and its cells (with every margin,
``suppression.lattice_groups``, and the geography hierarchy) go through
``suppression.suppress`` with k = ``initiative.suppression_threshold`` (counts and rates only —
means, amounts and scores are not counts of people; for rules that do not add up, max and min,
a withheld cell also withholds the totals above it). A withheld point keeps its period but loses
its value, numerator and denominator (``suppressed=True``); trends, forecasts, scorecards and gaps
of a public card are computed from the shown points only, so nothing is derived from a withheld
one. Partners' points of a non-aggregated indicator are withheld when small by
``privacy.is_small``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from commonground.initiatives.models import Initiative, Partnership, WorkingGroup
from commonground.insight import equity as equity_module
from commonground.insight import suppression, trends, turn_the_curve
from commonground.insight.aggregation import Aggregate
from commonground.insight.models import Rollup
from commonground.insight.privacy import is_small
from commonground.insight.rollups import COVERAGE, as_decimal, raw_rows
from commonground.measurement.cells import TOTAL, cell_key, parse_cell_key
from commonground.measurement.models import (
    DataValue,
    Indicator,
    ReportingAssignment,
    ReviewState,
    Submission,
)
from commonground.measurement.periods import PeriodError, parse_period_for

Aggregation = Indicator.Aggregation
ValueType = Indicator.ValueType
ADDITIVE = {Aggregation.SUM, Aggregation.RATIO_OF_SUMS, Aggregation.LATEST}


# --- the document --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One period of a series. ``suppressed``: withheld from a public card (no figures)."""

    period: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    reporters: int
    censored: int
    suppressed: bool = False

    @property
    def is_censored(self) -> bool:
        """Only censored values at this period: a value exists but is not a number."""
        return self.value is None and self.censored > 0 and not self.suppressed


@dataclass
class Series:
    """A line of the card: the total (key ``""``), a cell (its key) or ``partner:<code>``.

    ``trend`` is filled for partners' series of indicators that are not aggregated.
    """

    key: str
    label: str
    points: list[Point]  # oldest first
    trend: trends.SeriesTrend | None = None

    @property
    def shown(self) -> list[Point]:
        """The points with a value."""
        return [p for p in self.points if p.value is not None]

    @property
    def latest(self) -> Point | None:
        shown = self.shown
        return shown[-1] if shown else None


@dataclass
class IndicatorReport:
    indicator: Indicator
    total: Series | None  # None for aggregation "none"
    partners: list[Series]  # aggregation "none": one per partner
    cells: list[Series]  # one per disaggregation cell with data
    breaks: list[tuple[str, str]]  # (period, note)
    trend: trends.SeriesTrend | None  # on the total
    classification: str  # trends.TrendClass value
    latest: Point | None  # the total's latest point with a value
    baseline: tuple[str, Decimal] | None
    target: tuple[str, Decimal] | None
    scorecard: turn_the_curve.ScorecardRow | None
    forecast: turn_the_curve.ForecastCheck | None
    equity: equity_module.Equity | None
    completeness: tuple[int, int]  # (partners with approved data at the latest period, assigned)
    pending: int  # values awaiting review at the latest period or later
    last_updated: datetime | None
    latest_period: str | None = None  # the newest period with approved data
    periods: list[str] = field(default_factory=list)  # every period with data, oldest first
    suppressed: int = 0  # points withheld on a public card

    @property
    def combined(self) -> bool:
        return self.total is not None


@dataclass
class ReportCard:
    initiative: Initiative
    working_group: WorkingGroup | None
    public: bool
    indicators: list[IndicatorReport]
    improving: equity_module.Share
    gaps_closing: equity_module.Share
    generated_at: datetime


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    reporters: int
    censored: int


def _indicators(initiative, public: bool, working_group) -> list[Indicator]:
    indicators = Indicator.objects.filter(initiative=initiative).prefetch_related(
        "targets", "breaks", "dimensions__values"
    )
    if public:
        indicators = indicators.filter(is_published=True)
    if working_group is not None:
        indicators = indicators.filter(
            Q(owner_group=working_group) | Q(shared_by_groups=working_group)
        ).distinct()
    indicators = list(indicators)
    for indicator in indicators:
        indicator.initiative = initiative  # known: no query per indicator when it is read
    return indicators


def _rollups(indicators, working_group):
    """{indicator id: {(period, cell): figure}} and the newest update per indicator: two queries.

    The newest update is a GROUP BY of its own: converting every row's timestamp costs more than
    the figures.
    """
    figures: dict[int, dict[tuple[str, str], _Figure]] = defaultdict(dict)
    rollups = Rollup.objects.filter(indicator__in=indicators, working_group=working_group)
    query = rollups.values_list(
        "indicator_id",
        "period",
        "cell",
        "value",
        "numerator",
        "denominator",
        "reporters",
        "censored",
    )
    # Read with the driver's own types (``rollups.as_decimal``): Django's per-field converters
    # would cost more than everything else here.
    for indicator_id, period, cell, value, num, den, reporters, censored in raw_rows(query):
        figures[indicator_id][(period, cell)] = _Figure(
            as_decimal(value), as_decimal(num), as_decimal(den), reporters, censored
        )
    updated = dict(rollups.values_list("indicator_id").annotate(at=Max("updated_at")).order_by())
    return figures, updated


def _members(working_group) -> set[int] | None:
    if working_group is None:
        return None
    return set(working_group.partnerships.values_list("pk", flat=True))


def _partner_rows(indicators, members):
    """Approved total-cell values of the non-aggregated indicators, by indicator: one query."""
    ids = [i.pk for i in indicators if i.aggregation == Aggregation.NONE]
    rows = defaultdict(list)
    if not ids:
        return rows
    values = DataValue.objects.filter(
        indicator_id__in=ids, cell=TOTAL, review_state=ReviewState.APPROVED
    )
    if members is not None:
        values = values.filter(partnership_id__in=members)
    for row in values.values_list(
        "indicator_id",
        "partnership_id",
        "period",
        "value",
        "numerator",
        "denominator",
        "censor",
        "updated_at",
    ).order_by():
        rows[row[0]].append(row[1:])
    return rows


def _assigned_counts(indicators, working_group) -> dict[int, int]:
    """Partners that must report each indicator, directly or through a group: one query.

    Direct assignments are counted from their unique index; a group's members count when they
    are not also assigned directly (``NOT EXISTS``), so nobody counts twice and no list of
    assignments is read. For a working group's card, only its members.
    """
    ids = [i.pk for i in indicators]
    if not ids:
        return {}
    assignment = ReportingAssignment._meta.db_table
    shared = Indicator.shared_by_groups.through._meta.db_table
    members = WorkingGroup.partnerships.through._meta.db_table
    marks = ", ".join(["%s"] * len(ids))

    def scope(column: str) -> str:
        if working_group is None:
            return ""
        subquery = f"SELECT partnership_id FROM {members} WHERE workinggroup_id = %s"  # noqa: S608
        return f"AND {column} IN ({subquery})"

    sql = f"""
        SELECT a.indicator_id, COUNT(*) FROM {assignment} a
        WHERE a.indicator_id IN ({marks}) {scope("a.partnership_id")}
        GROUP BY a.indicator_id
        UNION ALL
        SELECT s.indicator_id, COUNT(DISTINCT m.partnership_id)
        FROM {shared} s JOIN {members} m ON m.workinggroup_id = s.workinggroup_id
        WHERE s.indicator_id IN ({marks}) {scope("m.partnership_id")}
          AND NOT EXISTS (
            SELECT 1 FROM {assignment} d
            WHERE d.indicator_id = s.indicator_id AND d.partnership_id = m.partnership_id
          )
        GROUP BY s.indicator_id
    """  # noqa: S608 — table names from the models, every value a parameter
    scope_params = [working_group.pk] if working_group is not None else []
    counts: dict[int, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *scope_params, *ids, *scope_params])
        for indicator_id, n in cursor.fetchall():
            counts[indicator_id] += n
    return dict(counts)


def _pending_counts(indicators, members) -> dict[int, dict[str, int]]:
    """Values in submitted reports awaiting review, by indicator and period: one query."""
    values = DataValue.objects.filter(
        indicator__in=indicators,
        review_state=ReviewState.PENDING,
        submission__status=Submission.Status.SUBMITTED,
    )
    if members is not None:
        values = values.filter(partnership_id__in=members)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for indicator_id, period, n in (
        values.values_list("indicator_id", "period").annotate(n=Count("pk")).order_by()
    ):
        counts[indicator_id][period] = n
    return counts


# --- building ------------------------------------------------------------------------------------


class _Periods:
    """Period codes of one initiative placed in time (cached)."""

    def __init__(self, initiative):
        self.initiative = initiative
        self._parsed = {}
        self._positions = {}

    def parse(self, code):
        if code not in self._parsed:
            try:
                self._parsed[code] = parse_period_for(self.initiative, code)
            except PeriodError:
                self._parsed[code] = None
        return self._parsed[code]

    def sort(self, codes) -> list[str]:
        return sorted((c for c in codes if self.parse(c)), key=lambda c: self.parse(c).start)

    def position(self, code) -> int | None:
        if code not in self._positions:
            period = self.parse(code)
            self._positions[code] = trends.period_position(period) if period else None
        return self._positions[code]


def _point(indicator, period, figure: _Figure) -> Point:
    value = figure.value
    if (
        indicator.aggregation == Aggregation.RATIO_OF_SUMS
        and figure.numerator is not None
        and figure.denominator
    ):
        # Exact from the exact parts, whatever precision the value column kept.
        value = figure.numerator / figure.denominator * indicator.scale_factor
    return Point(
        period, value, figure.numerator, figure.denominator, figure.reporters, figure.censored
    )


def _withheld(point: Point) -> Point:
    return Point(point.period, None, None, None, point.reporters, point.censored, suppressed=True)


def _table_cell(indicator, key, point: Point) -> suppression.Cell:
    if indicator.value_type == ValueType.RATE:
        return suppression.Cell(key, numerator=point.numerator, denominator=point.denominator)
    return suppression.Cell(key, count=point.value)


@lru_cache(maxsize=4096)
def _table_groups(keys: tuple, hierarchy: tuple, complete: bool) -> tuple[suppression.Group, ...]:
    """Every equation of one period's table: its margins, and its places' hierarchy.

    ``suppression.lattice_groups`` gives each margin (a cell = the sum of its breakdown by one
    more dimension). Along a dimension with a hierarchy only the top places break a margin down
    (a county and its towns are not siblings); each parent place is then its own group with its
    child places (``complete=False``: a directly reported parent need not equal its children).
    ``hierarchy`` is ``_frozen(parents)``; the result is remembered, tables repeat their shape.
    """
    parents = {dimension: dict(tree) for dimension, tree in hierarchy}
    groups = []
    for group in suppression.lattice_groups(keys, complete=complete):
        dimension = (set(parse_cell_key(group.members[0])) - set(parse_cell_key(group.total))).pop()
        tree = parents.get(dimension)
        if not tree:
            groups.append(group)
            continue
        tops = tuple(m for m in group.members if parse_cell_key(m)[dimension] not in tree)
        if tops:
            groups.append(suppression.Group(group.total, tops, group.complete))
    children = defaultdict(list)
    present = set(keys)
    for key in keys:
        pairs = parse_cell_key(key)
        for dimension, value in pairs.items():
            parent = parents.get(dimension, {}).get(value)
            if parent is not None:
                parent_key = cell_key({**pairs, dimension: parent})
                if parent_key in present:
                    children[parent_key].append(key)
    groups += [
        suppression.Group(total, tuple(members), complete=False)
        for total, members in sorted(children.items())
    ]
    return tuple(groups)


def _frozen(parents: dict[str, dict[str, str]]) -> tuple:
    """A hierarchy ({dimension: {value: parent}}) as a hashable key for the memos."""
    return tuple(sorted((d, tuple(sorted(tree.items()))) for d, tree in parents.items()))


def _suppress_period(indicator, points: dict[str, Point], k: int, parents: tuple) -> frozenset:
    """The keys of one period's table (total and cells) a public card withholds.

    ``parents``: the initiative's hierarchy, ``_frozen``.
    """
    if indicator.value_type not in (ValueType.COUNT, ValueType.RATE):
        return frozenset()
    rate = indicator.value_type == ValueType.RATE
    entries = tuple(
        (
            key,
            None if rate else point.value,
            point.numerator if rate else None,
            point.denominator if rate else None,
        )
        for key, point in points.items()
        if (
            (point.numerator is not None or point.denominator is not None)
            if rate
            else point.value is not None
        )
    )
    keys = tuple(entry[0] for entry in entries)
    groups = _table_groups(keys, parents, indicator.breakdown_complete)
    return _suppressed_keys(entries, indicator.aggregation in ADDITIVE, groups, k)


def _complement_is_small(indicator, period, table: dict[str, Point], everyone, k: int) -> bool:
    """Whether the all-partners figures minus this group's give a count below k for any cell.

    Subtracting a public working-group card from the public all-partners card yields the
    non-members' figures; when any of them is small, the group card withholds the whole period
    (conservative: the group's own complementary suppression cannot protect a difference taken
    across two cards).
    """
    rate = indicator.value_type == ValueType.RATE
    if indicator.value_type not in (ValueType.COUNT, ValueType.RATE):
        return False
    for key, point in table.items():
        whole = everyone.get((period, key))
        if whole is None:
            continue
        if rate:
            if None in (point.numerator, point.denominator, whole.numerator, whole.denominator):
                continue
            numerator = whole.numerator - point.numerator
            denominator = whole.denominator - point.denominator
            # The same test as privacy.is_small, for non-members when there are any.
            if denominator > 0 and min(numerator, denominator - numerator, denominator) < k:
                return True
        elif (
            point.value is not None
            and whole.value is not None
            and 0 < whole.value - point.value < k
        ):
            return True
    return False


def _as_exact_as_they_are(groups, cells) -> list[suppression.Group]:
    """Groups whose members happen to add up exactly to their total become equations.

    An attacker who guesses that a breakdown adds up (or that a parent place is its children's
    sum, as derived places are) knows more than ``complete=False`` grants; suppressing against
    the equation protects against that guess too. Groups with a member or total without a value
    keep their flag.
    """
    by_key = {cell.key: cell for cell in cells}
    result = []
    for group in groups:
        members = [by_key.get(m) for m in group.members]
        total = by_key.get(group.total)
        exact = group.complete
        if not exact and total is not None and all(m is not None for m in members):
            try:
                measures = total.measures()
                exact = all(
                    abs(sum(m.measures()[name] for m in members) - measures[name]) < 1e-9
                    for name in measures
                )
            except TypeError:  # a rate with one part unknown: no equation to guess
                exact = False
        result.append(suppression.Group(group.total, group.members, exact))
    return result


@lru_cache(maxsize=16384)
def _suppressed_keys(entries: tuple, additive: bool, groups: tuple, k: int) -> frozenset[str]:
    """Primary and complementary suppression of one table (memoized: the audit is costly)."""
    cells = [
        suppression.Cell(key, count=count, numerator=numerator, denominator=denominator)
        for key, count, numerator, denominator in entries
    ]
    keys = [cell.key for cell in cells]
    primary = {cell.key for cell in cells if cell.has_value and cell.is_small(k)}
    if not additive:
        # Max, min, weighted means do not add up: primary only, and the totals above a withheld
        # cell go too (a maximum equal to a shown member would tell the withheld one is lower).
        withheld = set(primary)
        for group in groups:
            if withheld & set(group.members):
                withheld.add(group.total)
        return frozenset(withheld)
    try:
        result = suppression.suppress(cells, _as_exact_as_they_are(groups, cells), k)
    except ValueError:
        # Cells that add up to more than their total (inconsistent reports): the equations do
        # not hold, so no complement can be chosen by them. Withhold every breakdown cell, and
        # the total too if it is small.
        return frozenset(key for key in keys if key != TOTAL or key in primary)
    if result.unprotected:
        return frozenset(keys)  # nothing left to hide the given-away cells behind: withhold all
    return result.suppressed


def _label(key: str, names: dict[tuple[str, str], str]) -> str:
    pairs = parse_cell_key(key)
    return " · ".join(names.get((d, v), v) for d, v in pairs.items())


def _observations(series: Series | None, periods: _Periods) -> tuple[trends.Observation, ...]:
    if series is None:
        return ()
    result = []
    for point in series.points:
        x = periods.position(point.period)
        if x is not None:
            result.append(trends.Observation(float(x), point.value, point.is_censored))
    return tuple(result)


# The statistics are pure functions of the series they are given (values, positions, polarity,
# breaks), and the series change only when approved data does: remembering the results for the
# same inputs lets a card that is read again between approvals skip the tests, and a change to
# one indicator recomputes that indicator only. Results are frozen dataclasses, safe to share.
@lru_cache(maxsize=8192)
def _series_trend(observations: tuple, polarity: str, breaks: tuple) -> trends.SeriesTrend:
    return trends.series_trend(observations, polarity, breaks=breaks)


@lru_cache(maxsize=4096)
def _beats_forecast(observations: tuple, polarity: str, breaks: tuple):
    return turn_the_curve.beats_forecast(observations, polarity, breaks=breaks)


@lru_cache(maxsize=4096)
def _equity_of(groups: tuple, polarity: str, reference: str | None, breaks: tuple):
    return equity_module.equity(dict(groups), polarity=polarity, reference=reference, breaks=breaks)


def clear_memos() -> None:
    """Forget remembered statistics (for benchmarks measuring the computation itself)."""
    for memo in (_series_trend, _beats_forecast, _equity_of, _suppressed_keys, _table_groups):
        memo.cache_clear()


def _target(indicator, latest_period: str | None, periods: _Periods):
    """The total's target for the latest period, else the nearest one after it."""
    targets = [t for t in indicator.targets.all() if t.cell == TOTAL and periods.parse(t.period)]
    if not targets:
        return None
    by_start = sorted(targets, key=lambda t: periods.parse(t.period).start)
    if latest_period is None or periods.parse(latest_period) is None:
        chosen = by_start[0]
    else:
        start = periods.parse(latest_period).start
        same = [t for t in by_start if t.period == latest_period]
        later = [t for t in by_start if periods.parse(t.period).start > start]
        chosen = (same or later or [None])[0]
    return (chosen.period, chosen.value) if chosen else None


def _own_figure(indicator, value, numerator, denominator, censor) -> tuple:
    """A partner's own figure: (value, censored) — a rate from its own parts."""
    if censor:
        return None, True
    if indicator.value_type == ValueType.RATE and numerator is not None and denominator:
        return numerator / denominator * indicator.scale_factor, False
    return value, False


def _partner_series(
    indicator, rows, names, periods, public, k
) -> tuple[list[Series], int, datetime | None]:
    by_partner = defaultdict(dict)
    updated = None
    for partnership_id, period, value, numerator, denominator, censor, at in rows:
        by_partner[partnership_id][period] = (value, numerator, denominator, censor)
        updated = at if updated is None or at > updated else updated
    result, withheld = [], 0
    breaks = [periods.position(b.period) for b in indicator.breaks.all()]
    for partnership_id, by_period in by_partner.items():
        code, name = names[partnership_id]
        points = []
        for period in periods.sort(by_period):
            value, numerator, denominator, censor = by_period[period]
            own, censored = _own_figure(indicator, value, numerator, denominator, censor)
            point = Point(period, own, numerator, denominator, 1, int(censored))
            if public and censored:
                point = Point(period, None, None, None, 1, 1)
            elif public and _small_partner_figure(indicator, point, k):
                point, withheld = _withheld(point), withheld + 1
            points.append(point)
        series = Series(f"partner:{code}", name, points)
        series.trend = _series_trend(
            _observations(series, periods),
            indicator.polarity,
            tuple(b for b in breaks if b is not None),
        )
        result.append(series)
    result.sort(key=lambda s: s.label)
    return result, withheld, updated


def _small_partner_figure(indicator, point: Point, k: int) -> bool:
    if indicator.value_type == ValueType.RATE:
        aggregate = Aggregate(
            point.value, 1, numerator=point.numerator, denominator=point.denominator
        )
        return is_small(aggregate, "rate", k)
    if indicator.value_type == ValueType.COUNT:
        return is_small(Aggregate(point.value, 1), "count", k)
    return False


def _common_classification(series: list[Series]) -> str:
    verdicts = {
        s.trend.classification
        for s in series
        if s.trend and s.trend.classification != trends.TrendClass.NOT_ENOUGH_DATA
    }
    if not verdicts:
        return trends.TrendClass.NOT_ENOUGH_DATA.value
    if len(verdicts) == 1:
        return trends.TrendClass(verdicts.pop()).value
    return trends.TrendClass.NO_CLEAR_TREND.value


def _headline_trend(report: IndicatorReport):
    if report.trend is not None:
        return report.trend
    return trends.Trend(
        classification=trends.TrendClass(report.classification),
        polarity=report.indicator.polarity,
        alpha=trends.DEFAULT_ALPHA,
        test=None,
        n=0,
        censored=0,
        missing=0,
        periods=0,
    )


def _equity(
    indicator, cells: list[Series], periods: _Periods, breaks
) -> equity_module.Equity | None:
    dimensions = list(indicator.dimensions.all())
    if not dimensions:
        return None
    first = dimensions[0].code
    groups = {}
    for series in cells:
        pairs = parse_cell_key(series.key)
        if list(pairs) == [first]:
            groups[pairs[first]] = _observations(series, periods)
    if len(groups) < 2:
        return None
    reference = indicator.equity_reference or None
    if reference not in groups:
        reference = None
    return _equity_of(tuple(groups.items()), indicator.polarity, reference, tuple(breaks))


def _cell_order(indicator):
    """Sort key for cell keys: the indicator's dimension order, then each value's order."""
    dimension_rank = {}
    value_rank = {}
    for d_index, dimension in enumerate(indicator.dimensions.all()):
        dimension_rank[dimension.code] = d_index
        for v_index, value in enumerate(dimension.values.all()):
            value_rank[(dimension.code, value.code)] = v_index

    def key(cell):
        pairs = parse_cell_key(cell)
        return (
            len(pairs),
            [(dimension_rank.get(d, 99), value_rank.get((d, v), 999), v) for d, v in pairs.items()],
        )

    return key


def _report(indicator, figures, context) -> IndicatorReport:
    periods: _Periods = context["periods"]
    public, k = context["public"], context["k"]
    codes = periods.sort({period for period, _ in figures})
    break_positions = [
        x for x in (periods.position(b.period) for b in indicator.breaks.all()) if x is not None
    ]
    aggregated = indicator.aggregation != Aggregation.NONE
    withheld_count = 0

    # Every period's table: total and cells.
    tables: dict[str, dict[str, Point]] = {code: {} for code in codes}
    for (period, cell), figure in figures.items():
        if cell != COVERAGE and period in tables:
            tables[period][cell] = _point(indicator, period, figure)
    for code in codes:
        table = tables[code]
        if public and aggregated:
            hidden = _suppress_period(indicator, table, k, context["parents"])
            everyone = context.get("everyone")
            if everyone and _complement_is_small(indicator, code, table, everyone, k):
                hidden = frozenset(table)
            withheld_count += sum(1 for key in hidden if key in table)
            table = {key: _withheld(p) if key in hidden else p for key, p in table.items()}
        tables[code] = table

    total = cells = None
    cells = []
    if aggregated:
        total_points = [tables[c][TOTAL] for c in codes if TOTAL in tables[c]]
        total = Series(TOTAL, indicator.name, total_points)
        cell_keys = {key for table in tables.values() for key in table if key != TOTAL}
        for key in sorted(cell_keys, key=_cell_order(indicator)):
            points = [tables[c][key] for c in codes if key in tables[c]]
            cells.append(Series(key, _label(key, context["value_names"]), points))

    partners, partner_updated = [], None
    if not aggregated:
        partners, hidden, partner_updated = _partner_series(
            indicator,
            context["partner_rows"].get(indicator.pk, []),
            context["partner_names"],
            periods,
            public,
            k,
        )
        withheld_count += hidden

    trend = forecast = scorecard = None
    latest = total.latest if total else None
    coverage_periods = [c for c in codes if (c, COVERAGE) in figures]
    partner_periods = {p.period for s in partners for p in s.points}
    latest_period = (periods.sort(set(coverage_periods) | partner_periods) or [None])[-1]
    baseline = None
    if indicator.baseline_value is not None:
        baseline = (indicator.baseline_period, indicator.baseline_value)
    target = _target(indicator, latest.period if latest else latest_period, periods)
    if total is not None:
        observations = _observations(total, periods)
        breaks = tuple(break_positions)
        trend = _series_trend(observations, indicator.polarity, breaks)
        forecast = _beats_forecast(observations, indicator.polarity, breaks)
        scorecard = turn_the_curve.scorecard_row(
            actual=latest.value if latest else None,
            target=target[1] if target else None,
            baseline=baseline[1] if baseline else None,
            trend=trend,
        )
        classification = trend.classification.value
    else:
        classification = _common_classification(partners)

    reporting = 0
    if latest_period is not None:
        coverage = figures.get((latest_period, COVERAGE))
        if coverage is not None:
            reporting = coverage.reporters
        else:
            reporting = sum(1 for s in partners for p in s.points if p.period == latest_period)
    pending_by_period = context["pending"].get(indicator.pk, {})
    start = periods.parse(latest_period).start if latest_period else None
    pending = sum(
        n
        for period, n in pending_by_period.items()
        if start is None or (periods.parse(period) and periods.parse(period).start >= start)
    )
    updated = context["updated"].get(indicator.pk)
    if partner_updated and (updated is None or partner_updated > updated):
        updated = partner_updated

    return IndicatorReport(
        indicator=indicator,
        total=total,
        partners=partners,
        cells=cells,
        breaks=[(b.period, b.note) for b in indicator.breaks.all()],
        trend=trend,
        classification=classification,
        latest=latest,
        baseline=baseline,
        target=target,
        scorecard=scorecard,
        forecast=forecast,
        equity=_equity(indicator, cells, periods, break_positions) if aggregated else None,
        completeness=(reporting, context["assigned"].get(indicator.pk, 0)),
        pending=pending,
        last_updated=updated,
        latest_period=latest_period,
        periods=periods.sort(set(codes) | partner_periods),
        suppressed=withheld_count,
    )


def build_report_card(initiative, *, public: bool, working_group=None) -> ReportCard:
    """The report card of ``initiative`` (or of one of its working groups).

    ``public``: published indicators only, with small-cell suppression (see the module
    docstring); otherwise every indicator, unsuppressed, for those allowed to see internal data.
    A fixed number of queries, whatever the number of indicators, periods, partners and values.
    """
    from commonground.insight.rollups import load_context

    indicators = _indicators(initiative, public, working_group)
    members = _members(working_group)
    figures, updated = _rollups(indicators, working_group)
    context = {
        "periods": _Periods(initiative),
        "public": public,
        "k": initiative.suppression_threshold,
        "updated": updated,
        "partner_rows": _partner_rows(indicators, members),
        "assigned": _assigned_counts(indicators, working_group),
        "pending": _pending_counts(indicators, members),
        "parents": _frozen(load_context([initiative.pk]).parents.get(initiative.pk, {})),
        "value_names": {
            (d.code, v.code): v.name
            for i in indicators
            for d in i.dimensions.all()
            for v in d.values.all()
        },
        "partner_names": {},
        # A public group card beside the public all-partners card: their difference is the
        # non-members' figure, which must not be small either (see _complement_is_small).
        "everyone": _rollups(indicators, None)[0] if public and working_group else {},
    }
    if context["partner_rows"]:
        context["partner_names"] = {
            p.pk: (p.code, p.organization.name)
            for p in Partnership.objects.filter(initiative=initiative).select_related(
                "organization"
            )
        }
    reports = [
        _report(i, figures.get(i.pk, {}), {**context, "everyone": context["everyone"].get(i.pk)})
        for i in indicators
    ]
    gaps = [g for r in reports if r.equity for g in r.equity.gaps]
    return ReportCard(
        initiative=initiative,
        working_group=working_group,
        public=public,
        indicators=reports,
        improving=equity_module.share_of_outcomes_improving(_headline_trend(r) for r in reports),
        gaps_closing=equity_module.share_of_gaps_closing(gaps),
        generated_at=timezone.now(),
    )


# --- JSON ----------------------------------------------------------------------------------------


def _exact(number: Decimal | None) -> str | None:
    """An exact figure (count, numerator, denominator, target) as a string without padding."""
    if number is None:
        return None
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _rounded(number, decimals: int) -> str | None:
    """A value as a string rounded to the indicator's decimals + 4 (half to even)."""
    if number is None:
        return None
    places = Decimal(1).scaleb(-(decimals + 4))
    return format(turn_the_curve.as_decimal(number).quantize(places), "f")


def _float(number) -> float | None:
    return None if number is None else float(number)


def _point_json(point: Point | None, decimals: int) -> dict | None:
    if point is None:
        return None
    return {
        "period": point.period,
        "value": _rounded(point.value, decimals),
        "numerator": _exact(point.numerator),
        "denominator": _exact(point.denominator),
        "reporters": point.reporters,
        "censored": point.censored,
        "suppressed": point.suppressed,
    }


def _series_json(series: Series | None, decimals: int) -> dict | None:
    if series is None:
        return None
    result = {
        "key": series.key,
        "label": series.label,
        "points": [_point_json(p, decimals) for p in series.points],
    }
    if series.trend is not None:
        result["trend"] = _trend_json(series.trend)
    return result


def _test_json(test: trends.MannKendall | None) -> dict | None:
    if test is None:
        return None
    return {
        "n": test.n,
        "s": test.s,
        "var_s": test.var_s,
        "z": test.z,
        "p": test.p,
        "tau_a": test.tau_a,
        "tau_b": test.tau_b,
        "slope": test.slope,
        "slope_ci": list(test.slope_ci) if test.slope_ci else None,
        "intercept": test.intercept,
    }


def _trend_json(trend: trends.SeriesTrend | None) -> dict | None:
    if trend is None:
        return None
    return {
        "classification": trend.classification.value,
        "has_break": trend.has_break,
        "periods_run": trend.periods_run,
        "segments": [
            {
                "classification": segment.classification.value,
                "start": segment.start,
                "end": segment.end,
                "n": segment.n,
                "censored": segment.censored,
                "missing": segment.missing,
                "periods": segment.periods,
                "test": _test_json(segment.test),
            }
            for segment in trend.segments
        ],
    }


def _scorecard_json(row: turn_the_curve.ScorecardRow | None, decimals: int) -> dict | None:
    if row is None:
        return None
    return {
        "actual": _rounded(row.actual, decimals),
        "target": _exact(row.target),
        "baseline": _exact(row.baseline),
        "percent_of_target": _rounded(row.percent_of_target, decimals),
        "variance_from_target": _rounded(row.variance_from_target, 4),
        "change_since_baseline": _rounded(row.change_since_baseline, 4),
        "current_trend": turn_the_curve.TrendClass(row.current_trend).value,
        "periods_run": row.periods_run,
        "has_break": row.has_break,
    }


def _forecast_json(check: turn_the_curve.ForecastCheck | None) -> dict | None:
    if check is None:
        return None
    forecast = check.forecast
    return {
        "x": check.x,
        "actual": check.actual,
        "forecast": None
        if forecast is None
        else {"value": forecast.value, "low": forecast.low, "high": forecast.high},
        "beats": check.beats,
        "position": check.position,
    }


def _equity_json(result: equity_module.Equity | None, decimals: int) -> dict | None:
    if result is None:
        return None
    return {
        "at": result.at,
        "reference": result.reference,
        "reference_value": _rounded(result.reference_value, decimals),
        "gaps": [
            {
                "group": gap.group,
                "value": _rounded(gap.value, decimals),
                "is_reference": gap.is_reference,
                "difference": _rounded(gap.difference, decimals),
                "ratio": _rounded(gap.ratio, 4),
                "trend": gap.trend.value if gap.trend else None,
                "gap_trend": _trend_json(gap.gap_trend),
            }
            for gap in result.gaps
        ],
    }


def _share_json(share: equity_module.Share) -> dict:
    return {"numerator": share.numerator, "denominator": share.denominator, "share": share.share}


def report_card_json(card: ReportCard) -> dict:
    """Every figure of the card as JSON-safe data.

    Numbers that are measured or derived from measurements are **strings**, so no precision is
    lost to binary floats: values (aggregates, actuals, gaps, percent of target) rounded to the
    indicator's decimals + 4 places, half to even; ratios and the variance and change fractions
    to 8 places; counts, numerators, denominators, baselines and targets exact. Test statistics
    (S, var S, z, p, τ, Sen's slope, forecasts, positions ``x``) are JSON numbers (floats, as
    computed). A withheld public point has ``"suppressed": true`` and no figures.
    """
    indicators = []
    for report in card.indicators:
        indicator = report.indicator
        decimals = indicator.decimals
        indicators.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "value_type": indicator.value_type,
                "aggregation": indicator.aggregation,
                "cumulative": indicator.cumulative,
                "polarity": indicator.polarity,
                "frequency": indicator.frequency,
                "decimals": decimals,
                "published": indicator.is_published,
                "story": indicator.story,
                "periods": report.periods,
                "latest_period": report.latest_period,
                "total": _series_json(report.total, decimals),
                "cells": [_series_json(s, decimals) for s in report.cells],
                "partners": [_series_json(s, decimals) for s in report.partners],
                "breaks": [{"period": p, "note": n} for p, n in report.breaks],
                "classification": report.classification,
                "trend": _trend_json(report.trend),
                "latest": _point_json(report.latest, decimals),
                "baseline": None
                if report.baseline is None
                else {"period": report.baseline[0], "value": _exact(report.baseline[1])},
                "target": None
                if report.target is None
                else {"period": report.target[0], "value": _exact(report.target[1])},
                "scorecard": _scorecard_json(report.scorecard, decimals),
                "forecast": _forecast_json(report.forecast),
                "equity": _equity_json(report.equity, decimals),
                "completeness": {
                    "reporting": report.completeness[0],
                    "assigned": report.completeness[1],
                },
                "pending": report.pending,
                "suppressed": report.suppressed,
                "last_updated": report.last_updated.isoformat() if report.last_updated else None,
            }
        )
    return {
        "initiative": {"slug": card.initiative.slug, "name": card.initiative.name},
        "working_group": card.working_group.code if card.working_group else None,
        "public": card.public,
        "generated_at": card.generated_at.isoformat(),
        "suppression_threshold": card.initiative.suppression_threshold,
        "headline": {
            "improving": _share_json(card.improving),
            "gaps_closing": _share_json(card.gaps_closing),
        },
        "indicators": indicators,
    }
