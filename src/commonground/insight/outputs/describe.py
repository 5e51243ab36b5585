"""Words for the report card's figures: trends, gaps, completeness and chart descriptions.

Shared by the PDF, the standalone HTML and the embed, so they read the same. Everything is
derived from the ``ReportCard`` document; nothing here reads the database.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from commonground.insight.charts import format_value
from commonground.insight.equity import GapTrend
from commonground.insight.outputs.charts import group_key
from commonground.insight.trends import TrendClass

# How a slope per period reads for each frequency ("a year", "a quarter"…).
_PER_PERIOD = {
    "annual": gettext_noop("a year"),
    "school_year": gettext_noop("a school year"),
    "fiscal_year": gettext_noop("a fiscal year"),
    "quarterly": gettext_noop("a quarter"),
    "monthly": gettext_noop("a month"),
}
_TONES = {
    TrendClass.IMPROVING: "good",
    TrendClass.WORSENING: "bad",
}
_GAP_TONES = {GapTrend.CLOSING: "good", GapTrend.WIDENING: "bad"}


@dataclass(frozen=True)
class TrendWords:
    """A trend as a reader sees it: a label, an arrow, a tone for its colour, and the detail."""

    label: str
    arrow: str  # ↑ ↓ → or "" without a verdict
    tone: str  # good, bad or neutral: the colour follows the polarity, not the direction
    detail: str


def rounded(value, decimals: int) -> Decimal:
    """An exact value rounded as people expect (86.45 → 86.5), the same in every output."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def figure(indicator, value) -> str:
    """``47.7%``, ``1,056 students``; an em dash for no value."""
    if value is None:
        return "—"
    return format_value(rounded(value, indicator.decimals), indicator.unit, indicator.decimals)


def _per_period(indicator) -> str:
    return _(_PER_PERIOD.get(indicator.frequency, gettext_noop("a period")))


def _slope_text(indicator, slope: float) -> str:
    unit = indicator.unit
    decimals = indicator.decimals + 1
    number = f"{abs(slope):,.{decimals}f}"
    if unit == "%":
        amount = _("%(number)s percentage points") % {"number": number}
    elif unit:
        amount = f"{number} {unit}"
    else:
        amount = number
    return _("%(direction)s %(amount)s %(per)s") % {
        "direction": _("up") if slope > 0 else _("down"),
        "amount": amount,
        "per": _per_period(indicator),
    }


def trend_words(report) -> TrendWords:
    """ "Improving ↑ — up 1.2 percentage points a year over 9 values (Mann–Kendall p = 0.004)"."""
    classification = TrendClass(report.classification or TrendClass.NOT_ENOUGH_DATA)
    if report.trend is None and report.partners:
        return _partners_trend_words(report, classification)
    current = report.trend.current if report.trend is not None else None
    test = current.test if current is not None else None
    arrow = ""
    if classification not in (TrendClass.NOT_ENOUGH_DATA,):
        direction = current.direction if current is not None else 0
        arrow = {1: "↑", -1: "↓"}.get(direction, "→")
    if test is None:
        n = current.n if current is not None else 0
        detail = ngettext(
            "%(n)d value so far; a trend needs at least 5.",
            "%(n)d values so far; a trend needs at least 5.",
            n,
        ) % {"n": n}
    else:
        slope = _slope_text(report.indicator, test.slope) if test.slope else _("flat")
        detail = _("%(slope)s over %(n)d values (Mann–Kendall p %(p)s)") % {
            "slope": slope,
            "n": test.n,
            "p": f"= {test.p:.3f}" if test.p >= 0.001 else "< 0.001",
        }
        if report.trend.has_break:
            detail += " " + _("since the series break")
    return TrendWords(
        label=str(classification.label),
        arrow=arrow,
        tone=_TONES.get(classification, "neutral"),
        detail=detail,
    )


def _partners_trend_words(report, classification: TrendClass) -> TrendWords:
    """An indicator not combined across partners: the verdict its partners' own trends share."""
    directions = {
        s.trend.current.direction
        for s in report.partners
        if s.trend is not None and s.trend.current.direction
    }
    arrow = ""
    if classification == TrendClass.NO_CLEAR_TREND or len(directions) > 1:
        arrow = "→"
    elif classification != TrendClass.NOT_ENOUGH_DATA and directions:
        arrow = {1: "↑", -1: "↓"}[directions.pop()]
    if classification == TrendClass.NOT_ENOUGH_DATA:
        detail = _("no partner's own figures have enough values for a trend yet.")
    elif classification == TrendClass.NO_CLEAR_TREND:
        detail = _("the partners' own trends differ or are not clear.")
    else:
        detail = _("every partner whose own figures show a trend agrees.")
    tone = _TONES.get(classification, "neutral")
    return TrendWords(str(classification.label), arrow, tone, detail)


@dataclass(frozen=True)
class GapRow:
    group: str
    value: str
    gap: str  # difference to the reference, in the indicator's unit
    trend: str
    tone: str
    is_reference: bool


def _signed(indicator, difference: Decimal | None) -> str:
    if difference is None:
        return "—"
    text = figure(indicator, abs(difference))
    if indicator.unit == "%":
        text = text.removesuffix("%") + " " + _("pts")
    sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
    return sign + text


def gap_rows(report) -> list[GapRow]:
    """The equity table: each group's value, its gap to the reference group, the gap's trend."""
    equity = report.equity
    if equity is None:
        return []
    labels = {series.key: series.label for series in report.cells}
    rows = []
    for gap in equity.gaps:
        trend = GapTrend(gap.trend) if gap.trend else None
        rows.append(
            GapRow(
                group=labels.get(group_key(report, gap.group), gap.group),
                value=figure(report.indicator, gap.value),
                gap=_("reference")
                if gap.is_reference
                else _signed(report.indicator, gap.difference),
                trend=str(trend.label) if trend else "",
                tone=_GAP_TONES.get(trend, "neutral") if trend else "neutral",
                is_reference=gap.is_reference,
            )
        )
    return rows


def chart_text(report, lines) -> str:
    """A text alternative for the sparkline: first and last shown value of each line."""
    indicator = report.indicator
    parts = []
    for series in lines:
        shown = [p for p in series.points if p.value is not None]
        if not shown:
            continue
        first, last = shown[0], shown[-1]
        parts.append(
            _("%(line)s from %(first)s in %(start)s to %(last)s in %(end)s")
            % {
                "line": series.label or indicator.name,
                "first": figure(indicator, first.value),
                "start": first.period,
                "last": figure(indicator, last.value),
                "end": last.period,
            }
        )
    return "; ".join(parts)


def headline(card) -> str:
    """ "3 of 5 indicators improving" (counted: indicators with a verdict, SPEC §3.2.6)."""
    share = card.improving
    if not share.denominator:
        return _("No indicator has a trend yet")
    return ngettext(
        "%(n)d of %(m)d indicator improving",
        "%(n)d of %(m)d indicators improving",
        share.denominator,
    ) % {"n": share.numerator, "m": share.denominator}


def gaps_headline(card) -> str:
    share = card.gaps_closing
    return ngettext(
        "%(n)d of %(m)d disparity gap closing",
        "%(n)d of %(m)d disparity gaps closing",
        share.denominator,
    ) % {"n": share.numerator, "m": share.denominator}


def _percent_change(fraction: Decimal) -> str:
    percent = fraction * 100
    sign = "+" if percent > 0 else ("−" if percent < 0 else "±")
    return f"{sign}{abs(percent):,.1f}%"


def facts(report) -> list[tuple[str, str]]:
    """The tile's short facts: baseline, target, scorecard columns, the forecast, polarity."""
    indicator = report.indicator
    rows = []
    if report.baseline is not None:
        period, value = report.baseline
        rows.append((_("Baseline"), f"{figure(indicator, value)} ({period})"))
    if report.target is not None:
        period, value = report.target
        rows.append((_("Target"), f"{figure(indicator, value)} ({period})"))
    scorecard = report.scorecard
    if scorecard is not None and scorecard.percent_of_target is not None:
        rows.append((_("Of target"), f"{scorecard.percent_of_target:,.0f}%"))
    if scorecard is not None and scorecard.change_since_baseline is not None:
        rows.append((_("Since baseline"), _percent_change(scorecard.change_since_baseline)))
    check = report.forecast
    if check is not None and check.beats is not None:
        rows.append(
            (
                _("Against the forecast"),
                _("better than “if nothing changes”")
                if check.beats
                else _("not better than “if nothing changes”"),
            )
        )
    rows.append((_("Better when"), str(indicator.get_polarity_display()).lower()))
    return rows
