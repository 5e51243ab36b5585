"""Vega-Lite specifications. One specification serves the web page (vega-embed) and, later,
PDF and PNG output (vl-convert), so a chart looks the same everywhere."""

from decimal import Decimal


def sparkline_spec(indicator, points: list[tuple[str, str, Decimal]], periods: list[str]) -> dict:
    """A small line chart of an indicator, one point per (line, period).

    ``points`` are (line label, period, value); an empty label is the single combined line.
    ``periods`` gives the time order of the x axis.
    Several labels draw one coloured line each, with a legend.
    """
    unit = indicator.unit or ""
    labels = {label for label, _, _ in points}
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"{indicator.name}: values by period",
        "width": "container",
        "height": 90,
        "background": None,
        "data": {
            "values": [
                {"line": label, "period": period, "value": round(float(value), indicator.decimals)}
                for label, period, value in points
            ]
        },
        "mark": {"type": "line", "point": True, "tooltip": True, "color": "#1f5f8b"},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                # Sorting period codes as text would misplace SY/FY codes: give the time order.
                "sort": periods,
                "title": None,
                "axis": {"labelAngle": 0, "labelOverlap": "parity", "labelSeparation": 4},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": unit or None,
                "scale": {"zero": False},
                "axis": {"tickCount": 3},
            },
        },
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 10}},
    }
    if len(labels) > 1:
        del spec["mark"]["color"]
        spec["encoding"]["color"] = {
            "field": "line",
            "type": "nominal",
            "title": None,
            "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 240},
        }
    return spec
