"""The run chart of a project's measure: its points come from approved rollups, its centre line
is the median (hand-worked), and its cycles sit at the periods of their dates."""

from datetime import date
from decimal import Decimal

import pytest

from commonground.action.improvement import services
from commonground.action.improvement.chart import (
    NO_DATA,
    NOT_COMBINED,
    _period_code,
    build_measure_chart,
)
from commonground.action.models import PDSACycle
from commonground.measurement.models import SeriesBreak
from tests.action.improvement.world import project
from tests.insight.reportcard_world import make_indicator, report

YEARS = [str(y) for y in range(2012, 2024)]
# Partner A; partner B reports 10 every year, so the totals are A + 10.
A_VALUES = [10, 12, 11, 13, 12, 14, 20, 22, 21, 23, 24, 25]


def approve_series(world, indicator, values_a, values_b, years):
    lead = world.users["lead"]
    for year, a, b in zip(years, values_a, values_b, strict=True):
        report(lead, world.partners["a"], year, {indicator: a})
        report(lead, world.partners["b"], year, {indicator: b})


@pytest.fixture
def absent(world):
    indicator = make_indicator(world.alpha, "absent", unit="students")
    approve_series(
        world,
        indicator,
        [{"value": Decimal(v)} for v in A_VALUES],
        [{"value": Decimal(10)}] * len(YEARS),
        YEARS,
    )
    return indicator


def cycle(world, made, number, started_on, ended_on=None, **fields):
    return services.add_cycle(
        actor=world.users["lead"],
        project=made,
        data=services.CycleData(
            title=f"Change {number}",
            plan="Try it.",
            prediction="It works.",
            started_on=started_on,
            ended_on=ended_on,
            **fields,
        ),
    )


def chart_for(world, indicator, cycles=()):
    made = project(world)
    measure = services.add_measure(
        actor=world.users["lead"], project=made, kind="outcome", indicator=indicator
    )
    indicator.initiative = world.alpha
    return build_measure_chart(measure, list(cycles) or list(made.cycles.all()))


def layers_by_mark(spec) -> dict[str, list[dict]]:
    """The data rows of each top-level layer, keyed by its (first) mark type."""
    found = {}
    for layer in spec["layer"]:
        mark = layer.get("mark") or layer["layer"][0]["mark"]
        found.setdefault(mark["type"] if isinstance(mark, dict) else mark, []).append(layer)
    return found


def test_points_and_median_of_a_summed_indicator(world, absent):
    made = project(world)
    chart = chart_for(world, absent, [])
    totals = [a + 10 for a in A_VALUES]  # 20, 22, 21, 23, 22, 24, 30, 32, 31, 33, 34, 35
    assert [(p.period, p.value) for p in chart.points] == list(
        zip(YEARS, [Decimal(t) for t in totals], strict=True)
    )
    # Sorted: 20 21 22 22 23 24 | 30 31 32 33 34 35 → median (24 + 30) ÷ 2 = 27.
    run = chart.run
    assert (run.n, run.centre, run.useful) == (12, 27.0, 12)
    # Six below, then six above: one crossing; limits round(log2 12) + 3 = 7 and
    # qbinom(0.05, 11, ½) = 3 → too few crossings: a signal.
    assert (run.longest_run, run.longest_run_limit, run.crossings, run.crossings_limit) == (
        6,
        7,
        1,
        3,
    )
    assert run.signal is True
    assert "only 1 crossing of the median (fewer than 3)" in chart.words.summary
    assert chart.centre_text == "27 students"
    assert chart.periods == YEARS and chart.centre_periods == YEARS
    assert made.cycles.count() == 0

    spec = chart.spec
    lines = layers_by_mark(spec)["line"]
    centre, series = lines  # the centre line is drawn under the series
    assert [(r["period"], r["value"]) for r in series["data"]["values"]] == [
        (y, float(t)) for y, t in zip(YEARS, totals, strict=True)
    ]
    assert series["encoding"]["x"]["scale"]["domain"] == YEARS
    assert {(r["period"], r["value"]) for r in centre["data"]["values"]} == {
        (y, 27.0) for y in YEARS
    }
    assert centre["data"]["values"][0]["text"] == "Median 27 students"
    assert "rect" not in layers_by_mark(spec)  # no cycles, no bands


def test_cycles_are_marked_at_the_periods_of_their_dates(world, absent):
    made = project(world)
    cycle(world, made, 1, date(2021, 3, 1), date(2021, 6, 30), study="Fell.", act="adapt")
    cycle(world, made, 2, date(2022, 9, 1), date(2023, 3, 31))
    cycle(world, made, 3, date(2025, 1, 10))  # after the data: the axis widens to 2025
    cycle(world, made, 4, date(2040, 1, 1))  # too far: listed, not drawn
    cycle(world, made, 5, date(2034, 1, 1), date(2034, 2, 1))  # 11 years after: not drawn
    chart = chart_for(world, absent)
    assert [(m.number, m.start, m.end, m.decision, m.shown) for m in chart.marks] == [
        (1, "2021", "2021", "Adapt", True),
        (2, "2022", "2023", "", True),
        (3, "2025", "2025", "", True),
        (4, "2040", "2040", "", False),
        (5, "2034", "2034", "", False),
    ]
    assert chart.periods == [*YEARS, "2024", "2025"]
    layers = layers_by_mark(chart.spec)
    (band,) = layers["rect"]
    assert band["data"]["values"] == [
        {"period": "2022", "end": "2023", "text": "PDSA 2", "title": "Change 2"}
    ]
    (marks,) = layers["rule"]
    rows = marks["data"]["values"]
    assert [(r["period"], r["label"], r["decision"]) for r in rows] == [
        ("2021", "PDSA 1 · adapt", "Adapt"),
        ("2022", "PDSA 2", "not decided yet"),
        ("2025", "PDSA 3", "not decided yet"),
    ]
    assert [r["period"] for r in chart.rows][:3] == ["2025", "2023", "2022"]
    assert chart.rows[0] == {
        "period": "2025",
        "value": None,
        "censored": False,
        "cycles": ["PDSA 3"],
    }


def test_cycles_starting_in_one_period_stack_their_labels_first_on_top(world, absent):
    made = project(world)
    cycle(world, made, 1, date(2020, 2, 1))
    cycle(world, made, 2, date(2020, 9, 1))
    rows = layers_by_mark(chart_for(world, absent).spec)["rule"][0]["data"]["values"]
    assert [(r["label"], r["label_y"]) for r in rows] == [("PDSA 1", -26), ("PDSA 2", -13)]


def test_the_centre_line_is_the_median_after_the_last_series_break(world, absent):
    SeriesBreak.objects.create(indicator=absent, period="2018", note="New definition")
    chart = chart_for(world, absent, [])
    # 2018–2023: 30 32 31 33 34 35 → median (32 + 33) ÷ 2 = 32.5; six values: no verdict.
    assert chart.run.centre == 32.5 and chart.run.n == 6
    assert chart.run.signal is None
    assert chart.centre_periods == YEARS[6:]
    assert "need at least 10 values" in chart.words.summary
    series = layers_by_mark(chart.spec)["line"][1]
    assert {r["segment"] for r in series["data"]["values"] if r["period"] >= "2018"} == {1}


def test_a_rate_is_computed_exactly_from_its_sums(world):
    rate = make_indicator(
        world.alpha,
        "ready",
        value_type="rate",
        aggregation="ratio_of_sums",
        scale_factor=100,
        unit="%",
        decimals=1,
    )
    approve_series(
        world,
        rate,
        [{"numerator": Decimal(1), "denominator": Decimal(3)}],
        [{"numerator": Decimal(1), "denominator": Decimal(3)}],
        ["2023"],
    )
    chart = chart_for(world, rate, [])
    assert chart.points[0].value == Decimal(2) / Decimal(6) * 100
    assert chart.centre_text == "33.3%"


def test_no_chart_for_an_indicator_not_combined_or_without_data(world):
    separate = make_indicator(world.alpha, "each", aggregation="none")
    assert chart_for(world, separate).missing == NOT_COMBINED
    empty = make_indicator(world.alpha, "empty")
    chart = chart_for(world, empty)
    assert (chart.missing, chart.spec) == (NO_DATA, None)


def test_the_series_is_one_query(world, absent, django_assert_num_queries):
    made = project(world)
    measure = services.add_measure(
        actor=world.users["lead"], project=made, kind="outcome", indicator=absent
    )
    cycle(world, made, 1, date(2021, 3, 1))
    cycles = list(PDSACycle.objects.filter(project=made))
    absent.initiative = world.alpha
    list(absent.breaks.all())
    measure.indicator = absent
    with django_assert_num_queries(2):  # the rollups, the indicator's breaks
        build_measure_chart(measure, cycles)


def test_a_cycle_date_off_the_calendar_of_periods_is_not_placed(world):
    school_year = make_indicator(world.alpha, "sy", frequency="school_year")
    school_year.initiative = world.alpha
    # 1 March of year 1 is in the school year that starts in July of year 0: no such period.
    assert _period_code(school_year, date(1, 3, 1)) is None
    assert _period_code(school_year, date(2024, 3, 1)) == "SY2023-24"
