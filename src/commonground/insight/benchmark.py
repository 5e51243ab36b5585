"""Partner benchmarking: a partner's own value beside the anonymous spread of its peers' (SPEC
§3.2.9).

**Who is a peer.** Partners doing the same kind of work: those that belong to a working group of
the initiative whose *activity type* is the activity type of one of the partner's own working
groups (two "early literacy" networks count as one activity). Groups without an activity type
define no peers. The partner itself is never its own peer.

**What is compared.** For every indicator the partner reports (assigned directly or through a
working group's shared measures), the period compared is the partner's latest period with an
approved value (total cell). At that period each peer with an approved, uncensored value
contributes one number: its value, or for a rate its numerator ÷ denominator × the scale
factor — the same figure the partner sees for itself. Narrative and yes/no indicators have no
spread to compare and are left out.

**What is shown.** The peers' minimum, quartiles and maximum, and how many peers there are —
never a peer's name, and only when at least *k* peers (the initiative's suppression threshold)
have a value: with fewer, the row says so and shows nothing of the peers. Quartiles are the
"linear" (inclusive) ones of R's default ``quantile(type = 7)``, numpy and Excel's
``QUARTILE.INC``, computed exactly in decimals.

Everything is read in a fixed number of queries, whatever the number of indicators, peers and
values: the partner's groups and peers, its assignments, its own approved values, and the peers'
values at the compared periods only.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q

from commonground.initiatives.models import Partnership, WorkingGroup
from commonground.measurement.assignments import assignments_for
from commonground.measurement.cells import TOTAL
from commonground.measurement.models import DataValue, Indicator, ReviewState

NOT_COMPARED = frozenset({Indicator.ValueType.NARRATIVE, Indicator.ValueType.YES_NO})


@dataclass(frozen=True)
class Distribution:
    """The spread of the peers' values: five figures and how many values they summarise."""

    count: int
    minimum: Decimal
    q1: Decimal
    median: Decimal
    q3: Decimal
    maximum: Decimal


def _quantile(ordered: Sequence[Decimal], fraction: Decimal) -> Decimal:
    position = (len(ordered) - 1) * fraction
    below = int(position)
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (position - below) * (ordered[below + 1] - ordered[below])


def distribution(values: Sequence[Decimal]) -> Distribution:
    """Minimum, quartiles (R type 7, exact) and maximum of at least one value."""
    if not values:
        raise ValueError("A distribution needs at least one value.")
    ordered = sorted(values)
    return Distribution(
        count=len(ordered),
        minimum=ordered[0],
        q1=_quantile(ordered, Decimal("0.25")),
        median=_quantile(ordered, Decimal("0.5")),
        q3=_quantile(ordered, Decimal("0.75")),
        maximum=ordered[-1],
    )


@dataclass(frozen=True)
class BenchmarkRow:
    """One indicator: the partner's latest value and, with enough peers, theirs."""

    indicator: Indicator
    period: str | None  # the partner's latest approved period; None without approved data
    value: Decimal | None  # None when censored or without a number
    censor: str  # "<" or ">" when the partner's value is censored, with its bound in ``bound``
    bound: Decimal | None
    peers_with_value: int  # peers with a usable value at ``period``
    peers: Distribution | None  # None unless peers_with_value >= k

    @property
    def position(self) -> str | None:
        """Where the partner's value falls among the peers': a quarter, or at the median."""
        spread = self.peers
        if spread is None or self.value is None:
            return None
        if self.value < spread.q1:
            return "bottom"
        if self.value > spread.q3:
            return "top"
        if self.value == spread.median:
            return "median"
        return "lower_middle" if self.value < spread.median else "upper_middle"


@dataclass(frozen=True)
class Benchmark:
    partnership: Partnership
    activity_types: tuple[str, ...]
    peer_count: int  # peers by the activity rule, with or without values
    k: int
    rows: list[BenchmarkRow]


def peers_of(partnership: Partnership) -> tuple[tuple[str, ...], set[int]]:
    """The activity types of the partner's working groups and its peers' ids (one query each)."""
    activity_types = tuple(
        sorted(
            set(
                WorkingGroup.objects.filter(
                    initiative_id=partnership.initiative_id, partnerships=partnership
                )
                .exclude(activity_type="")
                .values_list("activity_type", flat=True)
            )
        )
    )
    if not activity_types:
        return (), set()
    members = WorkingGroup.partnerships.through.objects.filter(
        workinggroup__initiative_id=partnership.initiative_id,
        workinggroup__activity_type__in=activity_types,
    ).exclude(partnership_id=partnership.pk)
    return activity_types, set(members.values_list("partnership_id", flat=True))


def _figure(indicator: Indicator, value, numerator, denominator) -> Decimal | None:
    """The number a reader sees for one partner: a rate from its own parts."""
    if indicator.value_type == Indicator.ValueType.RATE:
        if numerator is None or not denominator:
            return None
        return numerator / denominator * indicator.scale_factor
    return value


_FIELDS = (
    "indicator_id",
    "partnership_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "censor",
)


def _approved(**filters):
    return (
        DataValue.objects.filter(cell=TOTAL, review_state=ReviewState.APPROVED, **filters)
        .order_by()
        .values_list(*_FIELDS)
    )


def partner_benchmark(partnership: Partnership, *, k: int | None = None) -> Benchmark:
    """The partner's benchmark rows, one per compared indicator it reports, in registry order."""
    initiative = partnership.initiative
    k = initiative.suppression_threshold if k is None else k
    activity_types, peers = peers_of(partnership)
    reported = {indicator_id for (_p, indicator_id) in assignments_for(initiative, [partnership])}
    indicators = list(
        Indicator.objects.filter(initiative=initiative, pk__in=reported).exclude(
            value_type__in=NOT_COMPARED
        )
    )
    by_id = {indicator.pk: indicator for indicator in indicators}

    own_latest = {}  # indicator id → its row at the partner's latest approved period
    for row in _approved(indicator_id__in=list(by_id), partnership=partnership):
        # Codes of one frequency sort as time (fixed-width year first: 2024Q1, SY2024-25…).
        if row[0] not in own_latest or row[2] > own_latest[row[0]][2]:
            own_latest[row[0]] = row

    peer_values = defaultdict(list)
    if peers and own_latest:
        wanted = reduce(or_, (Q(indicator_id=i, period=row[2]) for i, row in own_latest.items()))
        for i, _p, _period, value, num, den, censor in _approved(partnership_id__in=peers).filter(
            wanted
        ):
            figure = None if censor else _figure(by_id[i], value, num, den)
            if figure is not None:
                peer_values[i].append(figure)

    rows = []
    for indicator in indicators:
        own = own_latest.get(indicator.pk)
        values = peer_values.get(indicator.pk, [])
        if own is None:
            rows.append(BenchmarkRow(indicator, None, None, "", None, len(values), None))
            continue
        _i, _p, period, value, num, den, censor = own
        figure = None if censor else _figure(indicator, value, num, den)
        bound = (
            (num if indicator.value_type == Indicator.ValueType.RATE else value) if censor else None
        )
        rows.append(
            BenchmarkRow(
                indicator=indicator,
                period=period,
                value=figure,
                censor=censor,
                bound=bound,
                peers_with_value=len(values),
                peers=distribution(values) if len(values) >= k else None,
            )
        )
    return Benchmark(partnership, activity_types, len(peers), k, rows)
