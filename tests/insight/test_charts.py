"""The chart specifications: valid Vega-Lite that vl-convert compiles and draws, one for web and
PDF, and faithful to the data (gaps stay gaps, breaks split lines, labels carry units)."""

import json
from decimal import Decimal

import pytest
import vl_convert

from commonground.insight.charts import (
    SCHEMA,
    format_value,
    gap_chart_spec,
    sparkline_spec,
    turn_the_curve_spec,
)

PERIODS = ["SY2016-17", "SY2017-18", "SY2018-19", "SY2019-20", "SY2020-21", "SY2021-22"]
HISTORY = list(zip(PERIODS, [Decimal("80.1"), Decimal("81.55"), None, 83, 84.2, 85.0], strict=True))
BREAKS = [("SY2019-20", "Cohort rule changed")]


def layers(spec):
    """Every unit layer of a (nested) layered specification."""
    for layer in spec.get("layer", []):
        if "layer" in layer:
            yield from layers(layer)
        else:
            yield layer


def compiles(spec) -> str:
    """vl-convert compiles the spec to Vega and draws it: the PDF's path."""
    vega = vl_convert.vegalite_to_vega(spec)
    assert vega["$schema"].startswith("https://vega.github.io/schema/vega/")
    svg = vl_convert.vegalite_to_svg({**spec, "width": 400}, allowed_base_urls=[])
    assert svg.startswith("<svg")
    return svg


def test_format_value_puts_the_unit_where_people_expect_it():
    assert format_value(Decimal("86.456"), "%", 1) == "86.5%"
    assert format_value(1056, "students", 0) == "1,056 students"
    assert format_value(Decimal("2.5"), "", 2) == "2.50"
    assert format_value(None, "%", 1) == ""


def test_sparkline_is_valid_and_keeps_the_data_faithful():
    spec = sparkline_spec(
        [("", HISTORY)], periods=PERIODS, unit="%", decimals=1, breaks=BREAKS, description="Grad"
    )
    assert spec["$schema"] == SCHEMA
    assert spec["description"] == "Grad"
    assert spec["width"] == "container"
    json.dumps(spec)  # plain JSON: no Decimal, no lazy strings
    rows = spec["data"]["values"]
    assert [r["period"] for r in rows] == PERIODS
    assert [r["value"] for r in rows] == [80.1, 81.6, None, 83.0, 84.2, 85.0]
    assert rows[1]["shown"] == "81.6%"  # the exact 81.55 rounds half to even: 81.6
    # The break starts a new segment: the line is not drawn across it.
    assert [r["segment"] for r in rows] == [0, 0, 0, 1, 1, 1]
    line, rule = layers(spec)
    assert line["encoding"]["detail"]["field"] == "segment"
    assert line["encoding"]["x"]["scale"]["domain"] == PERIODS
    assert line["encoding"]["y"]["axis"]["labelExpr"] == "datum.label + '%'"
    assert rule["mark"]["type"] == "rule" and rule["mark"]["strokeDash"]
    rule_data = spec["layer"][1]["data"]["values"]
    assert rule_data == [
        {"period": "SY2019-20", "note": "Cohort rule changed", "text": "New method"}
    ]
    compiles(spec)


def test_sparkline_with_several_partners_tells_lines_apart_without_colour():
    spec = sparkline_spec(
        [("Albemarle", HISTORY[:3]), ("Charlottesville", HISTORY[3:])],
        periods=PERIODS,
        unit="students",
        decimals=0,
        width=300,
    )
    (line,) = layers(spec)
    assert line["encoding"]["color"]["scale"]["domain"] == ["Albemarle", "Charlottesville"]
    assert line["encoding"]["strokeDash"]["scale"]["domain"] == ["Albemarle", "Charlottesville"]
    assert line["encoding"]["y"]["title"] == "students"
    assert spec["width"] == 300
    assert "Charlottesville" in compiles(spec)


def test_turn_the_curve_has_every_part_and_a_legend():
    forecast = [("SY2021-22", 85.0, 85.0, 85.0), ("SY2022-23", 86.1, 85.2, 87.3)]
    periods = [*PERIODS, "SY2022-23", "SY2023-24"]
    spec = turn_the_curve_spec(
        HISTORY,
        periods=periods,
        forecast=forecast,
        target=("SY2023-24", Decimal("90")),
        baseline=("SY2016-17", Decimal("80.1")),
        unit="%",
        decimals=1,
        breaks=BREAKS,
        description="Graduation: turn the curve",
    )
    marks = [layer["mark"]["type"] for layer in layers(spec)]
    assert marks.count("area") == 1  # the forecast interval
    assert marks.count("line") == 2  # actual and forecast
    assert marks.count("rule") == 3  # target, baseline, break
    area = next(layer for layer in layers(spec) if layer["mark"]["type"] == "area")
    assert area["data"]["values"][1]["range"] == "85.2% – 87.3%"
    forecast_line = spec["layer"][1]
    assert forecast_line["encoding"]["strokeDash"]["datum"] == "If nothing changes"
    legend = forecast_line["encoding"]["color"]["scale"]["domain"]
    assert legend == ["Actual", "Forecast range", "If nothing changes", "Target", "Baseline"]
    texts = [
        row["text"]
        for layer in spec["layer"]
        for row in layer.get("data", {}).get("values", [])
        if "text" in row
    ]
    assert "Target SY2023-24: 90.0%" in texts
    assert "Baseline SY2016-17: 80.1%" in texts
    svg = compiles(spec)
    assert "If nothing changes" in svg and "Target SY2023-24: 90.0%" in svg


def test_turn_the_curve_without_forecast_or_target_has_a_one_entry_legend():
    spec = turn_the_curve_spec(HISTORY[:2], periods=PERIODS[:2], unit="", decimals=0)
    (line,) = layers(spec)
    assert line["encoding"]["color"]["scale"]["domain"] == ["Actual"]
    compiles(spec)


def test_gap_chart_puts_the_reference_first_and_names_it():
    groups = [
        ("Black", [(p, None if v is None else float(v) - 10) for p, v in HISTORY]),
        ("White", HISTORY),
        ("Hispanic", [(p, None) for p in PERIODS]),  # every cell suppressed: no line, no error
    ]
    spec = gap_chart_spec(groups, periods=PERIODS, reference="White", unit="%", breaks=BREAKS)
    line = spec["layer"][0]
    assert line["encoding"]["color"]["scale"]["domain"] == [
        "White (reference)",
        "Black",
        "Hispanic",
    ]
    assert line["encoding"]["color"]["scale"]["range"][0] == "#1b1f24"
    assert {r["series"] for r in spec["data"]["values"] if r["reference"]} == {"White (reference)"}
    assert all(r["value"] is None for r in spec["data"]["values"] if r["series"] == "Hispanic")
    compiles(spec)


@pytest.mark.parametrize("builder", [sparkline_spec, gap_chart_spec])
def test_specs_have_no_interactive_parts(builder):
    """Nothing needs a pointer to be understood: no params (selections), no hrefs."""
    spec = builder([("x", HISTORY)], periods=PERIODS)
    text = json.dumps(spec)
    assert '"params"' not in text and '"href"' not in text and '"url"' not in text
