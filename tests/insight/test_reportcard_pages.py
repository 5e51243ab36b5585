"""The report card pages: what they show, to whom, what they never show, and at what cost."""

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.measurement.models import Dimension, DimensionValue, SeriesBreak, Target
from tests.insight.reportcard_world import add_group, add_partners, make_indicator, report

YEARS = ["2020", "2021", "2022", "2023", "2024"]


def page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def tile(html: str, code: str) -> str:
    """The HTML of one indicator's tile."""
    match = re.search(rf'<article aria-labelledby="ind-{code}">(.*?)</article>', html, re.S)
    assert match, f"no tile for {code}"
    return match.group(1)


def text(html: str) -> str:
    """Visible text, tags dropped and whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def trends_world(world):
    """Five years of partner A's figures for indicators with known trends."""
    actor = world.users["data_manager"]
    rising = make_indicator(world.alpha, "rising", name="Children reading", unit="children")
    falling = make_indicator(world.alpha, "falling", name="Families housed", unit="families")
    flat = make_indicator(world.alpha, "flat", name="Volunteers")
    short = make_indicator(world.alpha, "short", name="New programs")
    neutral = make_indicator(world.alpha, "neutral", name="Enrollment", polarity="neutral")
    series = {
        rising: [10, 20, 30, 40, 55],
        falling: [50, 40, 30, 20, 12],
        flat: [30, 10, 30, 10, 30],
        neutral: [10, 20, 30, 40, 50],
    }
    for index, year in enumerate(YEARS):
        values = {i: {"value": Decimal(v[index])} for i, v in series.items()}
        if index >= 2:
            values[short] = {"value": Decimal(10 * index)}
        report(actor, world.partners["a"], year, values)
    rising.baseline_period, rising.baseline_value = "2020", Decimal(10)
    rising.save()
    Target.objects.create(indicator=rising, period="2026", value=Decimal(80))
    return {"rising": rising, "falling": falling, "flat": flat, "short": short}


def test_headline_counts_improving_among_indicators_with_a_verdict(trends_world, client):
    html = page(client, "public_report_card", "alpha")
    # Counted: rising (improving), falling (worsening), flat (no clear trend). Not counted:
    # short (3 values: not enough data) and neutral (no better direction).
    assert "1 of 3 indicators improving" in html
    assert "gaps closing" not in html  # no disaggregated indicator, no gap headline
    assert "Counted: 3 of the 5 indicators here." in text(html)


def test_tile_shows_value_unit_period_trend_in_words_baseline_target_and_run(trends_world, client):
    html = page(client, "public_report_card", "alpha")
    rising = tile(html, "rising")
    assert '<span class="value">55</span> <span class="unit">children</span>' in rising
    assert "2024" in rising
    # The arrow is decoration; the word says it, the colour follows the polarity.
    assert re.search(r'class="trend tone-good">.*↑.*<strong>Improving</strong>', rising, re.S)
    assert "since 2020: 5 periods" in text(rising)
    assert "Baseline 10 children (2020)" in text(rising)
    assert "Target 80 children (2026)" in text(rising)
    assert "1 of 1 partner reported (2024)" in text(rising)
    falling = tile(html, "falling")
    assert re.search(r'class="trend tone-bad">.*↓.*<strong>Worsening</strong>', falling, re.S)
    assert re.search(r'class="trend tone-neutral">.*→.*No clear trend', tile(html, "flat"), re.S)
    assert "Not enough data" in tile(html, "short")
    assert "Rising" in tile(html, "neutral")
    # Every tile's chart has a specification and a text alternative.
    assert html.count('data-spec="spark-') == 5
    spec = json.loads(re.search(r'<script id="spark-rising"[^>]*>(.*?)</script>', html, re.S)[1])
    assert [row["value"] for row in spec["data"]["values"]] == [10, 20, 30, 40, 55]
    assert "<caption" in rising and "Children reading by period" in rising


def test_internal_card_marks_unpublished_and_pending_public_hides_them(world, client):
    actor = world.users["data_manager"]
    shown = make_indicator(world.alpha, "served", name="Children served", unit="children")
    hidden = make_indicator(world.alpha, "draft_measure", name="Draft measure", is_published=False)
    report(actor, world.partners["a"], "2024", {shown: {"value": 40}, hidden: {"value": 5}})
    report(actor, world.partners["b"], "2024", {shown: {"value": 60}}, approve=False)

    public = page(client, "public_report_card", "alpha")
    assert "Draft measure" not in public
    assert "not published" not in public
    assert "awaiting approval" not in public
    served = tile(public, "served")
    assert "40 children" in text(served)  # B's value is not approved yet
    assert "1 of 2 partners reported (2024)" in text(served)

    internal = page(world.client("viewer"), "report_card", "alpha")
    assert "Draft measure" in internal
    assert "not published" in tile(internal, "draft_measure")
    assert "1 value awaiting approval" in text(tile(internal, "served"))
    # The unpublished indicator's page exists internally only.
    assert page(world.client("viewer"), "indicator_report", "alpha", "draft_measure")
    assert (
        client.get(reverse("public_indicator_report", args=["alpha", "draft_measure"])).status_code
        == 404
    )


@pytest.fixture
def disaggregated(world):
    """A pass rate by race: Black students' cell is small (3 of 20 pass), so it is withheld
    publicly — and the White cell with it, or it could be recovered from the total."""
    actor = world.users["data_manager"]
    race = Dimension.objects.create(initiative=world.alpha, code="race", name="Race")
    for order, (code, name) in enumerate([("black", "Black"), ("white", "White")]):
        DimensionValue.objects.create(dimension=race, code=code, name=name, sort_order=order)
    rate = make_indicator(
        world.alpha,
        "pass_rate",
        name="Pass rate",
        value_type="rate",
        aggregation="ratio_of_sums",
        scale_factor=100,
        unit="%",
        decimals=1,
        breakdown_complete=True,
    )
    rate.dimensions.add(race)
    for year, (black, white) in {
        "2023": ((30, 60), (120, 180)),
        "2024": ((3, 20), (97, 180)),
    }.items():
        (bn, bd), (wn, wd) = black, white
        report(
            actor,
            world.partners["a"],
            year,
            {
                rate: [
                    ({}, {"numerator": bn + wn, "denominator": bd + wd}),
                    ({"race": "black"}, {"numerator": bn, "denominator": bd}),
                    ({"race": "white"}, {"numerator": wn, "denominator": wd}),
                ]
            },
        )
    return rate


def test_withheld_cells_are_never_printed_as_numbers_on_public_pages(disaggregated, world, client):
    html = page(client, "public_indicator_report", "alpha", "pass_rate")
    withheld = re.findall(r'<td class="num withheld">(.*?)</td>', html, re.S)
    assert len(withheld) >= 2  # Black 2024 and its complement
    for cell in withheld:
        assert not re.search(r"\d", cell), cell
        assert "&lt;k" in cell
    assert "15.0%" not in html  # 3 / 20
    assert "53.9%" not in html  # 97 / 180
    for spec in re.findall(
        r'<script id="[^"]+" type="application/json">(.*?)</script>', html, re.S
    ):
        assert "15.0" not in spec and "53.9" not in spec
    assert "fewer than 10 people are counted" in text(html)
    card = page(client, "public_report_card", "alpha")
    assert "15.0%" not in card and "53.9%" not in card

    internal = page(world.client("lead"), "indicator_report", "alpha", "pass_rate")
    assert "15.0%" in internal and "53.9%" in internal
    assert 'class="num withheld"' not in internal  # the internal page withholds nothing


def test_indicator_page_has_the_turn_the_curve_chart_scorecard_trend_and_run_chart(world, client):
    actor = world.users["data_manager"]
    grad = make_indicator(
        world.alpha,
        "grad",
        name="Graduation",
        value_type="rate",
        aggregation="ratio_of_sums",
        scale_factor=100,
        unit="%",
        decimals=1,
        baseline_period="2013",
        baseline_value=Decimal("60"),
    )
    Target.objects.create(indicator=grad, period="2026", value=Decimal(90))
    SeriesBreak.objects.create(indicator=grad, period="2016", note="Cohort rule changed")
    passed = [60, 62, 61, 64, 66, 65, 68, 70, 69, 72, 74, 73]  # of 100, 2013–2024
    for year, n in zip(range(2013, 2025), passed, strict=True):
        report(actor, world.partners["a"], str(year), {grad: {"numerator": n, "denominator": 100}})

    html = page(client, "public_indicator_report", "alpha", "grad")
    body = text(html)
    spec = json.loads(re.search(r'<script id="curve-spec"[^>]*>(.*?)</script>', html, re.S)[1])
    kinds = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert kinds == ["Actual", "Forecast range", "If nothing changes", "Target", "Baseline"]
    # The axis runs on to the target year; the forecast is drawn up to it.
    axis = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert axis[0] == "2013" and axis[-1] == "2026"
    assert [row[0] for row in _forecast_rows(spec)] == ["2024", "2025", "2026"]
    # Scorecard: A = 73, T = 90, B = 60.
    assert "Percent of target 81.1%" in body
    assert "Variance from target −18.9%" in body
    assert "Change since baseline +21.7%" in body
    assert "Current trend Improving (since 2016: 9 periods)" in body
    assert "Beats the forecast?" in body
    # Trend per segment, in words, with the break.
    assert "2016–2024 (9 values): rising by about" in body
    assert "percentage points a year" in body
    assert "Measured a new way from 2016: Cohort rule changed" in body
    # Run chart: the rules need 10 values in the current segment; this one has 9.
    assert "The run-chart rules need at least 10 values; this series has 9." in body
    # The chart's text alternative.
    assert "The chart's figures" in body and "73.0%" in body


def _forecast_rows(spec):
    layer = next(
        layer
        for layer in spec["layer"]
        if layer.get("encoding", {}).get("strokeDash", {}).get("datum") == "If nothing changes"
    )
    return [(row["period"], row["value"]) for row in layer["data"]["values"]]


def test_run_chart_signals_with_ten_or_more_values(world, client):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served", name="Children served")
    # A shift: five values low, then seven high. The median is 30; the two values on it are
    # skipped, leaving 10 useful points: one crossing (limit 2), longest run 5 (limit 6).
    values = [15, 16, 15, 16, 15, 30, 31, 30, 32, 31, 33, 32]
    for year, value in zip(range(2013, 2025), values, strict=True):
        report(actor, world.partners["a"], str(year), {served: {"value": value}})
    body = text(page(client, "public_indicator_report", "alpha", "served"))
    assert "Signal of non-random variation" in body
    assert "only 1 crossing of the median (fewer than 2)" in body
    assert "Median (centre line) 30" in body
    assert "Longest run on one side 5 (signal above 6)" in body
    assert "Crossings of the median 1 (signal below 2)" in body


def test_equity_gaps_on_tile_and_page(world, client):
    actor = world.users["data_manager"]
    race = Dimension.objects.create(initiative=world.alpha, code="race", name="Race")
    for order, (code, name) in enumerate([("black", "Black"), ("white", "White")]):
        DimensionValue.objects.create(dimension=race, code=code, name=name, sort_order=order)
    served = make_indicator(world.alpha, "served", name="Children served", unit="children")
    served.dimensions.add(race)
    for year, (black, white) in zip(
        YEARS, [(100, 300), (120, 290), (140, 280), (160, 270), (180, 260)], strict=True
    ):
        report(
            actor,
            world.partners["a"],
            year,
            {
                served: [
                    ({}, {"value": black + white}),
                    ({"race": "black"}, {"value": black}),
                    ({"race": "white"}, {"value": white}),
                ]
            },
        )
    card = page(client, "public_report_card", "alpha")
    assert "1 of 1 disparity gap closing" in card
    gaps = text(tile(card, "served"))
    assert "Equity gaps, 2024" in gaps
    assert "Black 180 children −80 children gap: closing" in gaps
    assert "White 260 children (reference)" in gaps
    detail = text(page(client, "public_indicator_report", "alpha", "served"))
    assert "Black 180 children −80 children 0.69 Closing 5" in detail
    assert "gap-spec" in page(client, "public_indicator_report", "alpha", "served")


def test_not_aggregated_indicator_shows_each_partners_figure(world, client):
    actor = world.users["data_manager"]
    ready = make_indicator(
        world.alpha,
        "ready",
        name="Ready",
        value_type="mean",
        aggregation="none",
        unit="%",
        decimals=1,
    )
    report(actor, world.partners["a"], "2024", {ready: {"value": Decimal("54.7")}})
    report(actor, world.partners["b"], "2024", {ready: {"value": Decimal("47.7")}})
    body = text(tile(page(client, "public_report_card", "alpha"), "ready"))
    assert "Not combined across partners" in body
    assert "Alpha Schools 54.7% 2024" in body
    assert "Bright Futures Nonprofit 47.7% 2024" in body
    detail = text(page(client, "public_indicator_report", "alpha", "ready"))
    assert "Period Alpha Schools Bright Futures Nonprofit 2024 54.7% 47.7%" in detail


def test_story_is_rendered_from_markdown_and_sanitized(world, client):
    make_indicator(
        world.alpha,
        "served",
        name="Children served",
        story=(
            "Tutoring *doubled* in 2024. [Read more](https://example.org/story)\n\n"
            "<script>alert('x')</script>[bad](javascript:alert(1))"
            '<img src=x onerror="alert(2)">'
        ),
    )
    for html in (
        page(client, "public_report_card", "alpha"),
        page(client, "public_indicator_report", "alpha", "served"),
    ):
        assert "The story behind the data" in html
        assert "Tutoring <em>doubled</em> in 2024." in html
        assert '<a href="https://example.org/story" rel="noopener nofollow">Read more</a>' in html
        assert "alert(" not in html
        assert "javascript:" not in html
        assert "onerror" not in html


def test_working_group_card_covers_its_indicators_and_members_only(world, client):
    actor = world.users["data_manager"]
    group = add_group(world.alpha, "readers", [world.partners["a"]], name="Early readers")
    owned = make_indicator(world.alpha, "read", name="Reading", owner_group=group)
    make_indicator(world.alpha, "other", name="Other measure")
    report(actor, world.partners["a"], "2024", {owned: {"value": 30}})
    report(actor, world.partners["b"], "2024", {owned: {"value": 70}})
    html = page(client, "public_group_report_card", "alpha", "readers")
    assert "Early readers: report card" in html
    assert "Other measure" not in html
    assert "30" in text(tile(html, "read"))  # A's only; all partners would be 100
    assert 'href="/public/alpha/groups/readers/indicators/read/"' in html
    # The initiative's card links to the group's.
    assert 'href="/public/alpha/groups/readers/"' in page(client, "public_report_card", "alpha")
    internal = page(world.client("funder"), "group_report_card", "alpha", "readers")
    assert 'href="/i/alpha/groups/readers/report-card/read/"' in internal
    assert (
        client.get(reverse("public_group_report_card", args=["alpha", "nope"])).status_code == 404
    )


def test_empty_cards_say_what_to_do(world, client):
    assert "No indicator is published yet." in page(client, "public_report_card", "alpha")
    assert "No indicators yet." in page(world.client("viewer"), "report_card", "alpha")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name, args",
    [
        ("report_card", ()),
        ("public_report_card", ()),
        ("indicator_report", ("indicator_0",)),
        ("public_indicator_report", ("indicator_0",)),
        ("group_report_card", ("readers",)),
    ],
)
def test_queries_stay_flat_from_5_to_50_indicators(world, name, args):
    actor = world.users["data_manager"]
    partners = add_partners(world.alpha, 3)
    group = add_group(world.alpha, "readers", partners)
    client = world.client("lead")
    url = reverse(name, args=["alpha", *args])

    def grow(first, last, years):
        indicators = [
            make_indicator(world.alpha, f"indicator_{n}", owner_group=group)
            for n in range(first, last)
        ]
        for partnership in partners:
            for year in years:
                report(actor, partnership, year, {i: {"value": Decimal(40)} for i in indicators})

    grow(0, 5, ["2022", "2023"])
    small = count_queries(client, url)
    # Ten times the indicators, more periods, more values; approved reports stay locked, so the
    # new data comes in new reports.
    grow(5, 50, ["2018", "2019", "2020", "2021"])
    assert count_queries(client, url) == small
