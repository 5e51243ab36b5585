"""A person's first minutes: logging in as two roles, finding their way, seeing real figures.

Screenshots land in test-artifacts/ for a person to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_backbone_lead_invites_a_partner_reporter(world, graduation, live_server, page, screenshot):
    log_in(page, live_server, "lead")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Cradle to Career")
    screenshot(page, "lead-initiative-home")

    # The navigation: areas in a top row, the current area's pages in a second one.
    page.get_by_role("navigation", name="Initiative").get_by_role(
        "link", name="Measurement"
    ).click()
    page.get_by_role("navigation", name="Measurement").get_by_role(
        "link", name="Report card"
    ).click()
    tile = page.get_by_role("article", name="On-time graduation rate")
    # (945 + 242) / (1056 + 316) × 100 = 86.5 %: the ratio of sums, not a mean of percentages.
    expect(tile).to_contain_text("86.5%")
    expect(tile.locator(".vega svg")).to_be_visible()
    screenshot(page, "lead-report-card")

    page.get_by_role("navigation", name="Initiative").get_by_role(
        "link", name="Partners and people"
    ).click()
    page.get_by_role("navigation", name="Partners and people").get_by_role(
        "link", name="People and roles"
    ).click()
    page.get_by_label("E-mail address").fill("new.reporter@example.org")
    page.get_by_label("Role", exact=True).select_option("partner_reporter")
    page.get_by_label("Partner (optional)", exact=True).select_option(
        label="Bright Futures Nonprofit"
    )
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to new.reporter@example.org"
    )
    pending = page.get_by_role("table", name="Pending invitations")
    expect(pending).to_contain_text("Partner reporter (Bright Futures Nonprofit)")
    screenshot(page, "lead-people")
    assert page.console_errors == []


def test_partner_reporter_sees_only_what_the_role_allows(
    world, graduation, live_server, page, screenshot
):
    log_in(page, live_server, "reporter_a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Cradle to Career")
    areas = page.get_by_role("navigation", name="Initiative")
    areas.get_by_role("link", name="Measurement").click()
    measurement = page.get_by_role("navigation", name="Measurement")
    expect(measurement.get_by_role("link", name="Reporting")).to_be_visible()
    expect(measurement.get_by_role("link", name="Report card")).to_have_count(0)
    areas.get_by_role("link", name="Partners and people").click()
    people = page.get_by_role("navigation", name="Partners and people")
    expect(people.get_by_role("link", name="Partners")).to_be_visible()
    expect(people.get_by_role("link", name="Audit log")).to_have_count(0)
    page.get_by_role("link", name="Home", exact=True).first.click()
    expect(page.get_by_text("Partner reporter, Alpha Schools")).to_be_visible()
    screenshot(page, "reporter-initiative-home")

    response = page.goto(f"{live_server.url}/i/alpha/report-card/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert page.goto(f"{live_server.url}/i/beta/").status == 404


def test_public_report_card_and_keyboard_use(world, graduation, live_server, page, screenshot):
    page.goto(f"{live_server.url}/public/alpha/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("community report card")
    expect(page.get_by_role("article", name="On-time graduation rate")).to_contain_text("86.5%")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    screenshot(page, "public-report-card")


def test_phone_layout_keeps_everything_reachable(world, live_server, chromium, screenshot):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server, "lead")
    page.get_by_role("link", name="Partners").click()
    expect(page.get_by_role("link", name="Alpha Schools")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "lead-partners-phone")
    context.close()
