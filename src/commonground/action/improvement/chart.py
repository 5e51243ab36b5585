"""The run chart of an improvement project's measure, with its PDSA cycles marked.

The series is the indicator's combined figure over all partners — the approved **rollups** of the
total cell (``insight.rollups``), as the report card reads them (a rate recomputed exactly from
its Σnumerator and Σdenominator). An indicator whose rule combines nothing (aggregation "none")
has no such series, hence no run chart here.

The centre line and the signals are those of the indicator's page (``insight.runchart``, the
Anhøj rules): the median of the values measured the same way as the latest (after the last
series break), drawn across those periods. Each cycle is placed at the period (of the
indicator's frequency) its start date falls in: a labelled vertical rule at its start, and a
band up to the period of its end when it spans several. The axis runs over every period from
the first value to the last (gaps stay gaps), widened to the cycles' periods when they are at
most ``MAX_WIDEN`` periods away — a cycle usually runs before its period's data is in.

The specification follows the report card's chart style (``insight.charts``): one Vega-Lite
specification, every line, rule and band labelled on the chart, drawn by ``charts.js``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import SimpleNamespace

from django.utils.translation import gettext as _

from commonground.action.models import PDSACycle, ProjectMeasure
from commonground.insight import charts, runchart, trends
from commonground.insight.models import Rollup
from commonground.insight.outputs.describe import figure
from commonground.insight.views.present import RunChartWords, Timeline, run_chart_words
from commonground.measurement.cells import TOTAL
from commonground.measurement.completeness import period_containing
from commonground.measurement.models import Indicator
from commonground.measurement.periods import PeriodError

# How far (in periods) the axis may widen beyond the data to show a cycle.
MAX_WIDEN = 10
CYCLE_COLOUR = "#b35900"  # dark orange: apart from the series' blue, 4.9:1 on white
BAND_COLOUR = "#f5d7b8"
LABEL_ROW = 13  # pixels between the stacked labels of cycles starting in one period

NOT_COMBINED = "not_combined"
NO_DATA = "no_data"


@dataclass(frozen=True)
class Point:
    period: str
    value: Decimal | None
    is_censored: bool = False  # only censored values at this period


@dataclass(frozen=True)
class CycleMark:
    """A cycle placed on the axis: the periods of its start and end (the same when it stays in
    one period, or is still running)."""

    number: int
    title: str
    start: str
    end: str
    decision: str  # the act's label, or "" while undecided
    shown: bool  # on the chart's axis (not too far from the data)


@dataclass
class MeasureChart:
    """One measure's run chart: its points, run analysis, cycle marks and specification."""

    measure: ProjectMeasure
    indicator: Indicator
    points: list[Point]  # oldest first
    periods: list[str]  # the axis
    run: runchart.RunChart | None
    centre_periods: list[str]  # the periods the centre line spans (the analysed segment)
    marks: list[CycleMark]
    spec: dict | None
    words: RunChartWords | None = None  # the signals in words, as on the indicator's page
    breaks: list[tuple[str, str]] = field(default_factory=list)  # (period, note)
    missing: str = ""  # NOT_COMBINED or NO_DATA when there is no chart

    @property
    def spec_id(self) -> str:
        return f"run-spec-{self.measure.pk}"

    @property
    def rows(self) -> list[dict]:
        """The text alternative: each period with a value or a cycle start, newest first."""
        by_period = {p.period: p for p in self.points}
        started: dict[str, list[str]] = {}
        for mark in self.marks:
            started.setdefault(mark.start, []).append(
                _("PDSA %(number)d") % {"number": mark.number}
            )
        rows = []
        for period in reversed(self.periods):
            point = by_period.get(period)
            if point is None and period not in started:
                continue
            rows.append(
                {
                    "period": period,
                    "value": point.value if point else None,
                    "censored": bool(point and point.is_censored),
                    "cycles": started.get(period, []),
                }
            )
        return rows

    @property
    def centre_text(self) -> str:
        if self.run is None or self.run.centre is None:
            return ""
        return figure(self.indicator, Decimal(repr(self.run.centre)))


def measure_series(indicator: Indicator) -> list[Point]:
    """The approved combined figure of every period with one (all partners, total cell),
    unordered: one query."""
    rows = Rollup.objects.filter(indicator=indicator, working_group=None, cell=TOTAL).values_list(
        "period", "value", "numerator", "denominator", "censored"
    )
    points = []
    for period, value, numerator, denominator, censored in rows:
        if (
            indicator.aggregation == Indicator.Aggregation.RATIO_OF_SUMS
            and numerator is not None
            and denominator
        ):
            # Exact from the exact parts, as the report card computes it.
            value = numerator / denominator * indicator.scale_factor
        points.append(Point(period, value, value is None and censored > 0))
    return points


def _axis(positions: list[int], extra: list[int], timeline: Timeline) -> list[str]:
    """Every period from the first value to the last, and to each of ``extra`` (the cycles'
    periods) at most ``MAX_WIDEN`` periods away from the values."""
    data_first, data_last = min(positions), max(positions)
    near = [x for x in extra if data_first - MAX_WIDEN <= x <= data_last + MAX_WIDEN]
    first, last = min([data_first, *near]), max([data_last, *near])
    return [timeline.code(x) for x in range(first, last + 1)]


def _period_code(indicator, day) -> str | None:
    """The code of the indicator's period that ``day`` falls in (``None`` off the calendar)."""
    try:
        return period_containing(indicator.initiative, indicator.frequency, day).code
    except PeriodError:
        return None


def _marks(cycles, indicator) -> list[CycleMark]:
    """Each cycle at the periods of its start and end (not yet placed on an axis)."""
    marks = []
    for cycle in cycles:
        start = _period_code(indicator, cycle.started_on)
        if start is None:
            continue
        end = _period_code(indicator, cycle.ended_on) if cycle.ended_on else None
        marks.append(
            CycleMark(
                number=cycle.number,
                title=cycle.title,
                start=start,
                end=end or start,
                decision=cycle.get_act_display() if cycle.act else "",
                shown=False,
            )
        )
    return marks


def build_measure_chart(
    measure: ProjectMeasure, cycles: list[PDSACycle], *, width: int | str = "container"
) -> MeasureChart:
    """The run chart of an indicator measure (``measure.indicator`` with its initiative and
    breaks at hand) with ``cycles`` marked: one query for the series."""
    indicator = measure.indicator
    chart = MeasureChart(measure, indicator, [], [], None, [], [], None)
    if indicator.aggregation == Indicator.Aggregation.NONE:
        chart.missing = NOT_COMBINED
        return chart
    timeline = Timeline(indicator.initiative, indicator.frequency)
    placed = [(timeline.position(p.period), p) for p in measure_series(indicator)]
    placed = sorted(((x, p) for x, p in placed if x is not None), key=lambda pair: pair[0])
    if not any(p.value is not None for _x, p in placed):
        chart.missing = NO_DATA
        return chart
    chart.points = [p for _x, p in placed]
    breaks = chart.breaks = [(b.period, b.note) for b in indicator.breaks.all()]
    break_positions = timeline.break_positions(breaks)
    observations = [trends.Observation(float(x), p.value, p.is_censored) for x, p in placed]
    chart.run = runchart.run_chart(observations, breaks=break_positions)
    # The indicator page's words read a report card's series; these points have its shape.
    report = SimpleNamespace(
        indicator=indicator, total=SimpleNamespace(points=chart.points), breaks=breaks
    )
    chart.words = run_chart_words(report, timeline)
    marks = _marks(cycles, indicator)
    cycle_periods = [timeline.position(code) for m in marks for code in (m.start, m.end)]
    chart.periods = _axis([x for x, _p in placed], cycle_periods, timeline)
    axis = set(chart.periods)
    chart.marks = [replace(m, shown=m.start in axis) for m in marks]
    segment = trends.segments(observations, break_positions)[-1]
    chart.centre_periods = [
        timeline.code(x) for x in range(int(segment.start), int(segment.end) + 1)
    ]
    chart.spec = run_chart_spec(
        [(p.period, p.value) for p in chart.points],
        periods=chart.periods,
        centre=chart.run.centre,
        centre_periods=chart.centre_periods,
        cycles=[m for m in chart.marks if m.shown],
        unit=indicator.unit,
        decimals=indicator.decimals,
        breaks=breaks,
        description=_("%(name)s: run chart with the project's PDSA cycles")
        % {"name": indicator.name},
        width=width,
    )
    return chart


def _cycle_layers(cycles: list[CycleMark], periods: list[str]) -> list[dict]:
    """A band over each cycle that spans periods, a rule at each start, labels stacked above
    the plot (the first cycle of a period on top): right of the rule in the first half of the
    axis, left of it in the second, so a narrow chart does not cut them off."""
    order = {p: i for i, p in enumerate(periods)}
    starting: dict[str, int] = {}
    for mark in cycles:
        starting[mark.start] = starting.get(mark.start, 0) + 1
    rows, bands = [], []
    seen: dict[str, int] = {}
    for mark in cycles:
        row = seen.get(mark.start, 0)
        seen[mark.start] = row + 1
        text = _("PDSA %(number)d") % {"number": mark.number}
        label = f"{text} · {mark.decision.lower()}" if mark.decision else text
        rows.append(
            {
                "period": mark.start,
                "text": text,
                "label": label,
                "title": mark.title,
                "decision": mark.decision or _("not decided yet"),
                "label_y": -LABEL_ROW * (starting[mark.start] - row),
                "side": "left" if order[mark.start] < len(periods) / 2 else "right",
            }
        )
        if mark.end in order and order[mark.end] > order[mark.start]:
            bands.append({"period": mark.start, "end": mark.end, "text": text, "title": mark.title})
    tooltip = [
        {"field": "text", "title": _("Cycle")},
        {"field": "title", "title": _("Change tested")},
    ]
    layers = []
    if bands:
        layers.append(
            {
                "data": {"values": bands},
                "mark": {"type": "rect", "color": BAND_COLOUR, "opacity": 0.6},
                "encoding": {
                    "x": {"field": "period", "type": "ordinal"},
                    "x2": {"field": "end"},
                    "tooltip": tooltip,
                },
            }
        )
    tooltip = [*tooltip, {"field": "decision", "title": _("Decision")}]
    layers.append(
        {
            "data": {"values": rows},
            "layer": [
                {
                    "mark": {"type": "rule", "color": CYCLE_COLOUR, "strokeWidth": 2},
                    "encoding": {"x": {"field": "period", "type": "ordinal"}, "tooltip": tooltip},
                },
                *(_cycle_labels(side, tooltip) for side in ("left", "right")),
            ],
        }
    )
    return layers


def _cycle_labels(side: str, tooltip: list[dict]) -> dict:
    """The labels written on one side of their rules."""
    return {
        "transform": [{"filter": {"field": "side", "equal": side}}],
        "mark": {
            "type": "text",
            "align": side,
            "baseline": "top",
            "dx": 4 if side == "left" else -4,
            "color": CYCLE_COLOUR,
            "fontSize": 11,
            "fontWeight": "bold",
        },
        "encoding": {
            "x": {"field": "period", "type": "ordinal"},
            # Pixels above the plot (in the padding): labels of cycles that start in one
            # period stack.
            "y": {"field": "label_y", "type": "quantitative", "scale": None},
            "text": {"field": "label"},
            "tooltip": tooltip,
        },
    }


def _centre_layer(centre: float, periods: list[str], axis: list[str], unit: str, decimals: int):
    """The median as a dashed line over the periods it was computed from, labelled at its start:
    under the line when it starts in the first half of the axis, before it in the second (so a
    narrow chart does not cut the label off)."""
    shown = charts.format_value(Decimal(repr(centre)), unit, decimals)
    text = _("Median %(value)s") % {"value": shown}
    rows = [{"period": p, "value": centre, "text": text} for p in periods]
    return {
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "line", "color": charts.MUTED, "strokeDash": [6, 4]},
                "encoding": {
                    "x": {"field": "period", "type": "ordinal"},
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [{"field": "text", "title": _("Centre line")}],
                },
            },
            {
                "transform": [{"filter": {"field": "period", "equal": periods[0]}}],
                "mark": {
                    "type": "text",
                    "color": charts.MUTED,
                    "fontSize": 11,
                    **(
                        {"align": "left", "baseline": "top", "dy": 4}
                        if axis.index(periods[0]) < len(axis) / 2
                        else {"align": "right", "baseline": "middle", "dx": -6}
                    ),
                },
                "encoding": {
                    "x": {"field": "period", "type": "ordinal"},
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    }


def run_chart_spec(
    series,
    *,
    periods: list[str],
    centre: float | None,
    centre_periods: list[str],
    cycles: list[CycleMark],
    unit: str = "",
    decimals: int = 1,
    breaks=(),
    description: str = "",
    width: int | str = "container",
    height: int = 260,
) -> dict:
    """A run chart: the series around its centre line, with cycles and series breaks marked.

    ``series`` is ``(period, value)`` pairs; ``centre_periods`` the periods the centre line
    spans; ``cycles`` the marks to draw (their periods on ``periods``).
    """
    segment = charts._segment_of(periods, breaks)
    layers = _cycle_layers(cycles, periods) if cycles else []
    if centre is not None and centre_periods:
        layers.append(_centre_layer(centre, centre_periods, periods, unit, decimals))
    layers.append(
        {
            "data": {"values": charts._rows(_("Actual"), series, segment, unit, decimals)},
            "mark": {
                "type": "line",
                "point": {"filled": True, "size": 40},
                "strokeWidth": 2.5,
                "color": charts.ACCENT,
            },
            "encoding": {
                "x": charts._x(periods),
                "y": charts._y(unit),
                # Not joined across a series break: values measured another way are another line.
                "detail": {"field": "segment", "type": "nominal"},
                "tooltip": charts._tooltip(),
            },
        }
    )
    if any(p in segment for p, _note in breaks):
        # Unlabelled (two breaks in adjacent periods would write over each other on a phone):
        # the page lists them under the chart, and the tooltip names them.
        layers.append(charts._break_layer(periods, breaks, label=False))
    spec = charts._base(description, width, height, [], 12)
    del spec["data"]  # every layer brings its own
    # Room above the plot for the cycles' labels.
    spec["padding"]["top"] = 4 + LABEL_ROW * _stacked(cycles)
    spec["layer"] = layers
    return spec


def _stacked(cycles: list[CycleMark]) -> int:
    counts: dict[str, int] = {}
    for mark in cycles:
        counts[mark.start] = counts.get(mark.start, 0) + 1
    return max(counts.values(), default=0)
