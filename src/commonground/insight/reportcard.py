"""The data behind the report card: one card per indicator, from approved data.

Everything is read in a fixed number of queries whatever the number of indicators, partners
and values (the page's query count is asserted in the tests).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from commonground.insight.aggregation import Aggregate, ValueRow, aggregate_series
from commonground.insight.charts import sparkline_spec
from commonground.insight.privacy import is_small
from commonground.measurement.cells import TOTAL
from commonground.measurement.models import DataValue, Indicator, Submission
from commonground.measurement.periods import PeriodError, parse_period_for


@dataclass
class Card:
    indicator: Indicator
    series: list[tuple[str, Aggregate]]
    suppressed: set[str] = field(default_factory=set)
    target: tuple[str, Decimal] | None = None

    @property
    def points(self) -> list[tuple[str, Aggregate]]:
        """The periods that may be shown, with a value."""
        return [(p, a) for p, a in self.series if p not in self.suppressed and a.value is not None]

    @property
    def latest(self) -> tuple[str, Aggregate] | None:
        points = self.points
        return points[-1] if points else None

    @property
    def chart(self) -> dict | None:
        if len(self.points) < 2:
            return None
        return sparkline_spec(self.indicator, [(p, a.value) for p, a in self.points])


def _approved_rows(indicators):
    values = (
        DataValue.objects.filter(
            indicator__in=indicators,
            cell=TOTAL,
            submission__status=Submission.Status.APPROVED,
        )
        .values_list(
            "indicator_id",
            "partnership_id",
            "period",
            "value",
            "numerator",
            "denominator",
            "censor",
        )
        .order_by()
    )
    rows = defaultdict(list)
    for indicator_id, partnership_id, period, value, num, den, censor in values:
        rows[indicator_id].append(
            ValueRow(partnership_id, period, value, num, den, censored=bool(censor))
        )
    return rows


def _period_order(initiative, codes):
    order = {}
    for code in codes:
        try:
            order[code] = parse_period_for(initiative, code).start
        except PeriodError:
            continue
    return order


def build_cards(initiative, *, public: bool) -> list[Card]:
    """Cards for the initiative's indicators; for the public, only published ones, suppressed."""
    indicators = Indicator.objects.filter(initiative=initiative).prefetch_related("targets")
    if public:
        indicators = indicators.filter(is_published=True)
    indicators = list(indicators)
    rows = _approved_rows(indicators)
    order = _period_order(initiative, {r.period for rs in rows.values() for r in rs})
    cards = []
    for indicator in indicators:
        indicator_rows = [r for r in rows.get(indicator.pk, []) if r.period in order]
        series = aggregate_series(
            indicator_rows,
            rule=indicator.aggregation,
            scale_factor=indicator.scale_factor,
            cumulative=indicator.cumulative,
            period_order=order,
        )
        card = Card(indicator=indicator, series=list(series.items()))
        if public:
            k = initiative.suppression_threshold
            card.suppressed = {p for p, a in card.series if is_small(a, indicator.value_type, k)}
        totals = [t for t in indicator.targets.all() if t.cell == TOTAL]
        if totals:
            target = max(totals, key=lambda t: t.period)
            card.target = (target.period, target.value)
        cards.append(card)
    return cards
