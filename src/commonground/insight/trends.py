"""The trend of a series: Mann–Kendall test with Sen's slope (SPEC §3.2.3).

Plain numbers in, plain dataclasses out: the rollups and the report card call these functions with
an indicator's aggregated series; nothing here reads the database.

The Mann–Kendall test (Mann 1945; Kendall 1975) asks whether later values tend to be higher (or
lower) than earlier ones, without assuming a straight line or a normal distribution. Sen's slope
(Sen 1968; Theil 1950) is the median of the slopes between every pair of points: the typical
change per period, robust to outliers. Hirsch, Slack & Smith (1982) brought both to monitoring
data. The figures agree with R ``trend::mk.test`` / ``trend::sens.slope`` and with pymannkendall
(``original_test``) on the published cases in ``shared/data/mk-oracle/expected.json``;
``docs/insight-methods.md`` states every convention.

Conventions, in short:

* S = Σ_{i<j} sgn(y_j − y_i) over the points in time order.
* var S = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18, t the sizes of groups of tied values.
* z = sgn(S)·(|S| − 1)/√var S (continuity correction, the default of R and pymannkendall);
  z = 0 when S = 0. Two-sided p = 2·P(Z > |z|).
* Two taus: ``tau_a`` = S / (n(n−1)/2) (pymannkendall's "Tau") and ``tau_b`` = S / D with the
  tie-corrected D = √[(n(n−1)/2 − Σ t(t−1)/2) · n(n−1)/2] (R ``mk.test``'s tau, Kendall's τ_b).
* Sen's slope = median of (y_j − y_i)/(x_j − x_i); its confidence interval is R
  ``sens.slope``'s: C = z_{1−α/2}·√var S, the sorted pairwise slopes at ranks
  round((N − C)/2) and round((N + C)/2 + 1) (1-based, N pairs).
* Intercept = median(y) − median(x)·slope (Conover 1980; pymannkendall's convention).
* Censored (``<10``) and missing values are left out before testing and counted (SPEC §4.3);
  the remaining points keep their positions in time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from numbers import Real

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _
from scipy.stats import norm, rankdata

from commonground.measurement.periods import Frequency, Period

MIN_POINTS = 5
DEFAULT_ALPHA = 0.05
DEFAULT_CONFIDENCE = 0.95


class Polarity(models.TextChoices):
    """Which way is better; the same values as ``Indicator.Polarity``."""

    HIGHER_BETTER = "higher_better", _("Higher is better")
    LOWER_BETTER = "lower_better", _("Lower is better")
    NEUTRAL = "neutral", _("Neither")


class TrendClass(models.TextChoices):
    """What a trend says to a reader. Neutral indicators get a direction without a judgement."""

    IMPROVING = "improving", _("Improving")
    WORSENING = "worsening", _("Worsening")
    RISING = "rising", _("Rising")
    FALLING = "falling", _("Falling")
    NO_CLEAR_TREND = "no_clear_trend", _("No clear trend")
    NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data")


class Autocorrelation(models.TextChoices):
    """Optional corrections of var S for serially correlated data (off by default)."""

    HAMED_RAO = "hamed_rao", _("Hamed & Rao (1998)")
    YUE_WANG = "yue_wang", _("Yue & Wang (2004)")


# --- the series ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """One period of a series: its position ``x`` in time, its value, and whether it is censored.

    ``y`` is ``None`` for a period without a usable number; a censored value (``<10``) keeps
    ``censored=True`` whatever ``y`` holds, and is never read as a number.
    """

    x: float
    y: float | Decimal | None
    censored: bool = False

    @property
    def usable(self) -> bool:
        return not self.censored and self.y is not None


def _number(value):
    """The value as given (int, float, Decimal…) so exact figures stay exact; NaN is no value."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise TypeError(f"{value!r} is not a number.")
    return None if math.isnan(value) else value


def as_observations(series: Iterable) -> list[Observation]:
    """Read a series given in any of the accepted forms, sorted by position in time.

    Each item may be an ``Observation``; a pair ``(x, y)`` or a triple ``(x, y, censored)``; or a
    bare value ``y`` (then ``x`` is its index, so equally spaced). ``y`` may be an int, float,
    ``Decimal`` or ``None`` (no value). Two items at the same ``x`` are an error: a series has one
    value per period.
    """
    observations = []
    for index, item in enumerate(series):
        if isinstance(item, Observation):
            observation = item
        elif isinstance(item, tuple | list):
            if len(item) not in (2, 3):
                raise ValueError(f"A point is (x, y) or (x, y, censored), not {item!r}.")
            x, y, *flag = item
            observation = Observation(float(x), _number(y), bool(flag and flag[0]))
        else:
            observation = Observation(float(index), _number(item))
        if not math.isfinite(observation.x):
            raise ValueError(f"A point's position in time must be a finite number: {item!r}.")
        observations.append(observation)
    observations.sort(key=lambda o: o.x)
    for before, after in pairwise(observations):
        if before.x == after.x:
            raise ValueError(f"Two values at the same position in time ({after.x:g}).")
    return observations


_MONTHS_PER_PERIOD = {
    Frequency.ANNUAL: 12,
    Frequency.SCHOOL_YEAR: 12,
    Frequency.FISCAL_YEAR: 12,
    Frequency.QUARTERLY: 3,
    Frequency.MONTHLY: 1,
}


def period_position(period: Period) -> int:
    """An integer position for a period, consecutive periods of a frequency one apart.

    Used as ``x`` so that Sen's slope reads "per period" and a missing period leaves a gap
    (2019, 2021 are two periods apart).
    """
    months = _MONTHS_PER_PERIOD[Frequency(period.frequency)]
    return (period.start.year * 12 + period.start.month - 1) // months


# --- the test -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MannKendall:
    """The Mann–Kendall test and Sen's slope of one series (or one segment of it)."""

    n: int  # values tested
    s: int
    var_s: float  # tie-corrected; multiplied by the autocorrelation factor when one is asked
    z: float
    p: float  # two-sided
    tau_a: float  # S / (n(n−1)/2): pymannkendall's "Tau"
    tau_b: float | None  # S / tie-corrected D: R trend::mk.test's tau; None when all values tie
    slope: float  # Sen's slope, per unit of x
    slope_ci: tuple[float, float] | None  # R sens.slope's interval; None when n is too small
    intercept: float  # median(y) − median(x)·slope
    x_median: float
    y_median: float
    confidence: float
    continuity: bool = True
    autocorrelation: str | None = None
    var_s_uncorrected: float | None = None

    @property
    def direction(self) -> int:
        """+1 rising, −1 falling, 0 when S = 0 (regardless of significance)."""
        return (self.s > 0) - (self.s < 0)

    def line(self, x: float) -> float:
        """The Sen line through the median point: y_med + slope·(x − x_med)."""
        return self.y_median + self.slope * (x - self.x_median)


def mk_score(y: Sequence[float]) -> int:
    """S = Σ_{i<j} sgn(y_j − y_i) for values in time order."""
    values = np.asarray(y, dtype=float)
    signs = np.sign(values[None, :] - values[:, None])
    return int(np.triu(signs, k=1).sum())


def tie_groups(y: Sequence[float]) -> list[int]:
    """The sizes (≥ 2) of the groups of equal values."""
    _, counts = np.unique(np.asarray(y, dtype=float), return_counts=True)
    return [int(t) for t in counts if t > 1]


def variance_s(n: int, ties: Sequence[int]) -> float:
    """var S with the correction for ties (Kendall 1975): exact integer numerator over 18."""
    numerator = n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)
    return numerator / 18


def _pairwise_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(len(x), k=1)
    return (y[j] - y[i]) / (x[j] - x[i])


def _slope_interval(slopes: np.ndarray, var_s: float, confidence: float):
    """R ``trend::sens.slope``: ranks round((N ∓ C)/2) (+1 above), C = z·√var S; 1-based."""
    pairs = len(slopes)
    c = norm.ppf(1 - (1 - confidence) / 2) * math.sqrt(var_s)
    # Python's round() rounds halves to even, as R's round() does.
    rank_low = round((pairs - c) / 2)
    rank_high = round((pairs + c) / 2 + 1)
    if rank_low < 1 or rank_high > pairs:
        return None
    ordered = np.sort(slopes)
    return float(ordered[rank_low - 1]), float(ordered[rank_high - 1])


def _acf(values: np.ndarray, lags: int) -> np.ndarray:
    """Sample autocorrelation at lags 0..lags (biased estimator, as pymannkendall)."""
    centred = values - values.mean()
    n = len(values)
    autocovariance = np.correlate(centred, centred, "full")[n - 1 :] / n
    return autocovariance[: lags + 1] / autocovariance[0]


def _autocorrelation_factor(method, x, y, slope, alpha) -> float:
    """n/n* of Hamed & Rao (1998) or Yue & Wang (2004), over all lags, as pymannkendall.

    Both detrend with Sen's slope first. Hamed & Rao use the ranks of the detrended values and only
    the lags whose autocorrelation is significant at ``alpha``; Yue & Wang use the detrended values
    and every lag. Lags count kept observations (a censored period does not leave a gap here).
    """
    n = len(y)
    # Any constant shift leaves the correction unchanged; 1..n for equally spaced x is
    # pymannkendall's own, so its published figures come out to the last digit.
    detrended = y - (x - x[0] + 1) * slope
    if method == Autocorrelation.HAMED_RAO:
        acf = _acf(rankdata(detrended), n - 1)
        bound = norm.ppf(1 - alpha / 2) / math.sqrt(n)
        total = sum(
            (n - i) * (n - i - 1) * (n - i - 2) * acf[i]
            for i in range(1, n)
            if not -bound <= acf[i] <= bound
        )
        return float(1 + 2 / (n * (n - 1) * (n - 2)) * total)
    if method == Autocorrelation.YUE_WANG:
        acf = _acf(detrended, n - 1)
        lags = np.arange(1, n)
        return float(1 + 2 * np.sum((1 - lags / n) * acf[1:]))
    raise ValueError(f"Unknown autocorrelation correction {method!r}.")


def mann_kendall(
    series: Iterable,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    continuity: bool = True,
    autocorrelation: str | None = None,
    autocorrelation_alpha: float = DEFAULT_ALPHA,
) -> MannKendall:
    """Mann–Kendall test and Sen's slope of the usable points of ``series`` (at least 3).

    Censored and missing values are left out; the others keep their positions. ``confidence`` is
    the level of Sen's slope interval. ``autocorrelation`` (off by default) multiplies var S by the
    Hamed–Rao or Yue–Wang factor for serially correlated data; the slope interval stays R's,
    from the uncorrected var S.
    """
    kept = [o for o in as_observations(series) if o.usable]
    n = len(kept)
    if n < 3:
        raise ValueError("The Mann–Kendall test needs at least 3 values.")
    x = np.array([o.x for o in kept])
    y = np.array([float(o.y) for o in kept])

    s = mk_score(y)
    ties = tie_groups(y)
    var_s = variance_s(n, ties)
    pairs = n * (n - 1) // 2
    untied_pairs = pairs - sum(t * (t - 1) // 2 for t in ties)
    tau_b = s / math.sqrt(untied_pairs * pairs) if untied_pairs else None

    slopes = _pairwise_slopes(x, y)
    slope = float(np.median(slopes))
    slope_ci = _slope_interval(slopes, var_s, confidence)
    x_median, y_median = float(np.median(x)), float(np.median(y))

    tested_var = var_s
    if autocorrelation:
        tested_var = var_s * _autocorrelation_factor(
            autocorrelation, x, y, slope, autocorrelation_alpha
        )
    z = _z_score(s, tested_var, continuity)
    return MannKendall(
        n=n,
        s=s,
        var_s=tested_var,
        z=z,
        p=min(1.0, 2 * float(norm.sf(abs(z)))),
        tau_a=s / pairs,
        tau_b=tau_b,
        slope=slope,
        slope_ci=slope_ci,
        intercept=y_median - x_median * slope,
        x_median=x_median,
        y_median=y_median,
        confidence=confidence,
        continuity=continuity,
        autocorrelation=autocorrelation or None,
        var_s_uncorrected=var_s,
    )


def _z_score(s: int, var_s: float, continuity: bool) -> float:
    if s == 0 or var_s <= 0:
        # No ordering, or no spread to judge it against (all values equal): no evidence.
        return 0.0
    numerator = (abs(s) - 1) * (1 if s > 0 else -1) if continuity else s
    return numerator / math.sqrt(var_s)


# --- segments and classification ---------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """The observations between two series breaks (a change of method), in time order."""

    observations: tuple[Observation, ...]

    @property
    def start(self) -> float | None:
        return self.observations[0].x if self.observations else None

    @property
    def end(self) -> float | None:
        return self.observations[-1].x if self.observations else None

    @property
    def usable(self) -> list[Observation]:
        return [o for o in self.observations if o.usable]

    @property
    def censored(self) -> int:
        return sum(o.censored for o in self.observations)

    @property
    def missing(self) -> int:
        return sum(not o.censored and o.y is None for o in self.observations)

    @property
    def periods(self) -> int:
        """How many periods the segment holds (every observation passed, usable or not)."""
        return len(self.observations)


def segments(series: Iterable, breaks: Iterable[float] = ()) -> list[Segment]:
    """Split a series at its breaks; a break at x starts a new segment *at* x.

    A series break is the first period measured the new way (``SeriesBreak.period``). Segments
    without any observation (a break before the first or after the last point) are dropped, so
    ``len(segments(...)) > 1`` means a break falls inside the data.
    """
    observations = as_observations(series)
    cuts = sorted({float(b) for b in breaks})
    parts: list[list[Observation]] = [[] for _ in range(len(cuts) + 1)]
    for observation in observations:
        parts[sum(observation.x >= cut for cut in cuts)].append(observation)
    return [Segment(tuple(part)) for part in parts if part]


def classify(
    test: MannKendall | None, polarity: str, *, alpha: float = DEFAULT_ALPHA
) -> TrendClass:
    """Improving / worsening (or rising / falling when neutral) / no clear trend.

    A trend is clear when p < ``alpha``; its direction is the sign of S. ``None`` (too few
    points to test) is "not enough data".
    """
    polarity = Polarity(polarity)
    if test is None:
        return TrendClass.NOT_ENOUGH_DATA
    if not test.p < alpha or test.s == 0:
        return TrendClass.NO_CLEAR_TREND
    up = test.s > 0
    if polarity == Polarity.NEUTRAL:
        return TrendClass.RISING if up else TrendClass.FALLING
    good = up == (polarity == Polarity.HIGHER_BETTER)
    return TrendClass.IMPROVING if good else TrendClass.WORSENING


@dataclass(frozen=True)
class Trend:
    """The classified trend of one segment."""

    classification: TrendClass
    polarity: str
    alpha: float
    test: MannKendall | None  # None when fewer than ``min_points`` values
    n: int  # values tested
    censored: int  # left out because censored (SPEC §4.3)
    missing: int  # periods passed without a value
    periods: int  # periods in the segment, usable or not
    start: float | None = None
    end: float | None = None

    @property
    def enough_data(self) -> bool:
        return self.test is not None

    @property
    def direction(self) -> int:
        """+1 / −1 for a clear trend up / down, 0 otherwise."""
        clear = self.classification not in (
            TrendClass.NO_CLEAR_TREND,
            TrendClass.NOT_ENOUGH_DATA,
        )
        return self.test.direction if clear and self.test else 0


def segment_trend(
    segment: Segment,
    polarity: str,
    *,
    alpha: float = DEFAULT_ALPHA,
    min_points: int = MIN_POINTS,
    confidence: float = DEFAULT_CONFIDENCE,
    autocorrelation: str | None = None,
) -> Trend:
    """Test and classify one segment; fewer than ``min_points`` usable values is not enough."""
    usable = segment.usable
    test = None
    if len(usable) >= max(min_points, 3):
        test = mann_kendall(usable, confidence=confidence, autocorrelation=autocorrelation)
    return Trend(
        classification=classify(test, polarity, alpha=alpha),
        polarity=Polarity(polarity).value,
        alpha=alpha,
        test=test,
        n=len(usable),
        censored=segment.censored,
        missing=segment.missing,
        periods=segment.periods,
        start=segment.start,
        end=segment.end,
    )


def trend(series: Iterable, polarity: str, **options) -> Trend:
    """Test and classify a whole series as one segment (no breaks). See ``segment_trend``."""
    return segment_trend(Segment(tuple(as_observations(series))), polarity, **options)


@dataclass(frozen=True)
class SeriesTrend:
    """The trends of every segment of a series; the report shows the current (last) one."""

    segments: tuple[Trend, ...]

    @property
    def current(self) -> Trend:
        return self.segments[-1]

    @property
    def classification(self) -> TrendClass:
        return self.current.classification

    @property
    def has_break(self) -> bool:
        """A series break falls inside the data: earlier segments are another method."""
        return len(self.segments) > 1

    @property
    def periods_run(self) -> int:
        """How many periods the current trend has run: the length of the last segment.

        The current trend is the test over the whole last segment, so it "has run" since the last
        break (or the first period). Every period passed counts, with or without a value.
        """
        return self.current.periods


def series_trend(
    series: Iterable, polarity: str, *, breaks: Iterable[float] = (), **options
) -> SeriesTrend:
    """Split at ``breaks``, then test and classify each segment (options as ``segment_trend``)."""
    parts = segments(series, breaks) or [Segment(())]
    return SeriesTrend(tuple(segment_trend(part, polarity, **options) for part in parts))


__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_CONFIDENCE",
    "MIN_POINTS",
    "Autocorrelation",
    "MannKendall",
    "Observation",
    "Polarity",
    "Segment",
    "SeriesTrend",
    "Trend",
    "TrendClass",
    "as_observations",
    "classify",
    "mann_kendall",
    "mk_score",
    "period_position",
    "segment_trend",
    "segments",
    "series_trend",
    "tie_groups",
    "trend",
    "variance_s",
]
