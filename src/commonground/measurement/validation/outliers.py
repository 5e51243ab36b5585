"""Outliers against a partner's own history: the modified z-score (Iglewicz & Hoaglin, 1993).

For a value x and the partner's approved history of the same indicator and cell:

    M = 0.6745 · (x − median) / MAD,  MAD = median(|xᵢ − median|)

and |M| > 3.5 is flagged. The median and MAD are not pulled by the outliers they look for, which
is why this score is used rather than the mean and standard deviation. When more than half of the
history is one same number, MAD is 0; then the mean absolute deviation stands in for it,
M = 0.7979 · (x − median) / MeanAD (0.7979 ≈ √(2/π) is MeanAD ÷ σ for a normal distribution —
IBM's documented fallback). When every past point is the same number there is no spread to judge
against, and nothing is flagged.

The history takes at least 5 past points, excludes the period being checked (a revision is not
compared with itself), excludes censored values, and stays within the indicator's series segment:
values measured before a series break are another method and say nothing about the new one.
Rates are compared as people read them: numerator ÷ denominator × scale.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from commonground.measurement.models import DataValue, ReviewState
from commonground.measurement.validation.registry import Registry
from commonground.measurement.validation.rules import VT

MIN_POINTS = 5
THRESHOLD = Decimal("3.5")
MAD_FACTOR = Decimal("0.6745")
MEAN_AD_FACTOR = Decimal("0.7979")

# (partnership id, indicator id, cell key) → [(period, value)]; plain values are accepted too.
History = Mapping[tuple[int, int, str], list]


def median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def modified_z(x: Decimal, history: list[Decimal]) -> Decimal | None:
    """M of ``x`` against ``history``; None for fewer than 5 points or a history without spread."""
    if len(history) < MIN_POINTS:
        return None
    centre = median(history)
    deviations = [abs(v - centre) for v in history]
    mad = median(deviations)
    if mad:
        return MAD_FACTOR * (x - centre) / mad
    mean_ad = sum(deviations, Decimal(0)) / len(deviations)
    if mean_ad:
        return MEAN_AD_FACTOR * (x - centre) / mean_ad
    return None


def is_outlier(score: Decimal | None) -> bool:
    return score is not None and abs(score) > THRESHOLD


def load_history(registry: Registry, partnership_ids: Iterable[int]) -> dict:
    """The approved, uncensored history of these partners, in one query."""
    history = defaultdict(list)
    rows = DataValue.objects.filter(
        partnership_id__in=list(partnership_ids),
        review_state=ReviewState.APPROVED,
        censor="",
    ).values_list(
        "partnership_id", "indicator_id", "cell", "period", "value", "numerator", "denominator"
    )
    for partnership_id, indicator_id, cell, period, value, numerator, denominator in rows:
        indicator = registry.indicators_by_id.get(indicator_id)
        if indicator is None:
            continue
        if indicator.value_type == VT.RATE:
            if numerator is None or not denominator:
                continue
            value = numerator / denominator * indicator.scale_factor
        if value is None:
            continue
        history[(partnership_id, indicator_id, cell)].append((period, value))
    return dict(history)


def segment(period: str, breaks: list[str]) -> str | None:
    """The series break that starts the segment ``period`` is in (None: the first segment).

    Codes of one frequency sort in time order (``2024Q1`` < ``2024Q2``, ``SY2023-24`` <
    ``SY2024-25``), so a string comparison places a period between breaks.
    """
    start = None
    for at in breaks:
        if at <= period:
            start = at
    return start


def past_points(items, period: str, breaks: list[str]) -> list[Decimal]:
    """The history's numbers to compare a value of ``period`` with."""
    here = segment(period, breaks)
    points = []
    for item in items:
        if isinstance(item, tuple):
            when, number = item
            if when == period or (breaks and segment(when, breaks) != here):
                continue
        else:
            number = item
        points.append(Decimal(number))
    return points
