"""Aggregating partners' values by each indicator's rule (SPEC §3.2.1).

Pure functions over plain rows, so the same rules serve the report card now and the rollups
later. Rates aggregate as Σnumerator ÷ Σdenominator — never the mean of percentages. Censored
values (``<10``) are excluded from every aggregate and counted, never read as numbers.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ValueRow:
    """One approved value of one reporter for one period and cell."""

    partnership_id: int
    period: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    censored: bool = False


@dataclass(frozen=True)
class Aggregate:
    value: Decimal | None
    reporters: int
    censored: int = 0
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _usable(rows, *fields):
    kept, censored = [], 0
    for row in rows:
        if row.censored:
            censored += 1
        elif all(getattr(row, f) is not None for f in fields):
            kept.append(row)
    return kept, censored


RULES = frozenset({"sum", "ratio_of_sums", "weighted_mean", "latest", "max", "min", "none"})


def aggregate_period(rows: list[ValueRow], rule: str, scale_factor: Decimal) -> Aggregate:
    """Combine one period's rows (one per reporter) by ``rule``."""
    if rule not in RULES:
        # Checked first: a misspelt rule must fail on an empty period too, not pass unnoticed.
        raise ValueError(f"Unknown aggregation rule {rule!r}")
    if rule == "ratio_of_sums":
        kept, censored = _usable(rows, "numerator", "denominator")
        numerator = sum((r.numerator for r in kept), Decimal(0))
        denominator = sum((r.denominator for r in kept), Decimal(0))
        value = numerator / denominator * scale_factor if denominator else None
        return Aggregate(value, len(kept), censored, numerator, denominator)
    if rule == "weighted_mean":
        kept, censored = _usable(rows, "value", "denominator")
        weight = sum((r.denominator for r in kept), Decimal(0))
        value = (
            sum((r.value * r.denominator for r in kept), Decimal(0)) / weight if weight else None
        )
        return Aggregate(value, len(kept), censored, denominator=weight or None)
    kept, censored = _usable(rows, "value")
    values = [r.value for r in kept]
    if not values or rule == "none":
        return Aggregate(None, len(kept), censored)
    if rule in ("sum", "latest"):
        value = sum(values, Decimal(0))
    elif rule == "max":
        value = max(values)
    else:
        value = min(values)
    return Aggregate(value, len(kept), censored)


def aggregate_series(
    rows: Iterable[ValueRow],
    *,
    rule: str,
    scale_factor: Decimal,
    cumulative: bool,
    period_order: dict[str, object],
) -> dict[str, Aggregate]:
    """Aggregate each period, in the order given by ``period_order`` (code → sort key).

    For cumulative indicators (and the ``latest`` rule) each reporter's latest value so far
    stands for it in every later period it did not report.
    """
    by_period: dict[str, dict[int, ValueRow]] = defaultdict(dict)
    for row in rows:
        by_period[row.period][row.partnership_id] = row
    periods = sorted(by_period, key=period_order.__getitem__)
    carry = cumulative or rule == "latest"
    latest: dict[int, ValueRow] = {}
    series = {}
    for period in periods:
        if carry:
            latest.update(by_period[period])
            current = list(latest.values())
        else:
            current = list(by_period[period].values())
        series[period] = aggregate_period(current, rule, scale_factor)
    return series
