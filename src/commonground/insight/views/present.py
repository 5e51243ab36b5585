"""What the report card pages show, derived from the report card document.

The document (``insight/document.py``) holds the figures; this module turns one indicator's
report into what a tile and an indicator page print: words for trends, cells of tables that know
whether they are a number, a withheld small cell or a censored value, the chart specifications
and the rows of their text alternatives. It reads nothing from the database. The words shared
with the PDF, the CSV and the embed come from ``insight/outputs/describe.py`` and the tile's
sparkline from ``insight/outputs/charts.py``, so every output reads and draws the same.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonground.insight import runchart, trends, turn_the_curve
from commonground.insight.charts import format_value, turn_the_curve_spec
from commonground.insight.markdown import render_story
from commonground.insight.outputs import charts as output_charts
from commonground.insight.outputs import describe
from commonground.insight.trends import TrendClass
from commonground.measurement.periods import Frequency, PeriodError, parse_period_for

# Periods drawn after the latest value when there is no later target to reach.
FORECAST_PERIODS = 3
# The forecast is drawn up to a later target (however near), but never further than this.
MAX_FORECAST_PERIODS = 10


# --- periods -------------------------------------------------------------------------------------


class Timeline:
    """Period codes ↔ positions in time (``trends.period_position``) for one initiative."""

    def __init__(self, initiative, frequency: str):
        self.initiative = initiative
        self.frequency = frequency

    def position(self, code: str) -> int | None:
        try:
            return trends.period_position(parse_period_for(self.initiative, code))
        except PeriodError:
            return None

    def code(self, position: float) -> str:
        """The period code at ``position``, for this frequency."""
        x = int(position)
        if self.frequency == Frequency.QUARTERLY:
            return f"{x // 4}Q{x % 4 + 1}"
        if self.frequency == Frequency.MONTHLY:
            return f"{x // 12}-{x % 12 + 1:02d}"
        if self.frequency == Frequency.SCHOOL_YEAR:
            return f"SY{x}-{(x + 1) % 100:02d}"
        if self.frequency == Frequency.FISCAL_YEAR:
            return f"FY{x}"
        return str(x)

    def observations(self, series) -> list[trends.Observation]:
        """A document series as the trend functions read it (withheld points have no value)."""
        result = []
        for point in series.points:
            x = self.position(point.period)
            if x is not None:
                result.append(trends.Observation(float(x), point.value, point.is_censored))
        return result

    def break_positions(self, breaks) -> list[float]:
        return [float(x) for x in (self.position(p) for p, _note in breaks) if x is not None]


# --- table cells ---------------------------------------------------------------------------------

VALUE, WITHHELD, CENSORED, MISSING = "value", "withheld", "censored", "missing"


@dataclass(frozen=True)
class Cell:
    """One figure as printed: a number with its unit, or the reason there is none."""

    state: str  # value, withheld (small cell, public), censored, missing
    text: str = ""


def cell(indicator, point) -> Cell:
    if point is None:
        return Cell(MISSING)
    if point.suppressed:
        return Cell(WITHHELD)  # never a number, not even the bound
    if point.value is None:
        return Cell(CENSORED if point.censored else MISSING)
    return Cell(VALUE, describe.figure(indicator, point.value))


@dataclass
class Table:
    """Periods (newest first) × series: the text alternative of a chart, or the data table."""

    columns: list[str]
    rows: list[tuple[str, list[Cell]]]

    @property
    def withheld(self) -> bool:
        return any(c.state == WITHHELD for _period, cells in self.rows for c in cells)

    @property
    def censored(self) -> bool:
        return any(c.state == CENSORED for _period, cells in self.rows for c in cells)


def table(indicator, series_list, periods) -> Table:
    by_series = [{p.period: p for p in series.points} for series in series_list]
    rows = [
        (period, [cell(indicator, points.get(period)) for points in by_series])
        for period in reversed(periods)
        if any(period in points for points in by_series)
    ]
    columns = [_("All partners") if s.key == "" else s.label for s in series_list]
    return Table(columns, rows)


# --- tiles ---------------------------------------------------------------------------------------


@dataclass
class Tile:
    """One indicator on the report card."""

    report: object  # document.IndicatorReport
    trend: describe.TrendWords
    run: str  # "since 2015: 11 periods", or ""
    latest: Cell  # the newest period's figure, or why it is not shown
    latest_period: str | None
    last_shown: tuple[str, str] | None  # (period, figure) when the newest is not shown
    facts: list[tuple[str, str]]
    chart: dict | None
    chart_table: Table
    gaps: list
    gaps_period: str | None
    story: SafeString
    partners: list[tuple[str, Cell, str | None]]  # label, latest figure, its period
    url: str

    @property
    def indicator(self):
        return self.report.indicator

    @property
    def completeness(self) -> tuple[int, int]:
        return self.report.completeness

    @property
    def last_updated(self) -> datetime | None:
        return self.report.last_updated


def run_words(report, timeline: Timeline) -> str:
    """ "since 2015: 11 periods" — how long the current trend has run (since the last break)."""
    trend = report.trend
    if trend is None or trend.current.start is None:
        return ""
    n = trend.periods_run
    return ngettext(
        "since %(period)s: %(n)d period",
        "since %(period)s: %(n)d periods",
        n,
    ) % {"period": timeline.code(trend.current.start), "n": n}


def build_tile(report, *, initiative, url: str = "") -> Tile:
    indicator = report.indicator
    timeline = Timeline(initiative, indicator.frequency)
    lines = output_charts.sparkline_lines(report)
    newest = report.total.points[-1] if report.total and report.total.points else None
    latest = cell(indicator, newest)
    last_shown = None
    if newest is not None and latest.state != VALUE and report.latest is not None:
        last_shown = (report.latest.period, describe.figure(indicator, report.latest.value))
    equity = report.equity
    gaps_period = timeline.code(equity.at) if equity and equity.at is not None else None
    return Tile(
        report=report,
        trend=describe.trend_words(report),
        run=run_words(report, timeline),
        latest=latest,
        latest_period=newest.period if newest else None,
        last_shown=last_shown,
        facts=describe.facts(report),
        chart=output_charts.sparkline(report, width="container"),
        chart_table=table(indicator, lines, report.periods),
        gaps=gap_details(report, gaps_period),
        gaps_period=gaps_period,
        story=render_story(indicator.story),
        partners=[
            (
                s.label,
                cell(indicator, s.points[-1] if s.points else None),
                s.points[-1].period if s.points else None,
            )
            for s in report.partners
        ],
        url=url,
    )


# --- the indicator page --------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentWords:
    """One segment's Mann–Kendall test in figures and in words."""

    span: str  # "2008 – 2020"
    classification: str
    n: int
    censored: int
    missing: int
    s: int | None
    p: str
    slope: str  # "rising by about 0.6 percentage points a year"
    interval: str  # "0.3 to 0.9 percentage points a year"
    is_current: bool


def _per_period(indicator) -> str:
    words = {
        Frequency.ANNUAL: _("a year"),
        Frequency.SCHOOL_YEAR: _("a school year"),
        Frequency.FISCAL_YEAR: _("a fiscal year"),
        Frequency.QUARTERLY: _("a quarter"),
        Frequency.MONTHLY: _("a month"),
    }
    return words.get(indicator.frequency, _("a period"))


def amount(indicator, number: float, *, decimals: int | None = None) -> str:
    """An amount of change in the indicator's unit: "0.6 percentage points", "12 students"."""
    decimals = indicator.decimals + 1 if decimals is None else decimals
    text = f"{abs(number):,.{decimals}f}"
    if indicator.unit == "%":
        return _("%(number)s percentage points") % {"number": text}
    return f"{text} {indicator.unit}" if indicator.unit else text


def slope_words(indicator, slope: float) -> str:
    """Sen's slope in plain words: "rising by about 0.6 percentage points a year"."""
    if slope == 0:
        return _("flat: no change per period")
    template = (
        _("rising by about %(amount)s %(per)s")
        if slope > 0
        else _("falling by about %(amount)s %(per)s")
    )
    return template % {"amount": amount(indicator, slope), "per": _per_period(indicator)}


def _bare(number: float, decimals: int) -> str:
    """A number without its unit, with a true minus sign: "−0.59", "1.2"."""
    return ("−" if number < 0 else "") + f"{abs(number):,.{decimals}f}"


def segment_words(indicator, trend, timeline, *, current: bool) -> SegmentWords:
    test = trend.test
    span = ""
    if trend.start is not None:
        span = f"{timeline.code(trend.start)}–{timeline.code(trend.end)}"
    slope = interval = p = ""
    if test is not None:
        slope = slope_words(indicator, test.slope)
        p = f"{test.p:.3f}" if test.p >= 0.001 else "< 0.001"
        if test.slope_ci is not None:
            low, high = test.slope_ci
            interval = _("%(low)s to %(high)s %(per)s") % {
                "low": _bare(low, indicator.decimals + 1),
                "high": amount(indicator, high) if high >= 0 else "−" + amount(indicator, high),
                "per": _per_period(indicator),
            }
    return SegmentWords(
        span=span,
        classification=str(TrendClass(trend.classification).label),
        n=trend.n,
        censored=trend.censored,
        missing=trend.missing,
        s=test.s if test else None,
        p=p,
        slope=slope,
        interval=interval,
        is_current=current,
    )


def _percent(fraction: Decimal | None, *, signed: bool = True) -> str:
    if fraction is None:
        return "—"
    percent = fraction * 100
    sign = ("+" if percent > 0 else ("−" if percent < 0 else "")) if signed else ""
    return f"{sign}{abs(percent):,.1f}%"


def scorecard_rows(report, timeline) -> list[tuple[str, str, str]]:
    """(column, figure, how it is computed) for the scorecard table (SPEC §3.2.5)."""
    row = report.scorecard
    if row is None:
        return []
    indicator = report.indicator
    latest = report.latest
    rows = [
        (
            _("Latest value (A)"),
            f"{describe.figure(indicator, row.actual)} ({latest.period})" if latest else "—",
            "",
        ),
        (
            _("Target (T)"),
            f"{describe.figure(indicator, row.target)} ({report.target[0]})"
            if report.target
            else _("none set"),
            "",
        ),
        (
            _("Percent of target"),
            _percent(
                None if row.percent_of_target is None else row.percent_of_target / 100, signed=False
            ),
            _("A ÷ T × 100"),
        ),
        (_("Variance from target"), _percent(row.variance_from_target), _("(A − T) ÷ T")),
        (
            _("Baseline (B)"),
            f"{describe.figure(indicator, row.baseline)} ({report.baseline[0]})"
            if report.baseline
            else _("none set"),
            "",
        ),
        (_("Change since baseline"), _percent(row.change_since_baseline), _("(A − B) ÷ B")),
    ]
    current = str(TrendClass(row.current_trend).label)
    run = run_words(report, timeline)
    rows.append((_("Current trend"), f"{current} ({run})" if run else current, ""))
    rows.append((_("Beats the forecast?"), forecast_words(report), ""))
    return rows


def forecast_words(report) -> str:
    """Whether the latest value beats what the earlier values forecast for its period."""
    check = report.forecast
    indicator = report.indicator
    if check is None or check.forecast is None or check.actual is None:
        return _("No forecast: fewer than 5 earlier values measured the same way.")
    predicted = check.forecast
    expected = describe.figure(indicator, Decimal(repr(predicted.value)))
    if predicted.low is not None:
        expected = _("%(value)s (range %(low)s to %(high)s)") % {
            "value": expected,
            "low": describe.figure(indicator, Decimal(repr(predicted.low))),
            "high": describe.figure(indicator, Decimal(repr(predicted.high))),
        }
    if check.beats is None:
        where = {
            "above": _("above the forecast range"),
            "below": _("below the forecast range"),
            "within": _("within the forecast range"),
        }.get(check.position or "", _("no verdict for an indicator without a better direction"))
        return _("%(where)s; forecast %(expected)s") % {"where": where, "expected": expected}
    verdict = _("Yes") if check.beats else _("No")
    return _("%(verdict)s: the forecast “if nothing changes” was %(expected)s") % {
        "verdict": verdict,
        "expected": expected,
    }


@dataclass(frozen=True)
class RunChartWords:
    n: int
    centre: str
    longest_run: int
    longest_run_limit: int | None
    crossings: int
    crossings_limit: int | None
    signal: bool | None
    summary: str


def run_chart_words(report, timeline) -> RunChartWords | None:
    if report.total is None:
        return None
    indicator = report.indicator
    result = runchart.run_chart(
        timeline.observations(report.total), breaks=timeline.break_positions(report.breaks)
    )
    if result.n == 0:
        return None
    if not result.enough_data:
        summary = ngettext(
            "The run-chart rules need at least 10 values; this series has %(n)d.",
            "The run-chart rules need at least 10 values; this series has %(n)d.",
            result.n,
        ) % {"n": result.n}
    elif result.signal:
        reasons = []
        if result.long_run:
            reasons.append(
                _("a run of %(run)d values on one side of the median (more than %(limit)d)")
                % {"run": result.longest_run, "limit": result.longest_run_limit}
            )
        if result.few_crossings:
            reasons.append(
                ngettext(
                    "only %(crossings)d crossing of the median (fewer than %(limit)d)",
                    "only %(crossings)d crossings of the median (fewer than %(limit)d)",
                    result.crossings,
                )
                % {"crossings": result.crossings, "limit": result.crossings_limit}
            )
        summary = _("Signal of non-random variation: %(reasons)s.") % {
            "reasons": _(" and ").join(reasons)
        }
    else:
        summary = _(
            "No signal: the runs and crossings are what chance alone would give around the median."
        )
    return RunChartWords(
        n=result.n,
        centre=describe.figure(indicator, Decimal(repr(result.centre)))
        if result.centre is not None
        else "—",
        longest_run=result.longest_run,
        longest_run_limit=result.longest_run_limit,
        crossings=result.crossings,
        crossings_limit=result.crossings_limit,
        signal=result.signal,
        summary=summary,
    )


def _projection(report, timeline) -> list[tuple[str, float, float | None, float | None]]:
    """The forecast "if nothing changes" from the latest period forward, joined to it."""
    observations = timeline.observations(report.total)
    breaks = timeline.break_positions(report.breaks)
    last = trends.segments(observations, breaks)[-1] if observations else None
    if last is None:
        return []
    horizon = FORECAST_PERIODS
    if report.target is not None:
        target_x = timeline.position(report.target[0])
        if target_x is not None and target_x > last.end:
            horizon = min(int(target_x - last.end), MAX_FORECAST_PERIODS)
    ahead = turn_the_curve.forecast(observations, horizon=horizon, breaks=breaks)
    if not ahead:
        return []
    # The Sen line at the latest period itself, so the dashed line starts where the data ends.
    fit = ahead[0].basis
    ends = [fit.y_median + b * (last.end - fit.x_median) for b in fit.slope_ci or ()]
    start = (
        timeline.code(last.end),
        fit.line(last.end),
        min(ends, default=None),
        max(ends, default=None),
    )
    return [start, *((timeline.code(f.x), f.value, f.low, f.high) for f in ahead)]


@dataclass
class TurnTheCurve:
    spec: dict
    table: list[tuple[str, Cell, str, str]]  # period, actual, forecast, forecast range


def _axis(report, timeline, projection) -> list[str]:
    """Every period from the first to the last drawn, gaps included, so spacing is time.

    A baseline or target up to ``MAX_FORECAST_PERIODS`` periods beyond the data widens the axis
    to show where it stands; further away, its rule is still drawn across the chart.
    """
    shown = [timeline.position(p.period) for p in report.total.points]
    shown += [timeline.position(row[0]) for row in projection]
    shown = [x for x in shown if x is not None]
    first, last = min(shown), max(shown)
    for point in (report.baseline, report.target):
        x = timeline.position(point[0]) if point else None
        if x is not None and first - MAX_FORECAST_PERIODS <= x <= last + MAX_FORECAST_PERIODS:
            first, last = min(first, x), max(last, x)
    return [timeline.code(x) for x in range(first, last + 1)]


def turn_the_curve_chart(report, timeline) -> TurnTheCurve | None:
    total = report.total
    if total is None or not total.shown:
        return None
    indicator = report.indicator

    def shown(value) -> str:
        return format_value(value, indicator.unit, indicator.decimals)

    projection = _projection(report, timeline)
    periods = _axis(report, timeline, projection)
    spec = turn_the_curve_spec(
        [(p.period, p.value) for p in total.points],
        periods=periods,
        forecast=projection,
        target=report.target,
        baseline=report.baseline,
        unit=indicator.unit,
        decimals=indicator.decimals,
        breaks=report.breaks,
        description=_("%(name)s: history, the forecast if nothing changes, and the target")
        % {"name": indicator.name},
    )
    by_period = {p.period: p for p in total.points}
    ahead = {row[0]: row for row in projection[1:]}  # the first row is the latest period
    rows = []
    for period in reversed(periods):
        point, forecast = by_period.get(period), ahead.get(period)
        if point is None and forecast is None:
            continue
        forecast_text = range_text = ""
        if forecast is not None:
            _period, value, low, high = forecast
            forecast_text = shown(value)
            if low is not None:
                range_text = f"{shown(low)} – {shown(high)}"
        rows.append((period, cell(indicator, point), forecast_text, range_text))
    return TurnTheCurve(spec, rows)


@dataclass
class IndicatorPage:
    tile: Tile
    turn_the_curve: TurnTheCurve | None
    scorecard: list[tuple[str, str, str]]
    segments: list[SegmentWords]
    has_break: bool
    run_chart: RunChartWords | None
    data: Table  # total and cells, or each partner
    gap_chart: dict | None
    gaps: list


def build_indicator_page(report, *, initiative) -> IndicatorPage:
    indicator = report.indicator
    timeline = Timeline(initiative, indicator.frequency)
    tile = build_tile(report, initiative=initiative, url="")
    segments = []
    if report.trend is not None:
        count = len(report.trend.segments)
        segments = [
            segment_words(indicator, t, timeline, current=i == count - 1)
            for i, t in enumerate(report.trend.segments)
        ]
    series = [report.total, *report.cells] if report.total else list(report.partners)
    return IndicatorPage(
        tile=tile,
        turn_the_curve=turn_the_curve_chart(report, timeline),
        scorecard=scorecard_rows(report, timeline),
        segments=segments,
        has_break=bool(report.trend and report.trend.has_break),
        run_chart=run_chart_words(report, timeline),
        data=table(indicator, series, report.periods),
        gap_chart=output_charts.gap_chart(report, width="container", height=240),
        gaps=gap_details(report, tile.gaps_period),
    )


@dataclass(frozen=True)
class GapDetail:
    row: object  # describe.GapRow: the group's name, gap and gap trend in words
    value: Cell  # the group's value at the period compared (withheld, censored or missing)
    ratio: str
    periods: int  # periods in the gap trend
    p: str


def gap_details(report, gaps_period: str | None) -> list[GapDetail]:
    """The equity gaps, each group's value as a table cell (a withheld one marked, not "—")."""
    if report.equity is None:
        return []
    indicator = report.indicator
    by_key = {series.key: series for series in report.cells}
    details = []
    for row, gap in zip(describe.gap_rows(report), report.equity.gaps, strict=True):
        series = by_key.get(output_charts.group_key(report, gap.group))
        point = (
            next((p for p in series.points if p.period == gaps_period), None) if series else None
        )
        current = gap.gap_trend.current if gap.gap_trend else None
        test = current.test if current else None
        details.append(
            GapDetail(
                row=row,
                value=cell(indicator, point),
                ratio=f"{gap.ratio:.2f}" if gap.ratio is not None else "",
                periods=current.n if current else 0,
                p=(f"{test.p:.3f}" if test.p >= 0.001 else "< 0.001") if test else "",
            )
        )
    return details
