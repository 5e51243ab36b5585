"""The report card's figures as CSV: one row per indicator × series × period.

A *series* is the combined total (``total``), a disaggregation cell (``race=black``) or, for an
indicator not combined across partners, one partner (``partner:<code>``). Columns:

``indicator, indicator_name, series, series_label, period, value, numerator, denominator, unit,
reporters, censored, status``

* ``value`` is rounded to the indicator's decimals exactly as every report card output shows
  it (``describe.rounded``, half up); a rate's ``numerator`` and ``denominator`` are exact.
* ``status`` is ``ok``, ``suppressed`` (public card: withheld to protect privacy — value,
  numerator and denominator are blank) or ``no value`` (nothing usable reported, e.g. only
  censored values).
* Every text cell is neutralized against formula injection (``safe_text``); numbers are
  written plainly, without exponent or thousands separator.

A suppressed point's figures are blanked here too, whatever the document holds, so a mistake
upstream cannot leak a small count through a download (SPEC §3.2.7).
"""

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from commonground.insight.outputs.describe import rounded
from commonground.insight.outputs.safe_text import neutralize
from commonground.measurement.exports.query import plain_number

HEADER = [
    "indicator",
    "indicator_name",
    "series",
    "series_label",
    "period",
    "value",
    "numerator",
    "denominator",
    "unit",
    "reporters",
    "censored",
    "status",
]
OK, SUPPRESSED, NO_VALUE = "ok", "suppressed", "no value"
TOTAL_SERIES = "total"


def _rounded(value: Decimal | None, decimals: int) -> str:
    return "" if value is None else plain_number(rounded(value, decimals))


def _series_of(report):
    if report.total is not None:
        yield report.total
    yield from report.partners
    yield from report.cells


def point_row(indicator, series, point) -> list[str]:
    """One row of the file; every text cell neutralized."""
    if point.suppressed:
        status, value, numerator, denominator = SUPPRESSED, "", "", ""
    else:
        status = OK if point.value is not None else NO_VALUE
        value = _rounded(point.value, indicator.decimals)
        numerator = plain_number(point.numerator)
        denominator = plain_number(point.denominator)
    return [
        neutralize(indicator.code),
        neutralize(indicator.name),
        neutralize(series.key or TOTAL_SERIES),
        neutralize(series.label),
        neutralize(point.period),
        value,
        numerator,
        denominator,
        neutralize(indicator.unit),
        str(point.reporters),
        str(point.censored),
        status,
    ]


def rows(card) -> Iterator[list[str]]:
    """The header, then every point of every series of every indicator, in the card's order."""
    yield list(HEADER)
    for report in card.indicators:
        for series in _series_of(report):
            for point in series.points:
                yield point_row(report.indicator, series, point)


def render_report_card_csv(card) -> str:
    """The whole file as text (a report card is small: one row per shown figure)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows(card))
    return out.getvalue()
