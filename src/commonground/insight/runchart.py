"""Run-chart signals: the Anhøj rules (SPEC §3.2.4).

A run chart draws a series around its median. If only chance moves the values, each point is
above or below the median with probability ½, independently of the others; a sustained shift
instead shows as an unusually long run on one side, or as unusually few crossings of the median.
Anhøj & Olesen (2014, PLoS ONE 9(11): e113825) and Anhøj (2015, PLoS ONE 10(3): e0121349) give
two rules with limits that depend only on the number of useful points n (points not on the
median):

* unusually long run: the longest run is longer than round(log₂ n) + 3 (Schilling 2012);
* unusually few crossings: fewer crossings than the lower 5 % quantile of Binomial(n − 1, ½)
  (Chen 2010), R ``qbinom(0.05, n − 1, 0.5)``.

Points on the median neither break nor extend a run: they are skipped. A crossing is two
consecutive useful points on opposite sides, so crossings = runs − 1. These are exactly the
definitions of the qicharts2 R package (``runs.analysis``). The rules are applied to series of
10 or more values; shorter series get the counts but no verdict.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from commonground.insight.trends import segments

MIN_POINTS = 10


def longest_run_limit(useful: int) -> int:
    """round(log₂ n) + 3: a longer run than this is a signal. R's and Python's round agree
    (halves to even), and log₂ n is never exactly a half for a whole n anyway."""
    if useful < 1:
        raise ValueError("The limit needs at least one useful point.")
    return round(math.log2(useful)) + 3


def crossings_limit(useful: int) -> int:
    """The smallest c with P(X ≤ c) ≥ 0.05 for X ~ Binomial(n − 1, ½): fewer is a signal.

    Computed exactly in integers (20·Σ_{i≤c} C(m, i) ≥ 2^m, m = n − 1), so no rounding can move
    the boundary; equal to ``scipy.stats.binom.ppf(0.05, n - 1, 0.5)`` and R's ``qbinom``.
    """
    if useful < 1:
        raise ValueError("The limit needs at least one useful point.")
    m = useful - 1
    cumulative = 0
    for c in range(m + 1):
        cumulative += math.comb(m, c)
        if 20 * cumulative >= 2**m:
            return c
    return m  # not reached: the sum reaches 2^m at c = m


@dataclass(frozen=True)
class RunChart:
    """The median, runs and crossings of a series, and the Anhøj signals."""

    n: int  # values analysed (censored and missing values left out)
    censored: int
    missing: int
    centre: float | None  # the median of the values, or the centre line given
    useful: int  # values not on the centre line
    longest_run: int  # 0 when no value is useful
    crossings: int
    longest_run_limit: int | None  # None below MIN_POINTS values or without useful points
    crossings_limit: int | None

    @property
    def enough_data(self) -> bool:
        return self.longest_run_limit is not None

    @property
    def long_run(self) -> bool | None:
        """A run longer than its limit (a shift); None when the rules do not apply."""
        if self.longest_run_limit is None:
            return None
        return self.longest_run > self.longest_run_limit

    @property
    def few_crossings(self) -> bool | None:
        """Fewer crossings than their limit (a shift or trend); None when they do not apply."""
        if self.crossings_limit is None:
            return None
        return self.crossings < self.crossings_limit

    @property
    def signal(self) -> bool | None:
        """Non-random variation by either rule."""
        if not self.enough_data:
            return None
        return bool(self.long_run or self.few_crossings)


def run_chart(
    series: Iterable,
    *,
    centre: float | None = None,
    breaks: Iterable[float] = (),
    min_points: int = MIN_POINTS,
) -> RunChart:
    """Runs analysis of a series (same forms as ``trends.as_observations``).

    With ``breaks`` only the last segment is analysed (values measured another way are not the
    same process). ``centre`` replaces the median by a fixed centre line (e.g. the median of a
    baseline period, qicharts2's ``freeze``/``cl``). Censored and missing values are left out and
    counted.
    """
    parts = segments(series, breaks)
    observations = parts[-1].observations if parts else ()
    values = [float(o.y) for o in observations if o.usable]
    censored = sum(o.censored for o in observations)
    missing = sum(not o.censored and o.y is None for o in observations)
    if centre is not None:
        centre = float(centre)
    elif values:
        centre = float(median(values))
    sides = [1 if v > centre else -1 for v in values if v != centre] if values else []
    runs = _run_lengths(sides)
    useful = len(sides)
    applies = len(values) >= min_points and useful > 0
    return RunChart(
        n=len(values),
        censored=censored,
        missing=missing,
        centre=centre,
        useful=useful,
        longest_run=max(runs, default=0),
        crossings=max(len(runs) - 1, 0),
        longest_run_limit=longest_run_limit(useful) if applies else None,
        crossings_limit=crossings_limit(useful) if applies else None,
    )


def _run_lengths(sides: list[int]) -> list[int]:
    lengths: list[int] = []
    for index, side in enumerate(sides):
        if index and side == sides[index - 1]:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths
