"""Vega-Lite specifications. One specification serves the web page (vega-embed) and, later,
PDF and PNG output (vl-convert), so a chart looks the same everywhere."""

from decimal import Decimal


def sparkline_spec(indicator, points: list[tuple[str, Decimal]]) -> dict:
    """A small line chart of an indicator's aggregated values, one point per period."""
    unit = indicator.unit or ""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"{indicator.name}: values by period",
        "width": "container",
        "height": 90,
        "background": None,
        "data": {
            "values": [
                {"period": period, "value": round(float(value), indicator.decimals)}
                for period, value in points
            ]
        },
        "mark": {"type": "line", "point": True, "tooltip": True, "color": "#1f5f8b"},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": None,
                "title": None,
                "axis": {"labelAngle": 0, "labelOverlap": "greedy"},
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
