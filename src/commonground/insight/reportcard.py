"""The data behind the report card: one card per indicator, from approved data.

An indicator's card shows one line combining all partners by the indicator's aggregation rule;
an indicator that is not aggregated (rule ``none``, e.g. a percentage published without its
base) shows one line per reporting partner instead. Everything is read in a fixed number of
queries whatever the number of indicators, partners and values (asserted in the tests).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from commonground.insight.aggregation import Aggregate, ValueRow, aggregate_series
from commonground.insight.charts import sparkline_spec
from commonground.insight.privacy import is_small
from commonground.measurement.cells import TOTAL
from commonground.measurement.models import DataValue, Indicator, ReviewState
from commonground.measurement.periods import PeriodError, parse_period_for


@dataclass
class Line:
    """One series of a card: all partners combined (``label`` empty), or one partner."""

    label: str
    series: list[tuple[str, Aggregate]]
    suppressed: set[str] = field(default_factory=set)

    @property
    def points(self) -> list[tuple[str, Aggregate]]:
        """The periods that may be shown, with a value."""
        return [(p, a) for p, a in self.series if p not in self.suppressed and a.value is not None]

    @property
    def latest(self) -> tuple[str, Aggregate] | None:
        points = self.points
        return points[-1] if points else None


@dataclass
class Card:
    indicator: Indicator
    lines: list[Line]
    periods: list[str]  # every period with data, oldest first
    target: tuple[str, Decimal] | None = None

    @property
    def combined(self) -> bool:
        return self.indicator.aggregation != Indicator.Aggregation.NONE

    @property
    def latest(self) -> tuple[str, Aggregate] | None:
        """The latest combined figure (for indicators that combine partners)."""
        return self.lines[0].latest if self.combined and self.lines else None

    @property
    def suppressed_count(self) -> int:
        return sum(len(line.suppressed) for line in self.lines)

    @property
    def shown_periods(self) -> list[str]:
        shown = {p for line in self.lines for p, _ in line.points}
        return [p for p in self.periods if p in shown]

    @property
    def chart(self) -> dict | None:
        periods = self.shown_periods
        if len(periods) < 2:
            return None
        points = [
            (line.label, period, aggregate.value)
            for line in self.lines
            for period, aggregate in line.points
        ]
        return sparkline_spec(self.indicator, points, periods)


def _approved_rows(indicators):
    values = (
        DataValue.objects.filter(
            indicator__in=indicators,
            cell=TOTAL,
            review_state=ReviewState.APPROVED,
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


def _lines(indicator, rows, order, partner_names) -> list[Line]:
    def series(rows, rule):
        return list(
            aggregate_series(
                rows,
                rule=rule,
                scale_factor=indicator.scale_factor,
                cumulative=indicator.cumulative,
                period_order=order,
            ).items()
        )

    if indicator.aggregation != Indicator.Aggregation.NONE:
        return [Line(label="", series=series(rows, indicator.aggregation))]
    # Not aggregated: each partner's own figure (a rate from its own parts).
    own_rule = "ratio_of_sums" if indicator.value_type == Indicator.ValueType.RATE else "sum"
    by_partner = defaultdict(list)
    for row in rows:
        by_partner[row.partnership_id].append(row)
    lines = [
        Line(label=partner_names[pk], series=series(r, own_rule)) for pk, r in by_partner.items()
    ]
    return sorted(lines, key=lambda line: line.label)


def build_cards(initiative, *, public: bool) -> list[Card]:
    """Cards for the initiative's indicators; for the public, only published ones, suppressed."""
    indicators = Indicator.objects.filter(initiative=initiative).prefetch_related("targets")
    if public:
        indicators = indicators.filter(is_published=True)
    indicators = list(indicators)
    rows = _approved_rows(indicators)
    order = _period_order(initiative, {r.period for rs in rows.values() for r in rs})
    partner_names = {
        p.pk: p.organization.name for p in initiative.partnerships.select_related("organization")
    }
    cards = []
    for indicator in indicators:
        indicator_rows = [r for r in rows.get(indicator.pk, []) if r.period in order]
        periods = sorted({r.period for r in indicator_rows}, key=order.__getitem__)
        card = Card(indicator, _lines(indicator, indicator_rows, order, partner_names), periods)
        if public:
            k = initiative.suppression_threshold
            for line in card.lines:
                line.suppressed = {
                    p for p, a in line.series if is_small(a, indicator.value_type, k)
                }
        totals = [t for t in indicator.targets.all() if t.cell == TOTAL]
        if totals:
            target = max(totals, key=lambda t: t.period)
            card.target = (target.period, target.value)
        cards.append(card)
    return cards
