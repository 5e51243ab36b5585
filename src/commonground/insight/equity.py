"""Equity: gaps between groups and whether they close (SPEC §3.2.6).

For an indicator broken down by a dimension (race, sex, place…), each group is compared with a
*reference group*: the one named for the indicator, or by default the best-off group at the period
read (the highest value when higher is better, the lowest when lower is better; ties go to the
group listed first). A neutral indicator has no best-off group, so it needs a named reference.

At that period each group gets

* its difference to the reference, in the indicator's unit: value − reference value;
* its ratio to the reference: value ÷ reference value (``None`` when the reference is 0).

The gap's trend is the Mann–Kendall test (see ``trends``) on the *absolute* gap |value −
reference value| over the periods where both groups have a usable value: "closing" when it falls
with p < alpha, "widening" when it rises, "no clear trend" otherwise, "not enough data" below 5
periods. Series breaks split the gap series like any series; the last segment counts.

The headlines of the report card are shares with their parts: "share of outcomes improving" and
"share of disparity gaps closing".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.insight.trends import (
    DEFAULT_ALPHA,
    MIN_POINTS,
    Observation,
    Polarity,
    SeriesTrend,
    Trend,
    TrendClass,
    as_observations,
    series_trend,
)
from commonground.insight.turn_the_curve import DECIMAL_CONTEXT, as_decimal


class GapTrend(models.TextChoices):
    CLOSING = "closing", _("Closing")
    WIDENING = "widening", _("Widening")
    NO_CLEAR_TREND = "no_clear_trend", _("No clear trend")
    NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data")


# The absolute gap is "lower is better": improving means closing.
_GAP_TREND = {
    TrendClass.IMPROVING: GapTrend.CLOSING,
    TrendClass.WORSENING: GapTrend.WIDENING,
    TrendClass.NO_CLEAR_TREND: GapTrend.NO_CLEAR_TREND,
    TrendClass.NOT_ENOUGH_DATA: GapTrend.NOT_ENOUGH_DATA,
}


@dataclass(frozen=True)
class Gap:
    """One group against the reference group at the period read."""

    group: str
    value: Decimal | None  # None when censored or missing at that period
    is_reference: bool
    difference: Decimal | None  # value − reference value
    ratio: Decimal | None  # value ÷ reference value
    trend: GapTrend | None  # None for the reference itself, or without a reference
    gap_trend: SeriesTrend | None = None  # the test behind ``trend``

    @property
    def censored_periods(self) -> int:
        """Periods left out of the gap trend because a value was censored."""
        return self.gap_trend.current.censored if self.gap_trend else 0


@dataclass(frozen=True)
class Equity:
    """The gaps of every group (the reference included) at period ``at``."""

    at: float | None
    reference: str | None
    reference_value: Decimal | None
    gaps: tuple[Gap, ...]


def _by_x(observations: list[Observation]) -> dict[float, Observation]:
    return {o.x: o for o in observations}


def _best_off(values: Mapping[str, Decimal | None], polarity: Polarity) -> str | None:
    candidates = [(group, value) for group, value in values.items() if value is not None]
    if not candidates or polarity == Polarity.NEUTRAL:
        return None
    pick = max if polarity == Polarity.HIGHER_BETTER else min
    # max/min keep the first of equal values: ties go to the group listed first.
    return pick(candidates, key=lambda item: item[1])[0]


def _gap_series(group: dict[float, Observation], reference: dict[float, Observation]):
    points = []
    for x in sorted(set(group) | set(reference)):
        mine, theirs = group.get(x), reference.get(x)
        if mine and theirs and mine.usable and theirs.usable:
            gap = DECIMAL_CONTEXT.subtract(as_decimal(mine.y), as_decimal(theirs.y))
            points.append(Observation(x, abs(gap)))
        elif (mine and mine.censored) or (theirs and theirs.censored):
            points.append(Observation(x, None, censored=True))
        else:
            points.append(Observation(x, None))
    return points


def equity(
    series_by_group: Mapping[str, Iterable],
    *,
    polarity: str,
    reference: str | None = None,
    at: float | None = None,
    breaks: Iterable[float] = (),
    alpha: float = DEFAULT_ALPHA,
    min_points: int = MIN_POINTS,
) -> Equity:
    """Gaps to the reference group at ``at`` (default: the latest period with any value).

    ``series_by_group`` maps each group to its series (forms of ``trends.as_observations``; give
    ``Decimal`` values for exact differences). The reference group, named or best-off, is the same
    for every period of the gap trend.
    """
    polarity = Polarity(polarity)
    series = {group: _by_x(as_observations(points)) for group, points in series_by_group.items()}
    if reference is not None and reference not in series:
        raise ValueError(f"The reference group {reference!r} has no series.")
    if at is None:
        usable = [x for points in series.values() for x, o in points.items() if o.usable]
        at = max(usable, default=None)

    def value_at(group: str) -> Decimal | None:
        observation = series[group].get(at)
        return as_decimal(observation.y) if observation and observation.usable else None

    values = {group: value_at(group) for group in series}
    if reference is None:
        reference = _best_off(values, polarity)
    reference_value = values.get(reference) if reference else None

    gaps = []
    for group, value in values.items():
        if reference is None or group == reference:
            gaps.append(Gap(group, value, group == reference, None, None, None))
            continue
        difference = ratio = None
        if value is not None and reference_value is not None:
            difference = DECIMAL_CONTEXT.subtract(value, reference_value)
            ratio = DECIMAL_CONTEXT.divide(value, reference_value) if reference_value else None
        gap_trend = series_trend(
            _gap_series(series[group], series[reference]),
            Polarity.LOWER_BETTER,
            breaks=breaks,
            alpha=alpha,
            min_points=min_points,
        )
        trend = _GAP_TREND[gap_trend.classification]
        gaps.append(Gap(group, value, False, difference, ratio, trend, gap_trend))
    return Equity(at, reference, reference_value, tuple(gaps))


# --- headlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A headline share with its parts: "N of M"."""

    numerator: int
    denominator: int

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def share_of_outcomes_improving(trends: Iterable[Trend | SeriesTrend]) -> Share:
    """Indicators improving among those with a verdict.

    Counted: indicators whose (current) trend is not "not enough data" and whose polarity is not
    neutral — a neutral indicator can rise or fall but never improve, so it is in neither part.
    """
    improving = counted = 0
    for item in trends:
        current = item.current if isinstance(item, SeriesTrend) else item
        if current.polarity == Polarity.NEUTRAL:
            continue
        if current.classification == TrendClass.NOT_ENOUGH_DATA:
            continue
        counted += 1
        improving += current.classification == TrendClass.IMPROVING
    return Share(improving, counted)


def share_of_gaps_closing(gaps: Iterable[Gap | GapTrend | str | None]) -> Share:
    """Gaps closing among gaps with a verdict (not "not enough data"; reference rows skipped)."""
    closing = counted = 0
    for item in gaps:
        verdict = item.trend if isinstance(item, Gap) else item
        if verdict is None or verdict == GapTrend.NOT_ENOUGH_DATA:
            continue
        counted += 1
        closing += GapTrend(verdict) == GapTrend.CLOSING
    return Share(closing, counted)
