"""Vega-Lite specifications for the report card's charts.

One specification serves the web page (drawn by vega-embed in ``static/commonground/charts.js``)
and the PDF and PNG outputs (rendered by vl-convert), so a chart looks the same everywhere. The
builders are pure functions of plain data — period codes, numbers, labels — and read nothing from
the database, so any output can call them.

What a chart means never depends on interaction: tooltips repeat what is drawn, every line,
rule and band is labelled on the chart itself, and the pages give each chart a text
alternative built from the same data. Fonts and sizes are chosen to print.

Shapes of the inputs:

* a *series* is a sequence of ``(period, value)`` pairs; ``value`` is a number (``Decimal``,
  ``float``, ``int``) or ``None`` for a period without a shown value (missing, censored or
  suppressed) — the line breaks there instead of bridging the gap;
* ``periods`` gives the x axis, in time order (period codes do not sort as text: ``SY2009-10``);
* ``breaks`` are ``(period, note)`` pairs: the first period measured a new way. Lines are not
  drawn across a break, and a dashed vertical rule marks it, its note in the tooltip.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK = "#1b1f24"
MUTED = "#4a5560"
ACCENT = "#1f5f8b"
TARGET = "#1a7f37"
BASELINE = "#8a4b00"
# Okabe & Ito's palette, safe for the common colour-vision deficiencies; strong enough on white.
GROUP_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"]
GROUP_DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [1, 3]]

Number = Decimal | float | int
Series = Sequence[tuple[str, Number | None]]


def format_value(value: Number | None, unit: str = "", decimals: int = 1) -> str:
    """``47.7%``, ``1,056 students``; an empty string for no value."""
    if value is None:
        return ""
    # Decimals are formatted exactly (halves to even), as the page's figures are.
    number = f"{value:,.{decimals}f}"
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _number(value: Number | None, decimals: int) -> float | None:
    return None if value is None else float(round(value, decimals))


def _segment_of(periods: Sequence[str], breaks) -> dict[str, int]:
    """Each period's segment: how many breaks fall at or before it."""
    where = {period: index for index, period in enumerate(periods)}
    cuts = sorted(where[p] for p, _note in breaks if p in where)
    return {p: sum(i >= cut for cut in cuts) for p, i in where.items()}


def _rows(label: str, series: Series, segment: dict[str, int], unit: str, decimals: int):
    return [
        {
            "series": label,
            "period": period,
            "value": _number(value, decimals),
            "shown": format_value(value, unit, decimals),
            "segment": segment.get(period, 0),
        }
        for period, value in series
        if period in segment
    ]


def _x(periods: Sequence[str], *, title: str | None = None) -> dict:
    return {
        "field": "period",
        "type": "ordinal",
        # The domain is every period, in time order, so a gap stays a gap.
        "scale": {"domain": list(periods)},
        "sort": list(periods),
        "title": title,
        "axis": {"labelAngle": 0, "labelOverlap": "greedy", "labelSeparation": 6},
    }


def _y(unit: str, *, tick_count: int = 4, zero: bool = False) -> dict:
    axis: dict = {"tickCount": tick_count, "grid": True, "gridColor": "#e3e8ec"}
    title = None
    if unit == "%":
        axis["labelExpr"] = "datum.label + '%'"
    elif unit:
        title = unit
    return {
        "field": "value",
        "type": "quantitative",
        "title": title,
        "scale": {"zero": zero},
        "axis": axis,
    }


def _tooltip() -> list[dict]:
    return [
        {"field": "series", "title": _("Series")},
        {"field": "period", "title": _("Period")},
        {"field": "shown", "title": _("Value")},
    ]


def _break_layer(periods: Sequence[str], breaks, *, label: bool) -> dict:
    rows = [
        {"period": period, "note": note, "text": _("New method")}
        for period, note in breaks
        if period in periods
    ]
    rule = {
        "mark": {"type": "rule", "strokeDash": [4, 3], "color": MUTED, "strokeWidth": 1.5},
        "encoding": {
            "x": {"field": "period", "type": "ordinal"},
            "tooltip": [
                {"field": "period", "title": _("Measured a new way from")},
                {"field": "note", "title": _("What changed")},
            ],
        },
    }
    layers = [rule]
    if label:
        layers.append(
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 3,
                    "y": 2,
                    "color": MUTED,
                    "fontSize": 10,
                },
                "encoding": {
                    "x": {"field": "period", "type": "ordinal"},
                    "text": {"field": "text"},
                },
            }
        )
    return {"data": {"values": rows}, "layer": layers}


def _config(font_size: int) -> dict:
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": font_size,
            "titleFontSize": font_size,
            "labelColor": INK,
            "titleColor": INK,
            "domainColor": MUTED,
            "tickColor": MUTED,
        },
        "legend": {"labelFontSize": font_size, "titleFontSize": font_size, "labelColor": INK},
        "text": {"font": FONT},
    }


def _base(description: str, width, height: int, rows: list[dict], font_size: int) -> dict:
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": width,
        "height": height,
        "background": "white",
        # Room at the right for the last period's label, which centres on the last point.
        "padding": {"left": 4, "top": 4, "right": 18, "bottom": 4},
        "data": {"values": rows},
        "config": _config(font_size),
    }


def _legend_columns(labels: Sequence[str]) -> int:
    """Columns of a bottom legend that stay readable in a narrow chart."""
    longest = max(map(len, labels), default=0)
    return 1 if longest > 28 else 2 if longest > 14 or len(labels) <= 2 else 3


def _group_encoding(order: list[str], colours: list[str]) -> dict:
    """One colour and one dash pattern per series, in one legend of short strokes."""
    legend = {
        "orient": "bottom",
        "columns": _legend_columns(order),
        "labelLimit": 320,
        "symbolType": "stroke",
        "symbolStrokeWidth": 2.5,
        "symbolSize": 400,
    }
    common = {"field": "series", "type": "nominal", "title": None, "sort": order}
    return {
        "color": {**common, "scale": {"domain": order, "range": colours}, "legend": legend},
        "strokeDash": {**common, "scale": {"domain": order, "range": GROUP_DASHES}},
    }


def sparkline_spec(
    lines: Sequence[tuple[str, Series]],
    *,
    periods: Sequence[str],
    unit: str = "",
    decimals: int = 1,
    breaks: Sequence[tuple[str, str]] = (),
    description: str = "",
    width: int | str = "container",
    height: int = 90,
) -> dict:
    """A small line chart of one indicator: one line, or one per partner (then a legend).

    ``lines`` are ``(label, series)``; use an empty label for the single combined line.
    """
    segment = _segment_of(periods, breaks)
    rows = [row for label, series in lines for row in _rows(label, series, segment, unit, decimals)]
    several = len(lines) > 1
    line = {
        "mark": {
            "type": "line",
            "point": {"filled": True, "size": 28},
            "strokeWidth": 2,
            "color": ACCENT,
        },
        "encoding": {
            "x": _x(periods),
            "y": _y(unit, tick_count=3),
            # Not joined across a series break: values measured another way are another line.
            "detail": {"field": "segment", "type": "nominal"},
            "tooltip": _tooltip(),
        },
    }
    if several:
        del line["mark"]["color"]
        line["encoding"].update(_group_encoding([label for label, _series in lines], GROUP_COLOURS))
    spec = _base(description, width, height, rows, 10)
    spec["layer"] = [line]
    if any(p in segment for p, _note in breaks):
        spec["layer"].append(_break_layer(periods, breaks, label=False))
    return spec


def turn_the_curve_spec(
    history: Series,
    *,
    periods: Sequence[str],
    forecast: Sequence[tuple[str, Number, Number | None, Number | None]] = (),
    target: tuple[str, Number] | None = None,
    baseline: tuple[str, Number] | None = None,
    unit: str = "",
    decimals: int = 1,
    breaks: Sequence[tuple[str, str]] = (),
    description: str = "",
    width: int | str = "container",
    height: int = 260,
) -> dict:
    """Friedman's turn-the-curve chart: history, the forecast "if nothing changes", target.

    ``forecast`` rows are ``(period, value, low, high)`` — the Sen line extended, with the
    interval of its slope (``low``/``high`` may be ``None``); they may start at the last
    period of ``history`` so the dashed line joins it. ``target`` and ``baseline`` are
    ``(period, value)``: drawn as labelled horizontal rules, with a diamond at their period
    when it is on the axis. A legend names every kind of line.
    """
    segment = _segment_of(periods, breaks)
    kinds = {
        "actual": _("Actual"),
        "forecast": _("If nothing changes"),
        "range": _("Forecast range"),
        "target": _("Target"),
        "baseline": _("Baseline"),
    }
    styles = {  # colour, dash
        "actual": (ACCENT, [1, 0]),
        "forecast": (MUTED, [6, 4]),
        "range": ("#bcc4cc", [1, 0]),
        "target": (TARGET, [8, 4]),
        "baseline": (BASELINE, [2, 3]),
    }
    # Only what is drawn gets a legend entry; every layer repeats the same scales (merged).
    drawn = ["actual"]
    if any(low is not None for _p, _v, low, _h in forecast):
        drawn.append("range")
    if forecast:
        drawn.append("forecast")
    drawn += [kind for kind, point in (("target", target), ("baseline", baseline)) if point]

    def paint(kind: str, *, dash: bool = True) -> dict:
        domain = [kinds[k] for k in drawn]
        encoding = {
            "color": {
                "datum": kinds[kind],
                "scale": {"domain": domain, "range": [styles[k][0] for k in drawn]},
                "legend": {
                    "orient": "bottom",
                    "columns": _legend_columns(domain),
                    "title": None,
                    "symbolType": "stroke",
                    "symbolStrokeWidth": 3,
                    "symbolSize": 400,
                    "symbolOpacity": 1,
                    "labelLimit": 200,
                    # One legend: its strokes take their dash from the strokeDash scale
                    # (Vega-Lite versions differ on merging two legends of datums).
                    "encode": {
                        "symbols": {
                            "update": {"strokeDash": {"scale": "strokeDash", "field": "value"}}
                        }
                    },
                },
            }
        }
        if dash:
            encoding["strokeDash"] = {
                "datum": kinds[kind],
                "scale": {"domain": domain, "range": [styles[k][1] for k in drawn]},
                "legend": None,
            }
        return encoding

    layers: list[dict] = []
    projection = [
        {
            "series": kinds["forecast"],
            "period": period,
            "value": _number(value, decimals),
            "low": _number(low, decimals),
            "high": _number(high, decimals),
            "shown": format_value(value, unit, decimals),
            "range": (
                f"{format_value(low, unit, decimals)} – {format_value(high, unit, decimals)}"
                if low is not None and high is not None
                else ""
            ),
        }
        for period, value, low, high in forecast
        if period in segment
    ]
    ranged = [row for row in projection if row["low"] is not None]
    if ranged:
        layers.append(
            {
                "data": {"values": ranged},
                "mark": {"type": "area", "opacity": 0.55},
                "encoding": {
                    "x": _x(periods),
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                    **paint("range"),
                    "tooltip": [
                        {"field": "period", "title": _("Period")},
                        {"field": "range", "title": kinds["range"]},
                    ],
                },
            }
        )
    if projection:
        layers.append(
            {
                "data": {"values": projection},
                "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {
                    "x": _x(periods),
                    "y": {"field": "value", "type": "quantitative"},
                    **paint("forecast"),
                    "tooltip": _tooltip(),
                },
            }
        )
    layers.append(
        {
            "data": {"values": _rows(kinds["actual"], history, segment, unit, decimals)},
            "mark": {"type": "line", "point": {"filled": True, "size": 40}, "strokeWidth": 2.5},
            "encoding": {
                "x": _x(periods),
                "y": _y(unit),
                **paint("actual"),
                "detail": {"field": "segment", "type": "nominal"},
                "tooltip": _tooltip(),
            },
        }
    )
    for kind, point in (("target", target), ("baseline", baseline)):
        if point is not None:
            layers.append(_reference_rule(kinds[kind], point, paint(kind), unit, decimals, periods))
    if any(p in segment for p, _note in breaks):
        layers.append(_break_layer(periods, breaks, label=True))
    spec = _base(description, width, height, [], 12)
    del spec["data"]  # every layer brings its own
    spec["layer"] = layers
    return spec


def _reference_rule(kind, point, paint: dict, unit, decimals, periods) -> dict:
    """A horizontal rule across the chart at the target or baseline, labelled at its left."""
    period, value = point
    text = f"{kind} {period}: {format_value(value, unit, decimals)}"
    row = {"value": _number(value, decimals), "text": text, "period": period}
    layers = [
        {
            "mark": {"type": "rule", "strokeWidth": 1.5},
            "encoding": {
                "y": {"field": "value", "type": "quantitative"},
                **paint,
                "tooltip": [{"field": "text", "title": kind}],
            },
        },
        {
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "dy": -3,
                "x": 2,
                "fontSize": 11,
                "fontWeight": "bold",
            },
            "encoding": {
                "y": {"field": "value", "type": "quantitative"},
                "text": {"field": "text"},
                "color": paint["color"],
            },
        },
    ]
    if period in periods:
        layers.append(
            {
                "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 90},
                "encoding": {
                    "x": {"field": "period", "type": "ordinal"},
                    "y": {"field": "value", "type": "quantitative"},
                    "color": paint["color"],
                },
            }
        )
    return {"data": {"values": [row]}, "layer": layers}


def gap_chart_spec(
    groups: Sequence[tuple[str, Series]],
    *,
    periods: Sequence[str],
    reference: str | None = None,
    unit: str = "",
    decimals: int = 1,
    breaks: Sequence[tuple[str, str]] = (),
    description: str = "",
    width: int | str = "container",
    height: int = 240,
) -> dict:
    """Each group's line over time; the reference group drawn thicker and named in the legend.

    ``groups`` are ``(label, series)``; ``reference`` is the label of the reference group.
    Lines differ by colour *and* dash pattern, so they can be told apart without colour.
    """
    segment = _segment_of(periods, breaks)
    rows = []
    order = []
    # The reference group first, so it takes the first (darkest) colour and the solid line.
    groups = sorted(groups, key=lambda group: group[0] != reference)
    for label, series in groups:
        shown = f"{label} ({_('reference')})" if label == reference else label
        order.append(shown)
        for row in _rows(shown, series, segment, unit, decimals):
            row["reference"] = label == reference
            rows.append(row)
    colours = [INK, *GROUP_COLOURS] if reference is not None else GROUP_COLOURS
    line = {
        "mark": {"type": "line", "point": {"filled": True, "size": 24}},
        "encoding": {
            "x": _x(periods),
            "y": _y(unit),
            **_group_encoding(order, colours),
            "strokeWidth": {
                "field": "reference",
                "type": "nominal",
                "scale": {"domain": [True, False], "range": [3.5, 1.8]},
                "legend": None,
            },
            # One path per group and segment.
            "detail": {"field": "segment", "type": "nominal"},
            "tooltip": _tooltip(),
        },
    }
    spec = _base(description, width, height, rows, 12)
    spec["layer"] = [line]
    if any(p in segment for p, _note in breaks):
        spec["layer"].append(_break_layer(periods, breaks, label=True))
    return spec


def benchmark_spec(
    own: Number | None,
    *,
    minimum: Number,
    q1: Number,
    median: Number,
    q3: Number,
    maximum: Number,
    unit: str = "",
    decimals: int = 1,
    own_label: str = "",
    description: str = "",
    width: int | str = "container",
    height: int = 56,
) -> dict:
    """A partner's value (a diamond) against its peers' spread: a line from the minimum to the
    maximum, a box over the middle half (Q1 to Q3) and a tick at the median. Only the five
    summary figures are drawn, never a single peer's value beyond them."""
    spread = {
        "minimum": _number(minimum, decimals),
        "q1": _number(q1, decimals),
        "median": _number(median, decimals),
        "q3": _number(q3, decimals),
        "maximum": _number(maximum, decimals),
    }
    summary = " · ".join(
        f"{name} {format_value(value, unit, decimals)}"
        for name, value in (
            (_("min"), minimum),
            (_("Q1"), q1),
            (_("median"), median),
            (_("Q3"), q3),
            (_("max"), maximum),
        )
    )
    peers = {**spread, "series": _("Peers"), "shown": summary}
    x_axis = {"title": unit if unit and unit != "%" else None, "tickCount": 5, "grid": False}
    if unit == "%":
        x_axis["labelExpr"] = "datum.label + '%'"
    x = {"type": "quantitative", "scale": {"zero": False, "nice": True}, "axis": x_axis}
    tooltip = [{"field": "series", "title": " "}, {"field": "shown", "title": _("Value")}]
    layers = [
        {
            "data": {"values": [peers]},
            "layer": [
                {
                    "mark": {"type": "rule", "color": MUTED, "strokeWidth": 1.5},
                    "encoding": {"x": {"field": "minimum", **x}, "x2": {"field": "maximum"}},
                },
                {
                    "mark": {"type": "bar", "color": "#c9d6e3", "height": 18, "stroke": MUTED},
                    "encoding": {
                        "x": {"field": "q1", **x},
                        "x2": {"field": "q3"},
                        "tooltip": tooltip,
                    },
                },
                {
                    "mark": {"type": "tick", "color": INK, "thickness": 2.5, "size": 22},
                    "encoding": {"x": {"field": "median", **x}},
                },
            ],
        }
    ]
    if own is not None:
        layers.append(
            {
                "data": {
                    "values": [
                        {
                            "value": _number(own, decimals),
                            "series": own_label or _("You"),
                            "shown": format_value(own, unit, decimals),
                        }
                    ]
                },
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "size": 160,
                    "color": "#d55e00",
                    "stroke": "white",
                    "strokeWidth": 1,
                    "opacity": 1,
                },
                "encoding": {"x": {"field": "value", **x}, "tooltip": tooltip},
            }
        )
    spec = _base(description, width, height, [], 11)
    del spec["data"]
    spec["layer"] = layers
    return spec
