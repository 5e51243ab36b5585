"""Rollups: the aggregates of approved data, kept in step inside the transaction that changes it.

A rollup (``insight.models.Rollup``) is one aggregate of one indicator at one period for one cell,
over all partners of the initiative (``working_group`` empty) or over the member partners of one
working group. The report card reads only rollups, so its cost does not grow with the number of
values stored (SPEC §3.2.2, §6).

What is stored for each (indicator, period, scope):

* one row per cell with data — the total (``""``), each disaggregation cell reported, and the
  parent places derived from child places (``aggregation.derive_parent_cells``) — holding the
  aggregate by the indicator's rule (``aggregation.aggregate_cells``): value, Σnumerator,
  Σdenominator, reporters counted and censored values left out;
* one **coverage** row, cell ``"*"`` (``COVERAGE``; never a cell key, which is ``dim=value;…``
  or ``""``): ``reporters`` is the number of partners with any approved value at that period in
  that scope, not carried forward. The report card's completeness reads it.

Indicators that are not aggregated (rule ``none``) get rows too (no value, but the reporters and
censored counts). Keeping them in step:

* ``refresh_rollups(indicator_ids, periods)`` recomputes exactly those pairs from the approved
  raw values, in a bounded number of queries whatever the number of cells, partners and scopes;
* ``refresh_for_submission`` / ``refresh_for_values`` are what the review service calls after
  approve, approve values and reopen, in the same transaction;
* for cumulative indicators (and the ``latest`` rule) a value carries into later periods, so a
  change at one period recomputes every later period of the indicator as well;
* ``verify_rollups`` recomputes everything from the raw values and reports (or fixes) drift.

Concurrency: ``refresh_rollups`` locks the indicators' rows (``SELECT … FOR UPDATE``, in id
order) before reading values, so two approvals touching the same indicator refresh one after the
other and the second reads the first one's committed values (PostgreSQL's READ COMMITTED takes a
new snapshot per statement; SQLite serializes writers with ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.utils import timezone

from commonground.initiatives.models import WorkingGroup
from commonground.insight.aggregation import Aggregate, ValueRow, aggregate_cells
from commonground.insight.models import Rollup
from commonground.measurement.models import DataValue, DimensionValue, Indicator, ReviewState
from commonground.measurement.periods import PeriodError, parse_period_for

COVERAGE = "*"
ALL_PARTNERS = None  # the scope "every partner of the initiative" (working_group empty)

# (indicator id, period, cell, working group id or None)
Key = tuple[int, str, str, int | None]

_VALUE_PLACES = Decimal(1).scaleb(-Rollup._meta.get_field("value").decimal_places)
_PART_PLACES = Decimal(1).scaleb(-Rollup._meta.get_field("numerator").decimal_places)
_FIGURES = ("value", "numerator", "denominator", "reporters", "censored")


# --- what aggregation needs besides the values ---------------------------------------------------


@dataclass
class Context:
    """Per initiative: its geography hierarchies and its working groups' member partners."""

    parents: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)
    groups: dict[int, dict[int, frozenset[int]]] = field(default_factory=dict)


def load_context(initiative_ids: Iterable[int]) -> Context:
    """Hierarchies and group memberships of these initiatives, in two queries."""
    ids = set(initiative_ids)
    context = Context()
    hierarchy = DimensionValue.objects.filter(
        dimension__initiative_id__in=ids, parent__isnull=False
    ).values_list("dimension__initiative_id", "dimension__code", "code", "parent__code")
    for initiative_id, dimension, value, parent in hierarchy:
        context.parents.setdefault(initiative_id, {}).setdefault(dimension, {})[value] = parent
    members = WorkingGroup.partnerships.through.objects.filter(
        workinggroup__initiative_id__in=ids
    ).values_list("workinggroup__initiative_id", "workinggroup_id", "partnership_id")
    groups: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for initiative_id, group_id, partnership_id in members:
        groups[initiative_id][group_id].add(partnership_id)
    context.groups = {
        i: {g: frozenset(m) for g, m in by_group.items()} for i, by_group in groups.items()
    }
    return context


def period_start(initiative, code: str) -> date | None:
    """Where a period code falls in time (None for a code that is not a period)."""
    try:
        return parse_period_for(initiative, code).start
    except PeriodError:
        return None


def carries_forward(indicator) -> bool:
    """Whether a value stands for later periods too (so a change reaches later rollups)."""
    return indicator.cumulative or indicator.aggregation == Indicator.Aggregation.LATEST


# --- computing -----------------------------------------------------------------------------------


def compute_indicator(
    indicator,
    rows: list[ValueRow],
    context: Context,
    *,
    periods: set[str] | None = None,
    scopes: Iterable[int | None] | None = None,
) -> dict[Key, Aggregate]:
    """Every rollup of one indicator from its approved ``rows`` (all partners, any period).

    ``periods``: keep only these periods (the rows must still include the earlier periods a
    cumulative indicator carries from). ``scopes``: working group ids, ``None`` for all
    partners; default every scope. Pure: no query.
    """
    initiative = indicator.initiative
    starts = {}
    for row in rows:
        if row.period not in starts:
            starts[row.period] = period_start(initiative, row.period)
    order = {code: start for code, start in starts.items() if start is not None}
    rows = [row for row in rows if row.period in order]
    groups = context.groups.get(indicator.initiative_id, {})
    if scopes is None:
        scopes = [ALL_PARTNERS, *sorted(groups)]
    result: dict[Key, Aggregate] = {}
    for scope in scopes:
        if scope is ALL_PARTNERS:
            scoped = rows
        else:
            members = groups.get(scope, frozenset())
            scoped = [row for row in rows if row.partnership_id in members]
        if not scoped:
            continue
        aggregates = aggregate_cells(
            scoped,
            rule=indicator.aggregation,
            scale_factor=indicator.scale_factor,
            cumulative=indicator.cumulative,
            period_order=order,
            parents=context.parents.get(indicator.initiative_id),
        )
        for (period, cell), aggregate in aggregates.items():
            if periods is None or period in periods:
                result[(indicator.pk, period, cell, scope)] = aggregate
        reporting: dict[str, set[int]] = defaultdict(set)
        for row in scoped:
            reporting[row.period].add(row.partnership_id)
        for period, partners in reporting.items():
            if periods is None or period in periods:
                result[(indicator.pk, period, COVERAGE, scope)] = Aggregate(None, len(partners))
    return result


def as_decimal(number) -> Decimal | None:
    """A stored decimal as the database driver returns it: Decimal, or on SQLite int, float, text.

    SQLite keeps a decimal with a fraction as a REAL made from its text of at most 15
    significant digits; the shortest repr of that REAL is that text again, so nothing is made
    up. Reading rows this way skips Django's per-field converters, the larger part of the cost.
    """
    if number is None or isinstance(number, Decimal):
        return number
    if isinstance(number, float):
        return Decimal(repr(number))
    return Decimal(number)


def raw_rows(query):
    """The rows of a ``values_list`` queryset as the driver returns them (see ``as_decimal``)."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``__in=[]``: nothing to read, no query
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor


def approved_rows(values) -> dict[int, list[ValueRow]]:
    """Read approved values (a ``DataValue`` queryset) as rows, by indicator id: one query."""
    rows = defaultdict(list)
    fields = ("indicator_id", "partnership_id", "period", "cell", "value", "numerator")
    query = (
        values.filter(review_state=ReviewState.APPROVED)
        .values_list(*fields, "denominator", "censor")
        .order_by()
    )
    for indicator_id, partner, period, cell, value, numerator, denominator, censor in raw_rows(
        query
    ):
        rows[indicator_id].append(
            ValueRow(
                partner,
                period,
                as_decimal(value),
                as_decimal(numerator),
                as_decimal(denominator),
                bool(censor),
                cell,
            )
        )
    return rows


# --- storing -------------------------------------------------------------------------------------


def _quantize(number: Decimal | None, places: Decimal) -> Decimal | None:
    return None if number is None else number.quantize(places)


def stored_figures(aggregate: Aggregate) -> dict:
    """An aggregate as the rollup row stores it (rounded to the columns' decimal places)."""
    return {
        "value": _quantize(aggregate.value, _VALUE_PLACES),
        "numerator": _quantize(aggregate.numerator, _PART_PLACES),
        "denominator": _quantize(aggregate.denominator, _PART_PLACES),
        "reporters": aggregate.reporters,
        "censored": aggregate.censored,
    }


def _same_number(stored, expected) -> bool:
    if stored is None or expected is None:
        return stored is expected
    stored = Decimal(stored)
    if stored == expected:
        return True
    # SQLite keeps a decimal column as a REAL (15–17 significant digits) when it has a fraction:
    # a long quotient can come back one unit off in its 16th digit. That is storage, not drift.
    return abs(stored - expected) <= abs(expected) * Decimal("1e-14")


def differs(row: Rollup, figures: dict) -> bool:
    """Whether a stored row differs from the figures it should hold."""
    return any(not _same_number(getattr(row, f), figures[f]) for f in _FIGURES[:3]) or any(
        getattr(row, f) != figures[f] for f in _FIGURES[3:]
    )


@dataclass
class Changes:
    """What one write did (or, for ``verify_rollups``, found)."""

    checked: int = 0  # rows compared: stored or expected
    missing: list[Key] = field(default_factory=list)
    extra: list[Key] = field(default_factory=list)
    different: list[Key] = field(default_factory=list)

    @property
    def drift(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.different)

    def add(self, other: Changes) -> None:
        self.checked += other.checked
        self.missing += other.missing
        self.extra += other.extra
        self.different += other.different


def _key(row: Rollup) -> Key:
    return (row.indicator_id, row.period, row.cell, row.working_group_id)


def _compare(stored: Iterable[Rollup], computed: dict[Key, Aggregate]):
    """(changes, rows to create, rows to update, ids to delete) turning ``stored`` into computed."""
    changes = Changes()
    expected = {key: stored_figures(aggregate) for key, aggregate in computed.items()}
    creates, updates, deletes = [], [], []
    now = timezone.now()
    seen = set()
    for row in stored:
        key = _key(row)
        changes.checked += 1
        figures = expected.get(key)
        if figures is None:
            changes.extra.append(key)
            deletes.append(row.pk)
            continue
        seen.add(key)
        if differs(row, figures):
            changes.different.append(key)
            for name, number in figures.items():
                setattr(row, name, number)
            row.updated_at = now
            updates.append(row)
    for key, figures in expected.items():
        if key not in seen:
            changes.checked += 1
            changes.missing.append(key)
            indicator_id, period, cell, group = key
            creates.append(
                Rollup(
                    indicator_id=indicator_id,
                    period=period,
                    cell=cell,
                    working_group_id=group,
                    updated_at=now,
                    **figures,
                )
            )
    return changes, creates, updates, deletes


def _write(stored: Iterable[Rollup], computed: dict[Key, Aggregate]) -> Changes:
    changes, creates, updates, deletes = _compare(stored, computed)
    # Deletes first: a row recreated under the same key must not meet its old self.
    for start in range(0, len(deletes), 500):
        Rollup.objects.filter(pk__in=deletes[start : start + 500]).delete()
    Rollup.objects.bulk_update(updates, [*_FIGURES, "updated_at"], batch_size=500)
    Rollup.objects.bulk_create(creates, batch_size=500)
    return changes


# --- keeping in step -----------------------------------------------------------------------------


@transaction.atomic
def refresh_rollups(indicator_ids: Iterable[int], periods: Iterable[str]) -> Changes:
    """Recompute the rollups of every (indicator, period) in ``indicator_ids`` × ``periods``.

    The API for every path that changes approved data — approval, approval of single values,
    reopening, and the import engine's approve path (call it with the indicators and periods the
    import touched, inside the import's transaction). It recomputes those pairs from the
    approved raw values — every cell, all partners and each working group — creates the rows
    that now have data, updates the changed ones and deletes the rows left without data. For
    cumulative indicators (and the ``latest`` rule) every later period of the indicator is
    recomputed too, since the values carry into them.

    Queries: a fixed number (lock the indicators, context, values, stored rows, writes in batches
    of 500), whatever the number of indicators, periods, cells and partners. Runs in the caller's
    transaction (or its own). Returns what changed.
    """
    indicator_ids, periods = set(indicator_ids), set(periods)
    if not indicator_ids or not periods:
        return Changes()
    # Locking the indicators serializes refreshes of the same indicators (see module docstring).
    indicators = list(
        Indicator.objects.select_for_update(of=("self",))
        .select_related("initiative")
        .filter(pk__in=indicator_ids)
        .order_by("pk")
    )
    context = load_context({i.initiative_id for i in indicators})
    carrying = {i.pk for i in indicators if carries_forward(i)}
    plain = {i.pk for i in indicators} - carrying
    rows = approved_rows(DataValue.objects.filter(indicator_id__in=plain, period__in=periods))
    rows.update(approved_rows(DataValue.objects.filter(indicator_id__in=carrying)))
    stored_query = Rollup.objects.filter(indicator_id__in=plain, period__in=periods)
    stored_rows = list(stored_query) + list(Rollup.objects.filter(indicator_id__in=carrying))

    wanted: dict[int, set[str]] = {}
    for indicator in indicators:
        wanted[indicator.pk] = set(periods)
        if indicator.pk in carrying:
            wanted[indicator.pk] = _with_later_periods(
                indicator, periods, rows.get(indicator.pk, []), stored_rows
            )
    stored_rows = [row for row in stored_rows if row.period in wanted[row.indicator_id]]
    computed: dict[Key, Aggregate] = {}
    for indicator in indicators:
        computed.update(
            compute_indicator(
                indicator, rows.get(indicator.pk, []), context, periods=wanted[indicator.pk]
            )
        )
    return _write(stored_rows, computed)


def _with_later_periods(indicator, periods, rows, stored_rows) -> set[str]:
    """The periods asked for and every later period with values or rollups."""
    starts = [period_start(indicator.initiative, p) for p in periods]
    starts = [s for s in starts if s is not None]
    if not starts:
        return set(periods)
    first = min(starts)
    known = {row.period for row in rows}
    known |= {row.period for row in stored_rows if row.indicator_id == indicator.pk}
    later = {p for p in known if (start := period_start(indicator.initiative, p)) and start > first}
    return set(periods) | later


def refresh_for_submission(submission) -> Changes:
    """Refresh the rollups a report's values take part in (after approve or reopen).

    Every indicator with a value in the report, at the report's period: call it after the
    state change, in the same transaction.
    """
    indicator_ids = set(
        DataValue.objects.filter(submission=submission).values_list("indicator_id", flat=True)
    )
    return refresh_rollups(indicator_ids, [submission.period])


def refresh_for_values(values: Iterable[DataValue]) -> Changes:
    """Refresh the rollups of these values' indicators and periods (after approving some)."""
    by_period: dict[str, set[int]] = defaultdict(set)
    for value in values:
        by_period[value.period].add(value.indicator_id)
    changes = Changes()
    for period, indicator_ids in by_period.items():
        changes.add(refresh_rollups(indicator_ids, [period]))
    return changes


def refresh_indicators(indicator_ids: Iterable[int]) -> Changes:
    """Recompute every rollup of these indicators, at every period.

    For changes that touch all periods: an indicator's aggregation rule, scale factor or
    cumulative flag, a dimension hierarchy, a working group's members.
    """
    indicator_ids = set(indicator_ids)
    periods = set(
        DataValue.objects.filter(indicator_id__in=indicator_ids)
        .values_list("period", flat=True)
        .distinct()
    )
    periods |= set(
        Rollup.objects.filter(indicator_id__in=indicator_ids)
        .values_list("period", flat=True)
        .distinct()
    )
    return refresh_rollups(indicator_ids, periods)


# --- checking ------------------------------------------------------------------------------------


def verify_rollups(
    initiatives=None, *, fix: bool = False, progress: Callable[[str], None] | None = None
) -> Changes:
    """Recompute every rollup from the raw approved values in memory and compare with the stored.

    ``initiatives``: limit to these (default every initiative). One indicator at a time, so
    memory holds one indicator's values. With ``fix``, the stored rows are made right (each
    indicator in its own transaction). Returns the drift found: rows missing, extra, different.
    """
    indicators = Indicator.objects.select_related("initiative").order_by("initiative_id", "pk")
    if initiatives is not None:
        indicators = indicators.filter(initiative__in=initiatives)
    indicators = list(indicators)
    context = load_context({i.initiative_id for i in indicators})
    found = Changes()
    for indicator in indicators:
        with transaction.atomic():
            if fix:
                Indicator.objects.select_for_update(of=("self",)).filter(pk=indicator.pk).first()
            rows = approved_rows(DataValue.objects.filter(indicator=indicator))
            computed = compute_indicator(indicator, rows.get(indicator.pk, []), context)
            stored = Rollup.objects.filter(indicator=indicator)
            if fix:
                changes = _write(list(stored), computed)
            else:
                changes = _compare(stored.iterator(chunk_size=2000), computed)[0]
        found.add(changes)
        if progress:
            progress(f"{indicator.initiative.slug} {indicator.code}: {changes.drift} drifted")
    return found
