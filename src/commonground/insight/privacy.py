"""Small-cell suppression for public outputs (SPEC §3.2.7).

The public report card shows only totals across partners for now; a total is withheld when the
count behind it is below the initiative's threshold k. Disaggregated public cells, and the
complementary suppression they need, come with the report-card work of the insight issue.
"""

from decimal import Decimal

from commonground.insight.aggregation import Aggregate


def is_small(aggregate: Aggregate, value_type: str, k: int) -> bool:
    """Whether publishing this aggregate would show a count below k."""
    if value_type == "rate":
        numerator, denominator = aggregate.numerator, aggregate.denominator
        if numerator is None or denominator is None:
            return True
        # Both the people counted and the people not counted must be at least k.
        return min(numerator, denominator - numerator, denominator) < k
    if value_type == "count" and aggregate.value is not None:
        return Decimal(0) < aggregate.value < k
    return False
