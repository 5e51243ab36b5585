"""Turn the curve: the forecast "if nothing changes" and the scorecard columns (SPEC §3.2.5).

Friedman's Results-Based Accountability ("Trying Hard Is Not Good Enough", 2005) reads a measure
against its *baseline forecast* — where the line is heading if we keep doing what we do — and
calls success "turning the curve": doing better than that forecast, not only better than last
year. Here the forecast extends the current trend: Sen's slope of the series' last segment (see
``trends``), drawn through the segment's median point (x_med, y_med), i.e.

    ŷ(x) = y_med + b·(x − x_med),

with an interval from the slope's 95 % confidence limits b_lo, b_hi:
[min, max] of y_med + b_lo·(x − x_med) and y_med + b_hi·(x − x_med). The interval reflects the
uncertainty of the *slope* only, not the scatter of single values around the line, so a single new
value can fall outside it by chance (see ``docs/insight-methods.md``).

The scorecard columns are plain arithmetic on exact decimals:

* percent of target       = A / T × 100
* variance from target    = (A − T) / T      (a fraction: 0.05 is 5 % above target)
* change since baseline   = (A − B) / B      (a fraction)

each ``None`` when a figure is missing or its divisor is 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from commonground.insight.trends import (
    DEFAULT_CONFIDENCE,
    MIN_POINTS,
    MannKendall,
    Polarity,
    SeriesTrend,
    TrendClass,
    as_observations,
    mann_kendall,
    segments,
)

# One fixed context: results must not depend on whatever precision a caller set.
DECIMAL_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Forecast:
    """Where the current trend puts the series at ``x``, with the slope's interval."""

    x: float
    periods_ahead: float  # x minus the last period of the segment it extends
    value: float
    low: float | None  # None when the segment is too short for a slope interval
    high: float | None
    basis: MannKendall  # the fit of the segment (slope, its interval, the median point)


def _fit(observations, *, confidence: float, min_points: int) -> MannKendall | None:
    usable = [o for o in observations if o.usable]
    if len(usable) < max(min_points, 3):
        return None
    return mann_kendall(usable, confidence=confidence)


def _project(fit: MannKendall, x: float, last_x: float) -> Forecast:
    low = high = None
    if fit.slope_ci is not None:
        ends = [fit.y_median + b * (x - fit.x_median) for b in fit.slope_ci]
        low, high = min(ends), max(ends)
    return Forecast(x=x, periods_ahead=x - last_x, value=fit.line(x), low=low, high=high, basis=fit)


def forecast(
    series: Iterable,
    *,
    horizon: int = 1,
    step: float = 1.0,
    breaks: Iterable[float] = (),
    confidence: float = DEFAULT_CONFIDENCE,
    min_points: int = MIN_POINTS,
) -> list[Forecast]:
    """Forecasts 1…``horizon`` periods (of ``step`` in x) after the series' last period.

    Only the last segment counts: a forecast never reaches across a series break. Empty when that
    segment has fewer than ``min_points`` usable values (the same "not enough data" as trends).
    The line is extended whether or not the trend is significant: "if nothing changes" includes
    "nothing much is happening".
    """
    parts = segments(series, breaks)
    if not parts:
        return []
    last = parts[-1]
    fit = _fit(last.observations, confidence=confidence, min_points=min_points)
    if fit is None:
        return []
    return [_project(fit, last.end + h * step, last.end) for h in range(1, horizon + 1)]


@dataclass(frozen=True)
class ForecastCheck:
    """The latest value against the forecast made without it."""

    x: float | None  # the latest period
    actual: float | None  # None when the latest value is censored or missing
    forecast: Forecast | None  # None when there is not enough history in the segment
    beats: bool | None  # better than the forecast by the polarity; None if neutral or unknown
    position: str | None  # "above", "below" or "within" the forecast interval

    @property
    def difference(self) -> float | None:
        if self.actual is None or self.forecast is None:
            return None
        return self.actual - self.forecast.value


def beats_forecast(
    series: Iterable,
    polarity: str,
    *,
    breaks: Iterable[float] = (),
    confidence: float = DEFAULT_CONFIDENCE,
    min_points: int = MIN_POINTS,
) -> ForecastCheck:
    """Does the latest value beat the forecast the earlier values of its segment made for it?

    "Beats" is strictly better: above for higher-is-better, below for lower-is-better; a value
    exactly on the forecast does not beat it. Neutral indicators get no verdict (``None``) but
    still the position against the interval. When the latest period opens a new segment (a
    break), there is no history measured the same way, so no forecast.
    """
    polarity = Polarity(polarity)
    observations = as_observations(series)
    if not observations:
        return ForecastCheck(None, None, None, None, None)
    latest = observations[-1]
    actual = float(latest.y) if latest.usable else None
    history = segments(observations, breaks)[-1].observations[:-1]
    fit = _fit(history, confidence=confidence, min_points=min_points)
    if fit is None:
        return ForecastCheck(latest.x, actual, None, None, None)
    predicted = _project(fit, latest.x, history[-1].x)
    if actual is None:
        return ForecastCheck(latest.x, None, predicted, None, None)
    beats = None
    if polarity == Polarity.HIGHER_BETTER:
        beats = actual > predicted.value
    elif polarity == Polarity.LOWER_BETTER:
        beats = actual < predicted.value
    position = None
    if predicted.low is not None:
        if actual > predicted.high:
            position = "above"
        elif actual < predicted.low:
            position = "below"
        else:
            position = "within"
    return ForecastCheck(latest.x, actual, predicted, beats, position)


# --- scorecard ----------------------------------------------------------------------------------


def as_decimal(value) -> Decimal | None:
    """A figure as an exact ``Decimal`` (a float by its shortest repr); ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("A yes/no is not a scorecard figure.")
    if isinstance(value, float):
        # repr gives the shortest decimal that reads back as the float: 0.1 stays 0.1.
        return Decimal(repr(value))
    return Decimal(value)


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return DECIMAL_CONTEXT.divide(numerator, denominator)


def percent_of_target(actual, target) -> Decimal | None:
    """A / T × 100."""
    a, t = as_decimal(actual), as_decimal(target)
    ratio = _ratio(a, t)
    return None if ratio is None else DECIMAL_CONTEXT.multiply(ratio, Decimal(100))


def variance_from_target(actual, target) -> Decimal | None:
    """(A − T) / T, as a fraction."""
    a, t = as_decimal(actual), as_decimal(target)
    return None if a is None or t is None else _ratio(DECIMAL_CONTEXT.subtract(a, t), t)


def change_since_baseline(actual, baseline) -> Decimal | None:
    """(A − B) / B, as a fraction."""
    a, b = as_decimal(actual), as_decimal(baseline)
    return None if a is None or b is None else _ratio(DECIMAL_CONTEXT.subtract(a, b), b)


@dataclass(frozen=True)
class ScorecardRow:
    """One indicator's scorecard columns (SPEC §3.2.5)."""

    actual: Decimal | None
    target: Decimal | None
    baseline: Decimal | None
    percent_of_target: Decimal | None
    variance_from_target: Decimal | None
    change_since_baseline: Decimal | None
    current_trend: TrendClass
    periods_run: int  # periods in the current (last) segment; 0 without a series
    has_break: bool


def scorecard_row(*, actual, target, baseline, trend: SeriesTrend | None) -> ScorecardRow:
    """The columns for the latest value ``actual`` (exact: pass the ``Decimal`` aggregate)."""
    return ScorecardRow(
        actual=as_decimal(actual),
        target=as_decimal(target),
        baseline=as_decimal(baseline),
        percent_of_target=percent_of_target(actual, target),
        variance_from_target=variance_from_target(actual, target),
        change_since_baseline=change_since_baseline(actual, baseline),
        current_trend=trend.classification if trend else TrendClass.NOT_ENOUGH_DATA,
        periods_run=trend.periods_run if trend else 0,
        has_break=trend.has_break if trend else False,
    )
