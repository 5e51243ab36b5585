"""The report card in a browser: a visitor reads the public card, opens an indicator and sees its
charts drawn (under the strict content-security policy: no console error); a reporter sees its
benchmarks. Screenshots land in test-artifacts/ for a person to look at."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from commonground.measurement.models import SeriesBreak, Target
from tests.browser.test_smoke import log_in
from tests.insight.reportcard_world import add_group, add_partners, make_indicator, report

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def reading(world):
    """Twelve years of a published reading rate with a target, a baseline and a change of test."""
    actor = world.users["data_manager"]
    indicator = make_indicator(
        world.alpha,
        "reading",
        name="Third graders reading on grade level",
        value_type="rate",
        aggregation="ratio_of_sums",
        scale_factor=100,
        unit="%",
        decimals=1,
        baseline_period="2013",
        baseline_value=Decimal("58.0"),
        story="Volunteer tutors reached *every* school in 2021. [Method](https://example.org/).",
    )
    Target.objects.create(indicator=indicator, period="2027", value=Decimal(80))
    SeriesBreak.objects.create(indicator=indicator, period="2019", note="A new state test")
    passed = [58, 59, 61, 60, 63, 64, 55, 57, 58, 60, 61, 63]
    for year, (a, b) in zip(range(2013, 2025), [(p, p - 6) for p in passed], strict=True):
        report(
            actor, world.partners["a"], str(year), {indicator: {"numerator": a, "denominator": 100}}
        )
        report(
            actor, world.partners["b"], str(year), {indicator: {"numerator": b, "denominator": 100}}
        )
    return indicator


def test_visitor_reads_the_card_and_an_indicator_with_its_charts(
    world, reading, live_server, page, screenshot
):
    page.goto(f"{live_server.url}/public/alpha/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("community report card")
    tile = page.get_by_role("article", name="Third graders reading on grade level")
    expect(tile).to_contain_text("60.0%")  # (63 + 57) / 200 in 2024
    expect(tile).to_contain_text("Improving")
    expect(tile.locator(".chart-box svg")).to_be_visible()
    screenshot(page, "rc-public-card")

    tile.get_by_role("link", name="Third graders reading on grade level", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Third graders reading on grade level"
    )
    curve = page.locator('[data-spec="curve-spec"]')
    expect(curve.locator("svg")).to_be_visible()
    expect(curve).to_have_attribute("role", "img")
    expect(page.get_by_role("heading", name="Scorecard")).to_be_visible()
    expect(page.get_by_role("row", name="Percent of target")).to_contain_text("75.0%")
    page.get_by_text("The chart's figures").click()
    expect(page.get_by_role("table", name="actual values and the forecast")).to_be_visible()
    expect(page.get_by_role("link", name="Method")).to_have_attribute("rel", "noopener nofollow")
    screenshot(page, "rc-public-indicator")
    assert page.console_errors == []


def test_phone_layout_of_the_card_and_an_indicator(
    world, reading, live_server, chromium, screenshot
):
    context = chromium.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path, name in [
        ("/public/alpha/", "rc-public-card-phone"),
        ("/public/alpha/indicators/reading/", "rc-public-indicator-phone"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator(".chart-box svg").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"
        screenshot(page, name)
    assert errors == []
    context.close()


def test_reporter_sees_its_benchmarks(world, live_server, page, screenshot):
    world.alpha.suppression_threshold = 3
    world.alpha.save()
    actor = world.users["data_manager"]
    peers = add_partners(world.alpha, 4)
    add_group(world.alpha, "readers", [world.partners["a"], *peers], activity_type="early literacy")
    served = make_indicator(world.alpha, "served", name="Children tutored", unit="children")
    report(actor, world.partners["a"], "2024", {served: {"value": Decimal(48)}})
    for peer, value in zip(peers, [30, 40, 55, 70], strict=True):
        report(actor, peer, "2024", {served: {"value": Decimal(value)}})

    log_in(page, live_server, "reporter_a")
    page.goto(f"{live_server.url}/i/alpha/benchmark/")
    card = page.get_by_role("article", name="Children tutored")
    expect(card).to_contain_text("48 children")
    expect(card).to_contain_text("Between the peers' median and their upper quartile.")
    expect(card.locator(".chart-box svg")).to_be_visible()
    for peer in peers:
        expect(page.get_by_text(peer.organization.name)).to_have_count(0)
    screenshot(page, "rc-reporter-benchmarks")
    assert page.console_errors == []
