"""Which periods a partner should be reporting now, and the period before a given one.

The to-do list offers, for each frequency a partner reports, the periods that ended in the last
two years (SPEC §4.1: a period is open for reporting from its end). Older reports still show up
when they are not approved yet (a returned or reopened report from long ago).
"""

from datetime import date, timedelta

from commonground.measurement.periods import (
    Frequency,
    Period,
    PeriodError,
    parse_period_for,
    school_year_code,
)

LOOK_BACK = timedelta(days=731)  # two years, leap day included


def _codes(frequency: str, year: int) -> list[str]:
    if frequency == Frequency.ANNUAL:
        return [f"{year:04d}"]
    if frequency == Frequency.QUARTERLY:
        return [f"{year:04d}Q{q}" for q in range(1, 5)]
    if frequency == Frequency.MONTHLY:
        return [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    if frequency == Frequency.SCHOOL_YEAR:
        return [school_year_code(year)]
    if frequency == Frequency.FISCAL_YEAR:
        return [f"FY{year:04d}"]
    raise PeriodError(f"'{frequency}' is not a reporting frequency.")


def ended_periods(initiative, frequency: str, today: date) -> list[Period]:
    """Periods of ``frequency`` that ended before ``today`` and within the last two years.

    Newest first. A period ends on its last day, so it is reportable from the day after.
    """
    earliest_end = today - LOOK_BACK
    found = []
    for year in range(today.year - 3, today.year + 1):
        for code in _codes(frequency, year):
            period = parse_period_for(initiative, code, frequency)
            if earliest_end <= period.end < today:
                found.append(period)
    return sorted(found, key=lambda p: p.start, reverse=True)


def previous_period(initiative, code: str) -> str | None:
    """The code of the period just before ``code``, of the same frequency (``None`` if none)."""
    try:
        period = parse_period_for(initiative, code)
    except PeriodError:
        return None
    year = period.start.year
    frequency = period.frequency
    if frequency == Frequency.QUARTERLY:
        quarter = int(code[-1])
        return f"{year - 1:04d}Q4" if quarter == 1 else f"{year:04d}Q{quarter - 1}"
    if frequency == Frequency.MONTHLY:
        month = period.start.month
        return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"
    if year <= 1:
        return None
    return _codes(frequency, year - 1)[0]


def period_start(initiative, code: str) -> date:
    """For sorting reports newest first; unknown codes sort last."""
    try:
        return parse_period_for(initiative, code).start
    except PeriodError:
        return date.min
